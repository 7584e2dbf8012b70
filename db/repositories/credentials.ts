/**
 * What a user signs in with: the password hash (argon2id, hashed by api/identity/passwords.ts;
 * only hashes reach this file), the TOTP secret and recovery codes, and the sign-in throttle.
 *
 * The throttle is keyed by lower-cased username, not by user: a name nobody has is counted and
 * locked exactly like a real one, so the answers say nothing about who exists.
 */
import { type Kysely, sql } from 'kysely';
import type { Role } from '../../domain/roles';
import type { Database } from '../schema';
import { storedDigestCandidates } from '../crypto';
import { hashToken } from './users';

export interface Credentials {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
  agencyCode: string;
  platform: boolean;
  active: boolean;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  mustChangePassword: boolean;
  /** Set once enrolment is confirmed. */
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpEnabledAt: Date | null;
}

export const normalizeUsername = (username: string): string => username.trim().toLowerCase();

function credentialsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .innerJoin('departments', 'departments.code', 'users.department_code')
    .select([
      'users.id',
      'username',
      'display_name',
      'role',
      'department_code',
      'departments.agency_code',
      'platform',
      'active',
      'password_hash',
      'password_changed_at',
      'must_change_password',
      'totp_secret',
      'totp_pending_secret',
      'totp_enabled_at',
    ]);
}

type CredentialRow = Awaited<ReturnType<ReturnType<typeof credentialsQuery>['executeTakeFirstOrThrow']>>;

const toCredentials = (r: CredentialRow): Credentials => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  departmentCode: r.department_code,
  agencyCode: r.agency_code,
  platform: r.platform,
  active: r.active,
  passwordHash: r.password_hash,
  passwordChangedAt: r.password_changed_at,
  mustChangePassword: r.must_change_password,
  totpSecret: r.totp_secret,
  totpPendingSecret: r.totp_pending_secret,
  totpEnabledAt: r.totp_enabled_at,
});

export async function credentialsByUsername(db: Kysely<Database>, username: string): Promise<Credentials | null> {
  const row = await credentialsQuery(db).where('users.username', '=', normalizeUsername(username)).executeTakeFirst();
  return row ? toCredentials(row) : null;
}

export async function credentialsById(db: Kysely<Database>, userId: string): Promise<Credentials | null> {
  const row = await credentialsQuery(db).where('users.id', '=', userId).executeTakeFirst();
  return row ? toCredentials(row) : null;
}

/**
 * Stores a new password hash. `mustChange: true` for a temporary password (a new user, an
 * admin's reset): the user changes it at the next sign-in. The caller revokes sessions if it
 * should (`revokeUserSessions`).
 */
export async function setPasswordHash(
  db: Kysely<Database>,
  userId: string,
  passwordHash: string,
  options: { mustChange: boolean; now: Date },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: options.now, must_change_password: options.mustChange })
    .where('id', '=', userId)
    .execute();
}

// ---- sign-in throttle ------------------------------------------------------------------

export interface ThrottleState {
  failures: number;
  /** Set while the username is locked. */
  lockedUntil: Date | null;
}

/** The username's lock, if one is in force at `now`. */
export async function lockedUntil(db: Kysely<Database>, username: string, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('sign_in_throttle')
    .select('locked_until')
    .where('username', '=', normalizeUsername(username))
    .executeTakeFirst();
  return row?.locked_until && row.locked_until > now ? row.locked_until : null;
}

/**
 * Counts one failed sign-in (bad password, bad second factor) for a username; the
 * `threshold`-th consecutive failure locks it for `lockMs`. A lock that has run out starts the
 * count afresh. Atomic: concurrent failures are all counted.
 */
export async function recordSignInFailure(
  db: Kysely<Database>,
  username: string,
  now: Date,
  policy: { threshold: number; lockMs: number },
): Promise<ThrottleState> {
  const lockAt = new Date(now.getTime() + policy.lockMs);
  const row = await db
    .insertInto('sign_in_throttle')
    .values({
      username: normalizeUsername(username),
      failures: 1,
      last_failure_at: now,
      locked_until: policy.threshold <= 1 ? lockAt : null,
    })
    .onConflict((oc) =>
      oc.column('username').doUpdateSet({
        failures: sql<number>`case when sign_in_throttle.locked_until is not null and sign_in_throttle.locked_until <= ${now} then 1 else sign_in_throttle.failures + 1 end`,
        last_failure_at: now,
        locked_until: sql<Date | null>`case
          when sign_in_throttle.locked_until is not null and sign_in_throttle.locked_until > ${now} then sign_in_throttle.locked_until
          when (case when sign_in_throttle.locked_until is not null and sign_in_throttle.locked_until <= ${now} then 1 else sign_in_throttle.failures + 1 end) >= ${policy.threshold} then ${lockAt}::timestamptz
          else null end`,
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { failures: row.failures, lockedUntil: row.locked_until };
}

/** A successful sign-in, or an admin's unlock: the count starts again. */
export async function clearSignInFailures(db: Kysely<Database>, username: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('username', '=', normalizeUsername(username)).execute();
}

// ---- TOTP and recovery codes -----------------------------------------------------------

/** Enrolment started: the secret waits until the user proves they can produce its codes. */
export async function setPendingTotpSecret(db: Kysely<Database>, userId: string, secret: string): Promise<void> {
  await db.updateTable('users').set({ totp_pending_secret: secret }).where('id', '=', userId).execute();
}

/** Enrolment confirmed: the pending secret becomes the secret; `step` was just used. */
export async function enableTotp(db: Kysely<Database>, userId: string, secret: string, step: number, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: secret, totp_pending_secret: null, totp_enabled_at: now, totp_last_step: step })
    .where('id', '=', userId)
    .execute();
}

/** Removes the second factor (an admin's reset for a lost device); recovery codes go too. */
export async function disableTotp(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

/** Accepts a TOTP time step once: false when it (or a later one) was already used. */
export async function claimTotpStep(db: Kysely<Database>, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces a user's recovery codes with new ones (only their digests are stored). */
export async function replaceRecoveryCodes(db: Kysely<Database>, userId: string, codes: readonly string[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    if (codes.length > 0)
      await tx
        .insertInto('recovery_codes')
        .values(codes.map((code) => ({ user_id: userId, code_sha256: hashToken(normalizeRecoveryCode(code)) })))
        .execute();
  });
}

export const normalizeRecoveryCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

/** Uses a recovery code: true once, false for an unknown or already used code. */
export async function useRecoveryCode(db: Kysely<Database>, userId: string, code: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_sha256', 'in', storedDigestCandidates(normalizeRecoveryCode(code))) // whichever suite (GONGKAI_CRYPTO) stored it
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function unusedRecoveryCodeCount(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
