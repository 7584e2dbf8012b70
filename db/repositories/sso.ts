/**
 * Single sign-on in the database: the admin's mapping rule (`sso_mapping`, one row), the
 * authorization requests under way (`oidc_sign_ins`, taken once), and the users linked to the
 * identity platform by issuer and `sub`: created at a first sign-in, updated from the claims at
 * every later one. Each change to a user is one transaction with its audit row.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Role } from '../../domain/roles';
import type { Database } from '../schema';
import { type AuditActor, recordAudit } from './audit';
import { revokeUserSessions } from './sessions';
import type { User } from './users';

type Db = Kysely<Database> | Transaction<Database>;

/** The admin's rule from the provider's claims to a user of the product (stored in `sso_mapping`). */
export interface SsoMapping {
  /** Claim names; a dotted path reaches into an object (`org.code`). */
  usernameClaim: string;
  displayNameClaim: string;
  roleClaim: string;
  /** Tried in order: the first entry whose value the claim holds (a string, or one of a list) gives the role. */
  roleMap: Array<{ value: string; role: Role }>;
  /** When no entry matches: this role, or null to refuse the sign-in. */
  defaultRole: Role | null;
  departmentClaim: string;
  departmentMap: Array<{ value: string; departmentCode: string }>;
  defaultDepartmentCode: string | null;
  /** A first sign-in whose username an unlinked user already has links that user (else it is refused). */
  linkExistingUsers: boolean;
}

/** Until an admin sets a rule nobody is let in: no table entries and no defaults. */
export const DEFAULT_SSO_MAPPING: SsoMapping = {
  usernameClaim: 'preferred_username',
  displayNameClaim: 'name',
  roleClaim: 'role',
  roleMap: [],
  defaultRole: null,
  departmentClaim: 'department',
  departmentMap: [],
  defaultDepartmentCode: null,
  linkExistingUsers: false,
};

/** Who a provider identity is in the product, by the rule (api/identity/oidc.ts mapClaims). */
export type MappedUser = { username: string; displayName: string; role: Role; departmentCode: string };

