/** Migrations and repositories on real PostgreSQL. */
import { sql } from 'kysely';
import { createDatabase, migrateToLatest } from '../db/connection';
import { CalendarStore, latestCalendarRevision } from '../db/repositories/calendar';
import { findUserByToken, hashToken, issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

it('migrates to the latest schema once; a second run applies nothing', async () => {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(database.db);
  expect(tables.rows.map((r) => r.table_name)).toEqual(
    expect.arrayContaining(['api_tokens', 'calendar_imported_years', 'calendar_overrides', 'calendar_revisions', 'departments', 'users']),
  );
  expect(await migrateToLatest(database.db)).toEqual([]);
});

it('seeds one demo user per role idempotently, and stores only token hashes', async () => {
  const first = await seedDemoUsers(database.db);
  const second = await seedDemoUsers(database.db);
  expect(second).toEqual(first);
  expect(
    Object.values(first)
      .map((u) => u.role)
      .sort(),
  ).toEqual(['admin', 'clerk', 'department', 'leader', 'reviewer', 'supervisor']);

  const token = await issueToken(database.db, first.clerk!.id, 'test');
  const stored = await database.db.selectFrom('api_tokens').select('token_sha256').where('user_id', '=', first.clerk!.id).execute();
  expect(stored.map((s) => s.token_sha256)).toContain(hashToken(token));
  expect(stored.map((s) => s.token_sha256)).not.toContain(token);
  expect(await findUserByToken(database.db, token)).toMatchObject({ username: 'clerk', role: 'clerk', departmentCode: 'gkb' });

  await database.db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('token_sha256', '=', hashToken(token)).execute();
  expect(await findUserByToken(database.db, token)).toBeNull();
});

it('keeps every calendar change as a revision and serves the new calendar to every store', async () => {
  const users = await seedDemoUsers(database.db);
  const adminId = users.admin!.id;
  const storeA = new CalendarStore(database.db);
  const storeB = new CalendarStore(database.db); // as if in another process
  expect((await storeB.current()).version).toBe('chinese-days@1.5.7');

  const revision = await storeA.setOverride({ date: '2026-12-31', kind: 'holiday', reason: '测试', actorUserId: adminId });
  expect(await latestCalendarRevision(database.db)).toBe(revision);
  const calendar = await storeB.current();
  expect(calendar.version).toBe(`chinese-days@1.5.7+rev.${revision}`);
  expect(calendar.day('2026-12-31')).toMatchObject({ kind: 'holiday', origin: 'override' });

  await storeA.setOverride({ date: '2026-12-31', kind: 'workday', reason: '更正', actorUserId: adminId });
  expect((await storeB.current()).day('2026-12-31').kind).toBe('workday');
  expect(await database.db.selectFrom('calendar_overrides').selectAll().execute()).toHaveLength(1);

  expect(await storeA.removeOverride({ date: '2026-12-30', reason: '无', actorUserId: adminId })).toBeNull();
  const log = await storeA.revisions();
  expect(log.map((r) => r.action)).toEqual(['override', 'override']);
});

it('survives the server dropping a connection that is checked out between two queries', async () => {
  const db = createDatabase(database.url, { max: 2 });
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
  try {
    await expect(
      db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // Another session ends this transaction's backend while the application holds it.
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(database.db);
        await new Promise((resolve) => setTimeout(resolve, 300)); // the 'error' event arrives meanwhile
        await sql`select 1`.execute(trx);
      }),
    ).rejects.toThrow();
    expect(errors.some((e) => e.includes('[db] client error'))).toBe(true);
    // The pool goes on with a new connection.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
  } finally {
    spy.mockRestore();
    await db.destroy();
  }
});
