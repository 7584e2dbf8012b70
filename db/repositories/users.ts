/** Users, departments and bearer tokens. */
import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { type Role, ROLES } from '../../domain/roles';
import { compiledOnce } from '../compiled-once';
import { labelledDigest, storedDigestCandidates } from '../crypto';
import { agencyFromEnv } from '../../domain/agency';
import type { Database } from '../schema';
import { createAgency, loadAgencySettings } from './agency';
import { type AuditActor, recordAudit } from './audit';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
  /** The agency the user's (or API key's) department belongs to: all the data they see is its. */
  agencyCode: string;
  /** Platform admin or supervisor (db/migrations/20261203T0900_agencies.ts); an API key is if its owner is. */
  platform: boolean;
}

/** The stored digest of a token, naming its algorithm (`sha256:…`, or `sm3:…` under GONGKAI_CRYPTO=gm; db/crypto.ts). */
export function hashToken(token: string): string {
  return labelledDigest(token);
}

/** The user a live token belongs to, or null (unknown, revoked, or user deactivated). */
export type TokenCheck =
  | { user: User; tokenId: string; lastUsedAt: Date | null }
  | { user: null; reason: 'unknown' | 'expired' | 'revoked' | 'inactive-user'; userId: string | null; tokenId: string | null };

/** A token's key and user, by the token's digest under any suite (built once: every request with a bearer token runs it). */
const tokenByDigest = compiledOnce(
  (db, p: { digests: string[] }) =>
    db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .innerJoin('departments', 'departments.code', 'api_tokens.department_code')
      // An API key acts with its own scope (role and department, so agency), not its owner's.
      .select([
        'departments.agency_code',
        'users.platform',
        'users.id',
        'users.username',
        'users.display_name',
        'api_tokens.role',
        'api_tokens.department_code',
        'users.active',
        'api_tokens.id as token_id',
        'api_tokens.revoked_at',
        'api_tokens.expires_at',
        'api_tokens.last_used_at',
      ])
      .where(sql<boolean>`api_tokens.token_sha256 = any(${p.digests})`), // whichever suite stored it
);

/** Looks a bearer token up by its hash and says why it is refused when it is. */
export async function checkToken(db: Kysely<Database>, token: string, now = new Date()): Promise<TokenCheck> {
  const row = await tokenByDigest.executeTakeFirst(db, { digests: storedDigestCandidates(token) });
  if (!row) return { user: null, reason: 'unknown', userId: null, tokenId: null };
  const refused = row.revoked_at ? 'revoked' : row.expires_at <= now ? 'expired' : !row.active ? 'inactive-user' : null;
  if (refused) return { user: null, reason: refused, userId: row.id, tokenId: row.token_id };
  return {
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      departmentCode: row.department_code,
      agencyCode: row.agency_code,
      platform: row.platform,
    },
    tokenId: row.token_id,
    lastUsedAt: row.last_used_at,
  };
}

export async function findUserByToken(db: Kysely<Database>, token: string): Promise<User | null> {
  return (await checkToken(db, token)).user;
}

/** Issues a new random token for a user, valid `ttlDays`; only its hash is stored. */
export async function issueToken(db: Kysely<Database>, userId: string, label: string, ttlDays = 90): Promise<string> {
  return (await issueTokenWithId(db, userId, label, ttlDays)).token;
}