export interface StoredSsoMapping {
  mapping: SsoMapping;
  /** False until an admin has saved a rule: then the default (nobody let in) applies. */
  stored: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export async function getSsoMapping(db: Db): Promise<StoredSsoMapping> {
  const row = await db
    .selectFrom('sso_mapping')
    .leftJoin('users', 'users.id', 'sso_mapping.updated_by')
    .selectAll('sso_mapping')
    .select('users.username as updated_by_username')
    .executeTakeFirst();
  if (!row) return { mapping: DEFAULT_SSO_MAPPING, stored: false, updatedAt: null, updatedBy: null };
  return {
    mapping: {
      usernameClaim: row.username_claim,
      displayNameClaim: row.display_name_claim,
      roleClaim: row.role_claim,
      roleMap: row.role_map,
      defaultRole: row.default_role,
      departmentClaim: row.department_claim,
      departmentMap: row.department_map,
      defaultDepartmentCode: row.default_department_code,
      linkExistingUsers: row.link_existing_users,
    },
    stored: true,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by_username,
  };
}

/** Saves the rule (inside the caller's transaction, with its audit row). */
export async function saveSsoMapping(db: Db, mapping: SsoMapping, by: AuditActor, ip: string | null): Promise<void> {
  const before = await getSsoMapping(db);
  const values = {
    username_claim: mapping.usernameClaim,
    display_name_claim: mapping.displayNameClaim,
    role_claim: mapping.roleClaim,
    role_map: JSON.stringify(mapping.roleMap),
    default_role: mapping.defaultRole,
    department_claim: mapping.departmentClaim,
    department_map: JSON.stringify(mapping.departmentMap),
    default_department_code: mapping.defaultDepartmentCode,
    link_existing_users: mapping.linkExistingUsers,
    updated_at: new Date(),
    updated_by: by.userId,
  };
  await db
    .insertInto('sso_mapping')
    .values({ id: true, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
  await recordAudit(db, {
    action: 'admin.sso-mapping-updated',
    actor: by,
    ip,
    target: 'sso-mapping',
    details: { before: before.stored ? before.mapping : null, after: mapping },
  });
}

// ---- authorization requests under way --------------------------------------------------

export interface PendingSignIn {
  browserDigest: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  expiresAt: Date;
}

export async function savePendingSignIn(db: Db, input: PendingSignIn & { stateDigest: string; now: Date }): Promise<void> {
  // Requests nobody came back from leave with their time.
  await db.deleteFrom('oidc_sign_ins').where('expires_at', '<', input.now).execute();
  await db
    .insertInto('oidc_sign_ins')
    .values({
      state_digest: input.stateDigest,
      browser_digest: input.browserDigest,
      nonce: input.nonce,
      code_verifier: input.codeVerifier,
      return_to: input.returnTo,
      created_at: input.now,
      expires_at: input.expiresAt,
    })
    .execute();
}

/** The request a state names, removed as it is read: a state is good for one callback. */
export async function takePendingSignIn(db: Db, stateDigest: string): Promise<PendingSignIn | null> {
  const row = await db.deleteFrom('oidc_sign_ins').where('state_digest', '=', stateDigest).returningAll().executeTakeFirst();
  return row
    ? {
        browserDigest: row.browser_digest,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        returnTo: row.return_to,
        expiresAt: row.expires_at,
      }
    : null;
}

// ---- users linked to the identity platform ----------------------------------------------

export type SsoUserResult =
  | { user: User; created: boolean; changed: string[] }
  | { refused: 'inactive-user' | 'username-taken' | 'unknown-department'; userId: string | null; detail: string };

/**
 * The user a provider identity signs in as: found by issuer and `sub` (then its display name,
 * role and department follow the claims; a change of role or department ends its other
 * sessions), else an unlinked user of the same username when the rule links existing users,
 * else a new user with no password. A disabled user stays disabled and is refused.
 */
export async function signInSsoUser(
  db: Kysely<Database>,
  identity: { issuer: string; subject: string },
  mapped: MappedUser,
  rule: Pick<SsoMapping, 'linkExistingUsers'>,
  context: { ip: string | null; now: Date },
): Promise<SsoUserResult> {
  return db.transaction().execute(async (trx) => {
    const department = await trx
      .selectFrom('departments')
      .select(['code', 'agency_code'])
      .where('code', '=', mapped.departmentCode)
      .executeTakeFirst();
    const columns = [
      'id',
      'username',
      'display_name',
      'role',
      'department_code',
      'active',
      'platform',
      'oidc_issuer',
      'oidc_subject',
    ] as const;
    let row = await trx
      .selectFrom('users')
      .select(columns)
      .where('oidc_issuer', '=', identity.issuer)
      .where('oidc_subject', '=', identity.subject)
      .forUpdate()
      .executeTakeFirst();
    let linked = false;
    if (!row) {
      const sameName = await trx.selectFrom('users').select(columns).where('username', '=', mapped.username).forUpdate().executeTakeFirst();
      if (sameName) {
        if (sameName.oidc_subject !== null || !rule.linkExistingUsers) {
          return {
            refused: 'username-taken' as const,
            userId: null,
            detail: `username ${mapped.username} belongs to ${sameName.oidc_subject !== null ? 'another linked identity' : 'a user not linked to single sign-on (the rule does not link existing users)'}`,
          };
        }
        row = sameName;
        linked = true;
      }
    }
    if (row && !row.active) return { refused: 'inactive-user' as const, userId: row.id, detail: `user ${row.username} is disabled` };
    if (!department)
      return {
        refused: 'unknown-department' as const,
        userId: row?.id ?? null,
        detail: `department ${mapped.departmentCode} does not exist`,
      };
    const actor = (u: { id: string; username: string; role: Role }): AuditActor => ({ userId: u.id, username: u.username, role: u.role });

    if (!row) {
      const created = await trx
        .insertInto('users')
        .values({
          username: mapped.username,
          display_name: mapped.displayName,
          role: mapped.role,
          department_code: mapped.departmentCode,
          must_change_password: false,
          oidc_issuer: identity.issuer,
          oidc_subject: identity.subject,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      const user: User = {
        id: created.id,
        username: mapped.username,
        displayName: mapped.displayName,
        role: mapped.role,
        departmentCode: mapped.departmentCode,
        agencyCode: department.agency_code,
        platform: false,
      };
      await recordAudit(trx, {
        action: 'auth.sso-user-created',
        actor: actor(user),
        ip: context.ip,
        target: `user:${user.username}`,
        details: { issuer: identity.issuer, subject: identity.subject, role: user.role, departmentCode: user.departmentCode },
      });
      return { user, created: true, changed: [] };
    }

    const changed: string[] = [];
    if (row.display_name !== mapped.displayName) changed.push('displayName');
    if (row.role !== mapped.role) changed.push('role');
    if (row.department_code !== mapped.departmentCode) changed.push('departmentCode');
    if (changed.length > 0 || linked) {
      await trx
        .updateTable('users')
        .set({
          display_name: mapped.displayName,
          role: mapped.role,
          department_code: mapped.departmentCode,
          oidc_issuer: identity.issuer,
          oidc_subject: identity.subject,
        })
        .where('id', '=', row.id)
        .execute();
    }
    const user: User = {
      id: row.id,
      username: row.username,
      displayName: mapped.displayName,
      role: mapped.role,
      departmentCode: mapped.departmentCode,
      agencyCode: department.agency_code,
      platform: row.platform,
    };
    // A new role or department ends the sessions opened with the old one (as an admin's change does).
    if (changed.includes('role') || changed.includes('departmentCode'))
      await revokeUserSessions(trx, row.id, 'claims-changed', context.now);
    if (changed.length > 0 || linked) {
      await recordAudit(trx, {
        action: linked ? 'auth.sso-user-linked' : 'auth.sso-user-updated',
        actor: actor(user),
        ip: context.ip,
        target: `user:${user.username}`,
        details: {
          issuer: identity.issuer,
          subject: identity.subject,
          changed,
          before: { displayName: row.display_name, role: row.role, departmentCode: row.department_code },
          after: { displayName: user.displayName, role: user.role, departmentCode: user.departmentCode },
        },
      });
    }
    return { user, created: false, changed };
  });
}
