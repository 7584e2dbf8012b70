/**
 * The security audit log on real PostgreSQL: append-only in the database (UPDATE, DELETE and
 * TRUNCATE refused; old rows leave only through the retention purge, never younger than 180
 * days), the retention setting, auth_events carried forward, and the admin's filtered list
 * and CSV export over HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { Migrator, sql } from 'kysely';
import request from 'supertest';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { hashPassword } from '../api/identity/passwords';
import { setPasswordHash } from '../db/repositories/credentials';
import { AUDIT_CSV_HEADER, csvCell } from '../api/routes/audit';
import { EncryptionCodec, newCodecKey, parseCodecKeys } from '../temporal-config/codec';
import { createDatabase } from '../db/connection';
import { dropDatabase, ensureDatabase } from '../db/local-cluster';
import { migrationProvider } from '../db/migrations';
import { AUDIT_ACTIONS, auditRetentionDaysFromEnv, purgeAuditLog, recordAudit } from '../db/repositories/audit';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;
const tokens: Record<string, string> = {};
const users: Record<string, { id: string; role: string }> = {};
const temporal = new Client(); // lazy: nothing here reaches Temporal

beforeAll(async () => {
  database = await createTestDatabase();
  Object.assign(users, await seedDemoUsers(database.db));
  for (const [username, user] of Object.entries(users)) tokens[username] = await issueToken(database.db, user.id, 'audit-test');
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

const actor = (username: string) => ({ userId: users[username]!.id, username, role: users[username]!.role });
/** A row written `daysAgo` days ago (only a test back-dates rows: the app always writes now()). */
async function oldRow(daysAgo: number, target: string): Promise<string> {
  const row = await sql<{
    id: string;
  }>`insert into audit_log (at, action, target) values (now() - make_interval(days => ${daysAgo}::integer), 'test.old-row', ${target}) returning id`.execute(
    database.db,
  );
  return row.rows[0]!.id;
}
const rowCount = async (target: string) =>
  Number(
    (
      await database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('target', '=', target)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('append-only, enforced by the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE, inside a transaction or not', async () => {
    await recordAudit(database.db, {
      action: 'user.created',
      actor: actor('admin'),
      ip: '10.0.0.1',
      target: 'user:append-only',
      details: { role: 'clerk' },
    });
    await expect(
      sql`update audit_log set actor_username = 'someone-else' where target = 'user:append-only'`.execute(database.db),
    ).rejects.toThrow(/append-only \(UPDATE refused/);
    await expect(sql`delete from audit_log where target = 'user:append-only'`.execute(database.db)).rejects.toThrow(
      /append-only \(DELETE refused/,
    );
    await expect(sql`truncate audit_log`.execute(database.db)).rejects.toThrow(/append-only \(TRUNCATE refused/);
    await expect(
      database.db.transaction().execute(async (trx) => {
        await recordAudit(trx, { action: 'user.disabled', actor: actor('admin'), ip: null, target: 'user:append-only' });
        await sql`delete from audit_log where target = 'user:append-only'`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    expect(await rowCount('user:append-only')).toBe(1); // the refused transaction left nothing
    const row = await database.db.selectFrom('audit_log').selectAll().where('target', '=', 'user:append-only').executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      action: 'user.created',
      actor_username: 'admin',
      actor_role: 'admin',
      ip: '10.0.0.1',
      details: { role: 'clerk' },
    });
  });

  it('writes inside the caller’s transaction: rolled back with it', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await recordAudit(trx, { action: 'department.created', actor: actor('admin'), ip: null, target: 'department:rolled-back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await rowCount('department:rolled-back')).toBe(0);
  });

  it('refuses an action that is not a dotted name', async () => {
    await expect(recordAudit(database.db, { action: 'Sign In', actor: null, ip: null })).rejects.toThrow(
      /audit_log_action_check|check constraint/,
    );
  });

  it('deletes old rows only through the purge, never a row younger than 180 days, even with the cutoff set by hand', async () => {
    const ancient = await oldRow(400, 'test:purge');
    const past = await oldRow(200, 'test:purge');
    const young = await oldRow(179, 'test:purge');
    await recordAudit(database.db, { action: 'test.new-row', actor: null, ip: null, target: 'test:purge' });
    // An ordinary DELETE of an old row: refused.
    await expect(sql`delete from audit_log where id = ${ancient}`.execute(database.db)).rejects.toThrow(/append-only/);
    // A session that fakes the purge's cutoff cannot reach a row younger than 180 days.
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`select set_config('gongkai.audit_purge_before', now()::text, true)`.execute(trx);
        await sql`delete from audit_log where id = ${young}`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    // The function refuses a retention under 180 days; so does the repository.
    await expect(sql`select purge_audit_log(179)`.execute(database.db)).rejects.toThrow(/at least 180 days/);
    await expect(purgeAuditLog(database.db, 90)).rejects.toThrow(/≥ 180/);

    // A one-year retention removes the 400-day row only; 180 days removes the 200-day row too.
    expect(await purgeAuditLog(database.db, 365)).toBe(1);
    const ids = async () =>
      (await database.db.selectFrom('audit_log').select('id').where('target', '=', 'test:purge').orderBy('id').execute()).map((r) => r.id);
    expect(await ids()).not.toContain(ancient);
    expect(await ids()).toContain(past);
    expect(await purgeAuditLog(database.db, 180)).toBe(1);
    expect(await ids()).toEqual([young, expect.any(String)]);
    // Nothing older left: nothing purged, and no row saying so.
    expect(await purgeAuditLog(database.db, 180)).toBe(0);

    const purged = await database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_username', 'details'])
      .where('action', '=', 'audit.purged')
      .orderBy('id')
      .execute();
    expect(purged).toHaveLength(2);
    expect(purged[0]).toMatchObject({ actor_username: null, details: { retentionDays: 365, purged: 1 } });
    expect(purged[1]!.details).toMatchObject({ retentionDays: 180, purged: 1 });
    const { before, oldest, newest } = purged[1]!.details as { before: string; oldest: string; newest: string };
    const day = 86_400_000;
    expect(Date.now() - Date.parse(before)).toBeGreaterThan(180 * day - 60_000);
    expect(Date.now() - Date.parse(before)).toBeLessThan(180 * day + 60_000);
    expect(oldest).toBe(newest);
    expect(Math.round((Date.now() - Date.parse(oldest)) / day)).toBe(200);
    // And the purge's rows are themselves append-only.
    await expect(sql`delete from audit_log where action = 'audit.purged'`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('purges on the escalation sweep’s activity with the configured retention', async () => {
    const old = await oldRow(366, 'test:sweep');
    const kept = await oldRow(300, 'test:sweep');
    const { escalateLateClocks } = createActivities({
      db: database.db,
      agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' },
      auditRetentionDays: 365,
    });
    const { MockActivityEnvironment } = await import('@temporalio/testing');
    const result = (await new MockActivityEnvironment().run(escalateLateClocks)) as Awaited<ReturnType<typeof escalateLateClocks>>;
    expect(result.auditRowsPurged).toBe(1);
    const left = (await database.db.selectFrom('audit_log').select('id').where('target', '=', 'test:sweep').execute()).map((r) => r.id);
    expect(left).toEqual([kept]);
    expect(left).not.toContain(old);
  });
});

describe('GONGKAI_AUDIT_RETENTION_DAYS', () => {
  it('is 180 days by default, may be longer, and refuses anything shorter, naming the variable', () => {
    expect(auditRetentionDaysFromEnv({})).toBe(180);
    expect(auditRetentionDaysFromEnv({ GONGKAI_AUDIT_RETENTION_DAYS: '' })).toBe(180);
    expect(auditRetentionDaysFromEnv({ GONGKAI_AUDIT_RETENTION_DAYS: '730' })).toBe(730);
    for (const bad of ['179', '30', '0', '-200', '200.5', 'six months']) {
      expect(() => auditRetentionDaysFromEnv({ GONGKAI_AUDIT_RETENTION_DAYS: bad })).toThrow(
        /GONGKAI_AUDIT_RETENTION_DAYS must be a whole number of days ≥ 180/,
      );
    }
  });

  it('stops a worker from starting with a shorter retention', () => {
    const saved = process.env.GONGKAI_AUDIT_RETENTION_DAYS;
    process.env.GONGKAI_AUDIT_RETENTION_DAYS = '90';
    try {
      expect(() => createActivities({ db: database.db })).toThrow(/GONGKAI_AUDIT_RETENTION_DAYS/);
    } finally {
      if (saved === undefined) delete process.env.GONGKAI_AUDIT_RETENTION_DAYS;
      else process.env.GONGKAI_AUDIT_RETENTION_DAYS = saved;
    }
  });
});

it('carries auth_events forward into the audit log and drops it; down brings it back', async () => {
  const adminUrl = process.env.GONGKAI_TEST_PG_ADMIN_URL!;
  const name = `gk_test_audit_${Date.now().toString(36)}`;
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDatabase(url.toString(), { max: 2 });
  try {
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const before = names[names.indexOf('20261201T1320_audit') - 1]!;
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const old = db as unknown as import('kysely').Kysely<any>; // the schema as it was
    await old.insertInto('departments').values({ code: 'gkb', name: '政务公开办公室' }).execute();
    const clerk = await old
      .insertInto('users')
      .values({ username: 'clerk', display_name: '王受理', role: 'clerk', department_code: 'gkb' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = await old
      .insertInto('api_tokens')
      .values({ user_id: clerk.id, token_sha256: `sha256:${'a'.repeat(64)}`, label: '笔记本' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await old
      .insertInto('auth_events')
      .values([
        { event: 'token-issued', user_id: clerk.id, token_id: token.id, reason: '笔记本', at: '2026-11-01T01:00:00Z' },
        {
          event: 'authenticated',
          user_id: clerk.id,
          token_id: token.id,
          ip: '10.1.1.1',
          method: 'GET',
          path: '/api/me',
          at: '2026-11-01T02:00:00Z',
        },
        { event: 'token-revoked', user_id: clerk.id, token_id: token.id, reason: 'by admin', at: '2026-11-02T01:00:00Z' },
        {
          event: 'rejected',
          user_id: clerk.id,
          token_id: token.id,
          reason: 'revoked',
          ip: '10.1.1.2',
          method: 'GET',
          path: '/api/applications',
          at: '2026-11-02T02:00:00Z',
        },
        { event: 'rejected', reason: 'unknown', ip: '10.9.9.9', method: 'GET', path: '/api/me', at: '2026-11-03T00:00:00Z' },
      ])
      .execute();

    expect((await migrator.migrateTo('20261201T1320_audit')).error).toBeUndefined();
    const rows = await db
      .selectFrom('audit_log')
      .select(['at', 'action', 'actor_username', 'actor_role', 'ip', 'target', 'details'])
      .orderBy('id')
      .execute();
    const target = `api-key:${token.id}`;
    expect(rows).toEqual([
      {
        at: new Date('2026-11-01T01:00:00Z'),
        action: 'api-key.issued',
        actor_username: null,
        actor_role: null,
        ip: null,
        target,
        details: expect.objectContaining({ keyOwner: 'clerk', label: '笔记本' }),
      },
      {
        at: new Date('2026-11-01T02:00:00Z'),
        action: 'api-key.used',
        actor_username: 'clerk',
        actor_role: 'clerk',
        ip: '10.1.1.1',
        target,
        details: expect.objectContaining({ keyOwner: 'clerk', method: 'GET', path: '/api/me' }),
      },
      {
        at: new Date('2026-11-02T01:00:00Z'),
        action: 'api-key.revoked',
        actor_username: 'admin',
        actor_role: null,
        ip: null,
        target,
        details: expect.objectContaining({ keyOwner: 'clerk' }),
      },
      {
        at: new Date('2026-11-02T02:00:00Z'),
        action: 'api-key.rejected',
        actor_username: null,
        actor_role: null,
        ip: '10.1.1.2',
        target,
        details: expect.objectContaining({ keyOwner: 'clerk', reason: 'revoked', path: '/api/applications' }),
      },
      {
        at: new Date('2026-11-03T00:00:00Z'),
        action: 'api-key.rejected',
        actor_username: null,
        actor_role: null,
        ip: '10.9.9.9',
        target: null,
        details: expect.objectContaining({ reason: 'unknown' }),
      },
    ]);
    const { rows: left } = await sql<{ name: string | null }>`select to_regclass('auth_events')::text as name`.execute(db);
    expect(left[0]!.name).toBeNull();

    // Down again: auth_events comes back with the same facts; then up to the latest.
    expect((await migrator.migrateDown()).error).toBeUndefined();
    const back = await old.selectFrom('auth_events').select(['event', 'reason', 'ip', 'path']).orderBy('id').execute();
    expect(back).toEqual([
      { event: 'token-issued', reason: '笔记本', ip: null, path: null },
      { event: 'authenticated', reason: null, ip: '10.1.1.1', path: '/api/me' },
      { event: 'token-revoked', reason: 'by admin', ip: null, path: null },
      { event: 'rejected', reason: 'revoked', ip: '10.1.1.2', path: '/api/applications' },
      { event: 'rejected', reason: 'unknown', ip: '10.9.9.9', path: '/api/me' },
    ]);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await db.selectFrom('audit_log').select('action').where('action', 'like', 'api-key.%').execute()).toHaveLength(5);
  } finally {
    await db.destroy();
    await dropDatabase(adminUrl, name);
  }
});

/** RFC 4180, as a spreadsheet reads it: quoted cells, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('GET /api/admin/audit and /api/admin/audit.csv', () => {
  let built: ReturnType<typeof createApp> | undefined;
  const app = () =>
    (built ??= createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } }));
  const asAdmin = (r: request.Test) => r.set('Authorization', `Bearer ${tokens.admin}`);

  beforeAll(async () => {
    await recordAudit(database.db, {
      action: 'user.created',
      actor: actor('admin'),
      ip: '10.2.0.1',
      target: 'user:filter-a',
      details: { note: '含 "引号", 逗号\n和换行' },
    });
    await recordAudit(database.db, { action: 'user.disabled', actor: actor('admin'), ip: '10.2.0.1', target: 'user:filter-a' });
    await recordAudit(database.db, {
      action: 'personal-data.read',
      actor: actor('clerk'),
      ip: '10.2.0.2',
      target: 'case:2026-990001',
      details: { caseNo: '2026-990001', fields: ['phone'] },
    });
    await recordAudit(database.db, {
      action: 'department.renamed',
      actor: { userId: users.admin!.id, username: '=HYPERLINK("x")', role: 'admin' },
      ip: '10.2.0.3',
      target: 'department:filter',
    });
    await sql`insert into audit_log (at, action, actor_username, target, agency_code) values ('2026-06-30T15:59:59Z', 'user.created', 'admin', 'user:filter-june', 'demo'), ('2026-06-30T16:00:00Z', 'user.created', 'admin', 'user:filter-july', 'demo')`.execute(
      database.db,
    );
  });

  it('filters by actor, action or area, target and Beijing-time dates, newest first, paged with a total', async () => {
    const get = (q: string) => asAdmin(request(app()).get(`/api/admin/audit?${q}`));
    const targets = (res: request.Response) => res.body.items.map((i: { target: string }) => i.target);

    const byTarget = await get('target=filter-a');
    expect(byTarget.status).toBe(200);
    expect(byTarget.body.items.map((i: { action: string }) => i.action)).toEqual(['user.disabled', 'user.created']);
    expect(byTarget.body.items[1]).toMatchObject({
      actor: { username: 'admin', role: 'admin' },
      ip: '10.2.0.1',
      actionLabel: expect.any(String),
      details: { note: '含 "引号", 逗号\n和换行' },
    });
    expect(targets(await get('target=2026-990001'))).toEqual(['case:2026-990001']);
    expect(targets(await get('actor=clerk&action=personal-data.read&target=990001'))).toEqual(['case:2026-990001']);
    expect((await get('action=user&target=filter')).body.items.every((i: { action: string }) => i.action.startsWith('user.'))).toBe(true);
    expect((await get('action=user.disabled')).body.total).toBe(1);
    // 1 July in Beijing begins at 2026-06-30T16:00Z.
    expect(targets(await get('from=2026-07-01&to=2026-07-01&target=filter-'))).toEqual(['user:filter-july']);
    expect(targets(await get('from=2026-06-30&to=2026-06-30&target=filter-'))).toEqual(['user:filter-june']);
    expect(targets(await get('from=2026-06-30T15:59:59Z&to=2026-06-30T16:00:00Z&target=filter-j'))).toEqual(['user:filter-june']);
    // A '%' or '_' in the filter is a character, not a wildcard.
    expect((await get('target=%25')).body.total).toBe(0);

    const page1 = await get('target=filter&pageSize=2');
    const page2 = await get('target=filter&pageSize=2&page=2');
    expect(page1.body.total).toBe(5);
    expect(page1.body.items).toHaveLength(2);
    expect(page2.body.items).toHaveLength(2);
    expect(new Set([...targets(page1), ...targets(page2)]).size).toBeGreaterThanOrEqual(3);

    expect((await get('from=yesterday')).status).toBe(400);
    expect((await get('from=0000-01-01')).status).toBe(400);
    expect((await get('to=2026-13-01')).status).toBe(400);
    expect((await get('action=Sign In')).status).toBe(400);
    expect((await get('pageSize=501')).status).toBe(400);
    expect((await request(app()).get('/api/admin/audit').set('Authorization', `Bearer ${tokens.clerk}`)).status).toBe(403);
    expect((await request(app()).get('/api/admin/audit.csv').set('Authorization', `Bearer ${tokens.supervisor}`)).status).toBe(403);
  });

  it('exports CSV that Excel reads: UTF-8 with BOM, every cell quoted, formulas defused; the export is audited', async () => {
    const res = await asAdmin(
      request(app())
        .get('/api/admin/audit.csv?target=filter')
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        }),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?audit-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(body.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(AUDIT_CSV_HEADER);
    const data = rows.slice(1);
    expect(data).toHaveLength(5);
    expect(data.every((r) => r.length === AUDIT_CSV_HEADER.length)).toBe(true);
    // Oldest first; Beijing time with its offset.
    expect(data[0]!.slice(1, 3)).toEqual(['2026-06-30T23:59:59+08:00', 'user.created']);
    expect(data[1]!.slice(1, 3)).toEqual(['2026-07-01T00:00:00+08:00', 'user.created']);
    const created = data.find((r) => r[7] === 'user:filter-a' && r[2] === 'user.created')!;
    expect(created.slice(4, 7)).toEqual(['admin', 'admin', '10.2.0.1']);
    expect(JSON.parse(created[8]!)).toEqual({ note: '含 "引号", 逗号\n和换行' });
    expect(data.find((r) => r[7] === 'department:filter')![4]).toBe(`'=HYPERLINK("x")`);
    expect(csvCell('-1+1')).toBe(`"'-1+1"`);

    const exported = await asAdmin(request(app()).get('/api/admin/audit?action=audit.exported'));
    expect(exported.body.items[0]).toMatchObject({ actor: { username: 'admin' }, details: { filter: { target: 'filter' } } });
  });

  it('exports past its 1,000-row pages, rows of the same instant included, each once', async () => {
    await sql`insert into audit_log (action, target, agency_code) select 'test.bulk', 'bulk:' || n, 'demo' from generate_series(1, 2100) n`.execute(
      database.db,
    );
    const res = await asAdmin(request(app()).get('/api/admin/audit.csv?action=test.bulk'));
    const ids = parseCsv((res.text as string).replace(/^\uFEFF/, ''))
      .slice(1)
      .map((r) => r[0]);
    expect(ids).toHaveLength(2100);
    expect(new Set(ids).size).toBe(2100);
  });
});

it('records a decode of Temporal payloads that discloses an applicant (the Temporal UI reading an encrypted history)', async () => {
  const app = createApp({
    db: database.db,
    temporal,
    namespace: 'unused',
    codec: new EncryptionCodec(parseCodecKeys(newCodecKey('k1'))),
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
  });
  const json = (value: unknown) => ({
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify(value)).toString('base64'),
  });
  const start = {
    caseNo: '2026-000777',
    intake: {
      channel: 'in-person',
      applicant: { name: '韩七', idNumber: '110101198807071234', phone: '13500001111', address: '北京市某区某路1号' },
    },
  };
  const clock = { clockId: 'reply', due: '2026-12-30' };
  const asAdmin = { Authorization: `Bearer ${tokens.admin}` };
  const encoded = await request(app)
    .post('/codec/encode')
    .set(asAdmin)
    .send({ payloads: [json(start), json(clock)] });
  expect(encoded.status).toBe(200);
  const rows = () =>
    database.db
      .selectFrom('audit_log')
      .select(['actor_username', 'target', 'details'])
      .where('action', '=', 'personal-data.read')
      .where('details', '@>', sql<never>`'{"via":"codec"}'`)
      .execute();
  expect(await rows()).toEqual([]); // encoding reads nothing

  const decoded = await request(app)
    .post('/codec/decode')
    .set(asAdmin)
    .send({ payloads: [encoded.body.payloads[1]] });
  expect(decoded.status).toBe(200);
  expect(await rows()).toEqual([]); // a clock carries nothing personal
  expect((await request(app).post('/codec/decode').set(asAdmin).send(encoded.body)).status).toBe(200);
  expect(await rows()).toEqual([
    {
      actor_username: 'admin',
      target: 'case:2026-000777',
      details: { caseNo: '2026-000777', fields: ['idNumber', 'phone', 'address'], via: 'codec' },
    },
  ]);
});

it('records an API key’s use once per hour of use, also when it is used without pause', async () => {
  const app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } });
  const key = await issueToken(database.db, users.supervisor!.id, 'hourly');
  const { id } = await database.db.selectFrom('api_tokens').select('id').where('label', '=', 'hourly').executeTakeFirstOrThrow();
  const used = async () =>
    (
      await database.db
        .selectFrom('audit_log')
        .select('at')
        .where('action', '=', 'api-key.used')
        .where('target', '=', `api-key:${id}`)
        .execute()
    ).length;
  const call = async () => expect((await request(app).get('/api/me').set('Authorization', `Bearer ${key}`)).status).toBe(200);
  await call();
  await call();
  expect(await used()).toBe(1); // the first use; the second within the minute asks nothing
  // Used a minute later, within the hour of the recorded use: nothing new.
  await sql`update api_tokens set last_used_at = now() - interval '2 minutes' where id = ${id}`.execute(database.db);
  await call();
  expect(await used()).toBe(1);
  // Another key in use without pause (last used two minutes ago) whose last recorded use is
  // 61 minutes old: this use is recorded.
  const busy = await issueToken(database.db, users.supervisor!.id, 'busy');
  const busyId = (await database.db.selectFrom('api_tokens').select('id').where('label', '=', 'busy').executeTakeFirstOrThrow()).id;
  await sql`insert into audit_log (at, action, target) values (now() - interval '61 minutes', 'api-key.used', ${`api-key:${busyId}`})`.execute(
    database.db,
  );
  await sql`update api_tokens set last_used_at = now() - interval '2 minutes' where id = ${busyId}`.execute(database.db);
  expect((await request(app).get('/api/me').set('Authorization', `Bearer ${busy}`)).status).toBe(200);
  const rows = await database.db
    .selectFrom('audit_log')
    .select(['actor_username', 'details'])
    .where('action', '=', 'api-key.used')
    .where('target', '=', `api-key:${busyId}`)
    .orderBy('id')
    .execute();
  expect(rows).toHaveLength(2);
  expect(rows[1]).toMatchObject({ actor_username: 'supervisor', details: { keyOwner: 'supervisor', method: 'GET', path: '/api/me' } });
});

it('names every action the code writes in AUDIT_ACTIONS, so the console offers and labels it', () => {
  const root = path.resolve(__dirname, '..');
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) sources.push(fs.readFileSync(full, 'utf8'));
    }
  };
  for (const dir of ['api', 'db', 'activities', 'scripts']) walk(path.join(root, dir));
  const NAME = "'([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)'";
  const written = new Set<string>();
  for (const text of sources) {
    // `action: 'x'`, `action: cond ? 'x' : 'y'`, and any literal in an area the log uses.
    for (const m of text.matchAll(new RegExp(`action: (?:[^,'\\n]*\\? )?${NAME}(?: : ${NAME})?`, 'g')))
      [m[1], m[2]].forEach((a) => a && written.add(a));
    for (const m of text.matchAll(/'((?:auth|admin|api-key|personal-data|audit)\.[a-z0-9-]+)'/g)) written.add(m[1]!);
  }
  expect(written.size).toBeGreaterThan(20);
  expect([...written].filter((a) => !(a in AUDIT_ACTIONS)).sort()).toEqual([]);
});

it('records a user ending one of their own sessions (signed out elsewhere)', async () => {
  const app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } });
  await setPasswordHash(database.db, users.reviewer!.id, await hashPassword('Review-pass-2026'), { mustChange: false, now: new Date() });
  const signIn = async () => {
    const res = await request(app).post('/api/auth/login').send({ username: 'reviewer', password: 'Review-pass-2026' });
    expect(res.status).toBe(200);
    return { cookie: (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!, csrf: res.body.csrfToken as string };
  };
  const laptop = await signIn();
  await signIn(); // the office PC
  const sessions = await request(app).get('/api/me/sessions').set('Cookie', laptop.cookie);
  const other = sessions.body.items.find((s: { current: boolean }) => !s.current) as { id: string };
  expect(
    (await request(app).delete(`/api/me/sessions/${other.id}`).set('Cookie', laptop.cookie).set('X-CSRF-Token', laptop.csrf)).status,
  ).toBe(200);
  const rows = await database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_username', 'target', 'ip', 'details'])
    .where('target', '=', 'user:reviewer')
    .orderBy('id')
    .execute();
  expect(rows.map((r) => r.action)).toEqual(['auth.sign-in', 'auth.sign-in', 'auth.session-ended']);
  expect(rows[2]).toMatchObject({ actor_username: 'reviewer', ip: expect.any(String), details: { session: other.id, reason: 'revoked' } });
});