/** `issuer`: the admin issuing it and their address, for the audit log (none for the demo bootstrap). */
export async function issueTokenWithId(
  db: Kysely<Database>,
  userId: string,
  label: string,
  ttlDays = 90,
  issuer?: AuditActor & { ip: string | null },
  /** The key's role and department; by default its owner's. */
  scope?: { role: Role; departmentCode: string },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = `gk_${randomBytes(24).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlDays * 86_400_000);
  const row = await db
    .insertInto('api_tokens')
    // Without a scope the key takes its owner's role and department (a trigger fills them in).
    .values({
      user_id: userId,
      token_sha256: hashToken(token),
      label,
      expires_at: expiresAt,
      ...(scope ? { role: scope.role, department_code: scope.departmentCode } : {}),
      ...(issuer ? { issued_by: issuer.userId } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const keyOwner = await db.selectFrom('users').select('username').where('id', '=', userId).executeTakeFirstOrThrow();
  await recordAudit(db, {
    action: 'api-key.issued',
    actor: issuer ? { userId: issuer.userId, username: issuer.username, role: issuer.role } : null,
    ip: issuer?.ip ?? null,
    target: `api-key:${row.id}`,
    details: { keyOwner: keyOwner.username, label, ttlDays },
  });
  return { id: row.id, token, expiresAt };
}

export const DEMO_DEPARTMENTS = [
  { code: 'gkb', name: '政务公开办公室', indexCode: '001' },
  { code: 'yjglk', name: '应急管理科', indexCode: '002' },
  { code: 'bmk', name: '保密办', indexCode: '003' },
  { code: 'ldbgs', name: '局领导办公室', indexCode: '004' },
  { code: 'dcs', name: '督查室', indexCode: '005' },
  { code: 'xxzx', name: '信息中心', indexCode: '006' },
] as const;

/** The demo's 科室负责人 are the users who read their department's head notifications before departments were administered. */
export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; role: Role; departmentCode: string }> = [
  { username: 'clerk', displayName: '王受理', role: 'clerk', departmentCode: 'gkb' },
  { username: 'department', displayName: '李承办', role: 'department', departmentCode: 'yjglk' },
  { username: 'reviewer', displayName: '张审核', role: 'reviewer', departmentCode: 'bmk' },
  { username: 'leader', displayName: '赵分管', role: 'leader', departmentCode: 'ldbgs' },
  { username: 'supervisor', displayName: '陈督办', role: 'supervisor', departmentCode: 'dcs' },
  { username: 'admin', displayName: '刘管理', role: 'admin', departmentCode: 'xxzx' },
];

type DemoUser = { username: string; displayName: string; role: Role; departmentCode: string; platform?: boolean };

/** Adds the users not there yet (the demo's department and leader users head their department); username → id and role. */
async function insertDemoUsers(db: Kysely<Database>, users: readonly DemoUser[]): Promise<Record<string, { id: string; role: Role }>> {
  const result: Record<string, { id: string; role: Role }> = {};
  for (const user of users) {
    const row = await db
      .insertInto('users')
      .values({
        username: user.username,
        display_name: user.displayName,
        role: user.role,
        department_code: user.departmentCode,
        is_department_head: user.role === 'department' || user.role === 'leader',
        platform: user.platform ?? false,
      })
      .onConflict((oc) => oc.column('username').doUpdateSet({ username: sql`excluded.username` }))
      .returning(['id', 'role'])
      .executeTakeFirstOrThrow();
    result[user.username] = { id: row.id, role: row.role };
  }
  return result;
}

/**
 * Creates the demo departments and one user per role; idempotent.
 * Returns username → id and role.
 */
export async function seedDemoUsers(db: Kysely<Database>): Promise<Record<string, { id: string; role: Role }>> {
  const agency = await loadAgencySettings(db, agencyFromEnv(process.env)); // the deployment's own agency
  await db
    .insertInto('departments')
    .values(DEMO_DEPARTMENTS.map((d) => ({ code: d.code, name: d.name, index_code: d.indexCode, agency_code: agency.code })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const result = await insertDemoUsers(db, DEMO_USERS);
  if (Object.keys(result).length !== ROLES.length) throw new Error('demo users must cover every role');
  return result;
}

/** The demo's second agency on the platform: its departments and users carry its code as a prefix (`sfj-gkb`, `sfj.clerk`). */
export const SECOND_DEMO_AGENCY = {
  code: 'sfj',
  name: '示例市司法局',
  shortName: '示例司法',
  regionCode: null,
  defaultRuleProfileId: 'national-2019',
} as const;

/** The demo's platform users: the city's 政务公开办 supervisor and the platform's admin (in the first agency's departments). */
export const PLATFORM_DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; role: Role; departmentCode: string }> = [
  { username: 'platform.supervisor', displayName: '周公开', role: 'supervisor', departmentCode: 'dcs' },
  { username: 'platform.admin', displayName: '吴平台', role: 'admin', departmentCode: 'xxzx' },
];

/**
 * A second agency with the demo's departments and one user per role, and the platform's two
 * users (seedDemoUsers first); idempotent. Returns username → id and role for the users it adds.
 */
export async function seedSecondDemoAgency(db: Kysely<Database>): Promise<Record<string, { id: string; role: Role }>> {
  const agency = SECOND_DEMO_AGENCY;
  await createAgency(db, agency, null);
  await db
    .insertInto('departments')
    .values(
      DEMO_DEPARTMENTS.map((d) => ({ code: `${agency.code}-${d.code}`, name: d.name, index_code: d.indexCode, agency_code: agency.code })),
    )
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  await db
    .updateTable('agencies')
    .set({ office_department_code: `${agency.code}-gkb` })
    .where('code', '=', agency.code)
    .where('office_department_code', 'is', null)
    .execute();
  const users = [
    ...DEMO_USERS.map((u) => ({
      ...u,
      username: `${agency.code}.${u.username}`,
      departmentCode: `${agency.code}-${u.departmentCode}`,
      platform: false,
    })),
    ...PLATFORM_DEMO_USERS.map((u) => ({ ...u, platform: true })),
  ];
  return insertDemoUsers(db, users);
}
