/**
 * The identity migration and repositories on real PostgreSQL: today's users carried forward
 * (no password, must change), the per-username sign-in throttle, single-use TOTP steps and
 * recovery codes, sessions.
 */
import { sql } from 'kysely';
import {
  claimTotpStep,
  clearSignInFailures,
  credentialsByUsername,
  enableTotp,
  lockedUntil,
  recordSignInFailure,
  replaceRecoveryCodes,
  setPasswordHash,
  unusedRecoveryCodeCount,
  useRecoveryCode,
} from '../db/repositories/credentials';
import { createSession, findSessionByToken, listLiveSessions, revokeSession, revokeUserSessions } from '../db/repositories/sessions';
import { seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;
let users: Record<string, { id: string }>;
const T0 = new Date('2026-12-01T08:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const policy = { threshold: 5, lockMs: 15 * 60_000 };

beforeAll(async () => {
  database = await createTestDatabase();
  users = await seedDemoUsers(database.db);
});
afterAll(async () => database.drop());

test('a user created without a password has none and must change the one it is first given', async () => {
  await database.db
    .insertInto('users')
    .values({ username: 'newcomer', display_name: '新人', role: 'clerk', department_code: 'gkb' })
    .execute();
  const creds = await credentialsByUsername(database.db, ' NewComer ');
  expect(creds).toMatchObject({ username: 'newcomer', passwordHash: null, mustChangePassword: true, totpSecret: null });
  await setPasswordHash(database.db, creds!.id, '$argon2id$fake', { mustChange: false, now: T0 });
  expect(await credentialsByUsername(database.db, 'newcomer')).toMatchObject({
    passwordHash: '$argon2id$fake',
    mustChangePassword: false,
    passwordChangedAt: T0,
  });
});

test('the fifth failure locks a username for 15 minutes, known or not; after the lock the count starts again', async () => {
  for (const name of ['clerk', 'nobody-by-this-name']) {
    for (let i = 1; i <= 4; i++)
      expect(await recordSignInFailure(database.db, name, minutes(i), policy)).toEqual({ failures: i, lockedUntil: null });
    expect(await recordSignInFailure(database.db, name.toUpperCase(), minutes(5), policy)).toEqual({
      failures: 5,
      lockedUntil: minutes(20),
    });
    // More failures while locked do not extend the lock.
    expect((await recordSignInFailure(database.db, name, minutes(6), policy)).lockedUntil).toEqual(minutes(20));
    expect(await lockedUntil(database.db, name, minutes(19))).toEqual(minutes(20));
    expect(await lockedUntil(database.db, name, minutes(20))).toBeNull();
    expect(await recordSignInFailure(database.db, name, minutes(21), policy)).toEqual({ failures: 1, lockedUntil: null });
    await clearSignInFailures(database.db, name);
    expect(await recordSignInFailure(database.db, name, minutes(22), policy)).toEqual({ failures: 1, lockedUntil: null });
  }
});

test('concurrent failures are each counted', async () => {
  await Promise.all(Array.from({ length: 5 }, () => recordSignInFailure(database.db, 'racer', T0, policy)));
  expect(await lockedUntil(database.db, 'racer', T0)).toEqual(minutes(15));
});

test('a TOTP step is accepted once, and never one older than the last', async () => {
  await enableTotp(database.db, users.admin!.id, 'JBSWY3DPEHPK3PXP', 100, T0);
  expect(await claimTotpStep(database.db, users.admin!.id, 100)).toBe(false);
  expect(await claimTotpStep(database.db, users.admin!.id, 99)).toBe(false);
  expect(await claimTotpStep(database.db, users.admin!.id, 101)).toBe(true);
  expect(await claimTotpStep(database.db, users.admin!.id, 101)).toBe(false);
});

test('recovery codes are stored as digests and each works once', async () => {
  await replaceRecoveryCodes(database.db, users.leader!.id, ['abcd-efgh-ijkl', 'mnop-qrst-uvwx']);
  const stored = await database.db.selectFrom('recovery_codes').select('code_sha256').where('user_id', '=', users.leader!.id).execute();
  expect(stored.map((r) => r.code_sha256).join()).not.toContain('abcd');
  expect(await useRecoveryCode(database.db, users.leader!.id, 'ABCD EFGH IJKL', T0)).toBe(true);
  expect(await useRecoveryCode(database.db, users.leader!.id, 'abcd-efgh-ijkl', T0)).toBe(false);
  expect(await useRecoveryCode(database.db, users.admin!.id, 'mnop-qrst-uvwx', T0)).toBe(false); // another user's code
  expect(await unusedRecoveryCodeCount(database.db, users.leader!.id)).toBe(1);
});

test('sessions: only a digest is stored; found by the cookie value; listed while live; revoked', async () => {
  const one = await createSession(database.db, {
    userId: users.clerk!.id,
    now: T0,
    lifetimeMs: 12 * 3_600_000,
    secondFactorPending: false,
    ip: '10.0.0.1',
    userAgent: 'jest',
  });
  const two = await createSession(database.db, {
    userId: users.clerk!.id,
    now: minutes(1),
    lifetimeMs: 12 * 3_600_000,
    secondFactorPending: false,
    ip: null,
    userAgent: null,
  });
  const { rows } = await sql<{ token_sha256: string }>`select token_sha256 from sessions`.execute(database.db);
  expect(rows.some((r) => r.token_sha256.includes(one.token))).toBe(false);
  expect(await findSessionByToken(database.db, one.token)).toMatchObject({
    id: one.id,
    user: { username: 'clerk', role: 'clerk' },
    ip: '10.0.0.1',
  });
  expect(await findSessionByToken(database.db, 'not-a-session')).toBeNull();
  expect((await listLiveSessions(database.db, users.clerk!.id, minutes(2))).map((s) => s.id)).toEqual([two.id, one.id]);
  expect(await revokeSession(database.db, one.id, 'revoked', minutes(3), users.admin!.id)).toBe(false); // not admin's session
  expect(await revokeSession(database.db, one.id, 'revoked', minutes(3), users.clerk!.id)).toBe(true);
  expect(await revokeSession(database.db, one.id, 'revoked', minutes(3), users.clerk!.id)).toBe(false);
  expect(await revokeUserSessions(database.db, users.clerk!.id, 'password-changed', minutes(4))).toBe(1);
  expect(await listLiveSessions(database.db, users.clerk!.id, minutes(5))).toEqual([]);
  expect(await listLiveSessions(database.db, users.clerk!.id, minutes(13 * 60))).toEqual([]);
});
