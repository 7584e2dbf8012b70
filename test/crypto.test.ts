/**
 * GONGKAI_CRYPTO: digests name their algorithm, SM3 is the real SM3 (GB/T 32905 test vector),
 * and stored token digests (API keys, sign-in sessions, recovery codes) keep verifying across a
 * switch of suites, including the bare SHA-256 digests stored before they were labelled
 * (carried forward by a migration).
 */
import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import { createDatabase, migrateToLatest } from '../db/connection';
import {
  cryptoSuiteFromEnv,
  digestHex,
  labelledDigest,
  parseLabelledDigest,
  storedDigestCandidates,
  verifyLabelledDigest,
} from '../db/crypto';
import { dropDatabase, ensureDatabase } from '../db/local-cluster';
import { migrationProvider } from '../db/migrations';
import { replaceRecoveryCodes, useRecoveryCode } from '../db/repositories/credentials';
import { createSession, findSessionByToken } from '../db/repositories/sessions';
import { checkToken, hashToken, issueToken, seedDemoUsers } from '../db/repositories/users';

const withSuite = async <T>(value: string | undefined, body: () => Promise<T>): Promise<T> => {
  const before = process.env.GONGKAI_CRYPTO;
  if (value === undefined) delete process.env.GONGKAI_CRYPTO;
  else process.env.GONGKAI_CRYPTO = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.GONGKAI_CRYPTO;
    else process.env.GONGKAI_CRYPTO = before;
  }
};

it('reads the suite from GONGKAI_CRYPTO and refuses unknown ones', () => {
  expect(cryptoSuiteFromEnv({})).toBe('default');
  expect(cryptoSuiteFromEnv({ GONGKAI_CRYPTO: 'gm' })).toBe('gm');
  expect(cryptoSuiteFromEnv({ GONGKAI_CRYPTO: 'GM' })).toBe('gm');
  expect(() => cryptoSuiteFromEnv({ GONGKAI_CRYPTO: 'sm2' })).toThrow(/GONGKAI_CRYPTO/);
});

it('labels digests with their algorithm and verifies each with the one it names', () => {
  // GB/T 32905-2016 appendix A.1: SM3("abc").
  expect(digestHex('sm3', 'abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  expect(labelledDigest('abc', 'sm3')).toBe('sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  expect(labelledDigest('abc', 'sha256')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(parseLabelledDigest('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')).toEqual({
    algorithm: 'sha256',
    hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  });
  for (const stored of [labelledDigest('abc', 'sm3'), labelledDigest('abc', 'sha256'), digestHex('sha256', 'abc')]) {
    expect(verifyLabelledDigest('abc', stored)).toBe(true);
    expect(verifyLabelledDigest('abd', stored)).toBe(false);
  }
  expect(() => parseLabelledDigest('md5:900150983cd24fb0d6963f7d28e17f72')).toThrow(/unknown digest algorithm "md5"/);
  expect(storedDigestCandidates('abc')).toEqual([labelledDigest('abc', 'sha256'), labelledDigest('abc', 'sm3')]);
});

it('stores token digests with the configured algorithm and verifies old ones after a switch, bare ones after the migration', async () => {
  const adminUrl = process.env.GONGKAI_TEST_PG_ADMIN_URL!;
  const name = `gk_test_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDatabase(url.toString(), { max: 2 });
  try {
    // A database as it was before digests were labelled, holding a token's bare SHA-256 digest.
    const migrator = new Migrator({ db, provider: migrationProvider });
    const { error } = await migrator.migrateTo('20261201T1200_application_report_dates');
    if (error) throw error;
    const legacyToken = `gk_${randomBytes(24).toString('base64url')}`;
    await sql`insert into departments (code, name) values ('xxzx', '信息中心')`.execute(db);
    await sql`insert into users (username, display_name, role, department_code) values ('legacy', '旧用户', 'clerk', 'xxzx')`.execute(db);
    await sql`insert into api_tokens (user_id, token_sha256, label) select id, ${digestHex('sha256', legacyToken)}, 'before' from users where username = 'legacy'`.execute(
      db,
    );
    await migrateToLatest(db);
    const users = await seedDemoUsers(db);
    const [legacy] = await db.selectFrom('api_tokens').select('token_sha256').execute();
    expect(legacy!.token_sha256).toBe(`sha256:${digestHex('sha256', legacyToken)}`);

    const shaToken = await withSuite(undefined, () => issueToken(db, users.admin!.id, 'sha'));
    const sm3Token = await withSuite('gm', () => issueToken(db, users.admin!.id, 'sm3'));
    const stored = await db.selectFrom('api_tokens').select(['label', 'token_sha256']).orderBy('id').execute();
    expect(stored.map((s) => s.token_sha256.split(':')[0])).toEqual(['sha256', 'sha256', 'sm3']);
    expect(stored[2]!.token_sha256).toBe(await withSuite('gm', async () => hashToken(sm3Token)));
    expect(stored.some((s) => s.token_sha256.includes(sm3Token) || s.token_sha256.includes(shaToken))).toBe(false);

    // Whichever suite is configured now, every stored token still verifies, and nothing else does.
    for (const suite of [undefined, 'gm']) {
      await withSuite(suite, async () => {
        expect(await checkToken(db, legacyToken)).toMatchObject({ user: { username: 'legacy' } });
        expect(await checkToken(db, shaToken)).toMatchObject({ user: { username: 'admin' } });
        expect(await checkToken(db, sm3Token)).toMatchObject({ user: { username: 'admin' } });
        expect(await checkToken(db, `${sm3Token}x`)).toMatchObject({ user: null, reason: 'unknown' });
      });
    }
    // Sign-in sessions and recovery codes stored before a switch to gm keep working after it.
    const now = new Date();
    const session = await withSuite(undefined, () =>
      createSession(db, { userId: users.admin!.id, now, lifetimeMs: 3_600_000, secondFactorPending: false, ip: null, userAgent: null }),
    );
    await withSuite(undefined, () => replaceRecoveryCodes(db, users.admin!.id, ['abcd-efgh-ijkl']));
    expect((await db.selectFrom('recovery_codes').select('code_sha256').executeTakeFirstOrThrow()).code_sha256).toMatch(/^sha256:/);
    await withSuite('gm', async () => {
      expect(await findSessionByToken(db, session.token)).toMatchObject({ id: session.id, user: { username: 'admin' } });
      expect(await findSessionByToken(db, `${session.token}x`)).toBeNull();
      expect(await useRecoveryCode(db, users.admin!.id, 'ABCD EFGH IJKL', now)).toBe(true);
      expect(await useRecoveryCode(db, users.admin!.id, 'abcd-efgh-ijkl', now)).toBe(false); // once
    });

    // The database refuses a digest that does not name its algorithm.
    await expect(
      sql`insert into api_tokens (user_id, token_sha256, label) values (${users.admin!.id}, ${digestHex('sha256', 'x')}, 'bare')`.execute(
        db,
      ),
    ).rejects.toThrow(/api_tokens_digest_names_algorithm/);
  } finally {
    await db.destroy();
    await dropDatabase(adminUrl, name);
  }
});
