/**
 * db/compiled-once.ts: a query compiled once answers each call with that call's values, exactly
 * as the same query built by Kysely for the call does; a parameter used twice gets its value in
 * both places, and a missing one is refused rather than sent as a placeholder.
 */
import { NoResultError, sql } from 'kysely';
import { compiledOnce } from '../db/compiled-once';
import { labelledDigest } from '../db/crypto';
import { nextInSequence } from '../db/repositories/sequences';
import { checkToken, issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const departmentsOf = compiledOnce((db, p: { agencyCode: string; codes: string[] }) =>
  db
    .selectFrom('departments')
    .select(['code', 'name', 'agency_code'])
    .where('agency_code', '=', p.agencyCode)
    .where(sql<boolean>`code = any(${p.codes})`)
    // The same parameter a second time, and a constant between the two.
    .where((eb) => eb.or([eb('agency_code', '=', p.agencyCode), eb('code', '=', 'never')]))
    .orderBy('code'),
);

it('answers each call with its own values, as the query built for the call does', async () => {
  const { db } = database;
  await seedDemoUsers(db);
  for (const codes of [['gkb', 'yjglk'], ['bmk'], ['none'], ['gkb', 'yjglk', 'bmk', 'ldbgs']]) {
    const built = await db
      .selectFrom('departments')
      .select(['code', 'name', 'agency_code'])
      .where('agency_code', '=', 'demo')
      .where('code', 'in', codes)
      .orderBy('code')
      .execute();
    expect(await departmentsOf.execute(db, { agencyCode: 'demo', codes })).toEqual(built);
    expect(await departmentsOf.executeTakeFirst(db, { agencyCode: 'demo', codes })).toEqual(built[0]);
  }
  expect(await departmentsOf.execute(db, { agencyCode: 'another', codes: ['gkb'] })).toEqual([]);
  await expect(departmentsOf.executeTakeFirstOrThrow(db, { agencyCode: 'another', codes: ['gkb'] })).rejects.toBeInstanceOf(NoResultError);
});

it('refuses a call that leaves a parameter out', async () => {
  await expect(departmentsOf.execute(database.db, { agencyCode: 'demo' } as never)).rejects.toThrow('no value for parameter codes');
});

it('runs inside the caller’s transaction', async () => {
  const { db } = database;
  const before = await nextInSequence(db, 'demo', 2098, 'compiled-once');
  await db
    .transaction()
    .execute(async (trx) => {
      expect(await nextInSequence(trx, 'demo', 2098, 'compiled-once')).toBe(before + 1);
      throw new Error('roll back');
    })
    .catch(() => undefined);
  expect(await nextInSequence(db, 'demo', 2098, 'compiled-once')).toBe(before + 1);
});

it('finds a bearer token by its digest under either suite, and refuses an unknown one', async () => {
  const { db } = database;
  const users = await seedDemoUsers(db);
  const token = await issueToken(db, users.clerk!.id, 'compiled-once-test');
  const found = await checkToken(db, token);
  expect(found.user?.username).toBe('clerk');
  expect((await checkToken(db, `${token}x`)).user).toBeNull();
  // A key stored under the other suite's digest (GONGKAI_CRYPTO switched since) is found too.
  await db
    .updateTable('api_tokens')
    .set({ token_sha256: labelledDigest(token, 'sm3') })
    .where('token_sha256', '=', labelledDigest(token, 'sha256'))
    .execute();
  expect((await checkToken(db, token)).user?.username).toBe('clerk');
});
