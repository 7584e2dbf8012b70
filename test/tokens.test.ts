/**
 * Tokens expire and can be revoked; every refusal, issue, revocation and sign-in is logged
 * with the caller's address; tokens are stored only as hashes.
 */
import { Client } from '@temporalio/client';
import { sql } from 'kysely';
import request from 'supertest';
import { createApp } from '../api/app';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;
let admin: string;
const temporal = new Client(); // lazy: nothing here reaches Temporal

beforeAll(async () => {
  database = await createTestDatabase();
  const users = await seedDemoUsers(database.db);
  admin = await issueToken(database.db, users.admin!.id, 'tokens-test');
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

it('issues, uses, expires and revokes tokens, and logs every step', async () => {
  const app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } });
  const asAdmin = (r: request.Test) => r.set('Authorization', `Bearer ${admin}`);

  const issued = await asAdmin(request(app).post('/api/admin/users/clerk/tokens')).send({ label: '王受理的笔记本', ttlDays: 30 });
  expect(issued.status).toBe(201);
  expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  const token: string = issued.body.token;
  const stored = await database.db
    .selectFrom('api_tokens')
    .select(['token_sha256'])
    .where('id', '=', issued.body.id)
    .executeTakeFirstOrThrow();
  expect(stored.token_sha256).not.toContain(token);
  expect((await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)).body.username).toBe('clerk');

  const list = await asAdmin(request(app).get('/api/admin/users/clerk/tokens'));
  expect(list.body.items[0]).toMatchObject({
    id: issued.body.id,
    label: '王受理的笔记本',
    revokedAt: null,
    lastUsedAt: expect.any(String),
  });
  expect(JSON.stringify(list.body)).not.toContain(token);

  // Revoked: refused from then on.
  expect((await asAdmin(request(app).delete(`/api/admin/tokens/${issued.body.id}`))).status).toBe(200);
  expect((await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  // Expired: refused too.
  const old = await asAdmin(request(app).post('/api/admin/users/leader/tokens')).send({ label: '旧令牌' });
  await sql`update api_tokens set expires_at = now() - interval '1 minute' where id = ${old.body.id}`.execute(database.db);
  expect((await request(app).get('/api/me').set('Authorization', `Bearer ${old.body.token}`)).status).toBe(401);
  expect((await request(app).get('/api/me').set('Authorization', 'Bearer gk_not-a-token')).status).toBe(401);

  // Each step is in the audit log: who issued and revoked which key, its use, every refusal.
  const log = await asAdmin(request(app).get('/api/admin/audit?action=api-key&pageSize=500'));
  type Row = {
    action: string;
    actor: { username: string } | null;
    target: string | null;
    ip: string | null;
    details: Record<string, string>;
  };
  const events = log.body.items.map(
    (e: Row) => `${e.action}:${e.actor?.username ?? ''}:${e.details.keyOwner ?? ''}:${e.details.label ?? e.details.reason ?? ''}`,
  );
  expect(events).toEqual(
    expect.arrayContaining([
      'api-key.issued:admin:clerk:王受理的笔记本',
      'api-key.used:clerk:clerk:',
      'api-key.revoked:admin:clerk:王受理的笔记本',
      'api-key.rejected::clerk:revoked',
      'api-key.rejected::leader:expired',
    ]),
  );
  // A key nobody knows is no agency's: its refusal is in the platform's log, not this agency admin's.
  expect(events).not.toContain('api-key.rejected:::unknown');
  const unknown = await database.db
    .selectFrom('audit_log')
    .select(['agency_code', 'details'])
    .where('action', '=', 'api-key.rejected')
    .where(sql<boolean>`details->>'reason' = 'unknown'`)
    .execute();
  expect(unknown).toEqual([{ agency_code: null, details: expect.objectContaining({ reason: 'unknown', path: '/api/me' }) }]);
  expect(log.body.items.find((e: Row) => e.action === 'api-key.issued' && e.details.keyOwner === 'clerk')).toMatchObject({
    target: `api-key:${issued.body.id}`,
    ip: expect.any(String),
  });
  const rejected = await asAdmin(request(app).get('/api/admin/audit?action=api-key.rejected'));
  expect(rejected.body.items.length).toBe(2);
  expect(rejected.body.items.every((e: Row) => e.action === 'api-key.rejected' && e.ip && e.details.path === '/api/me')).toBe(true);
  expect((await asAdmin(request(app).delete('/api/admin/tokens/999999'))).status).toBe(404);
  expect((await asAdmin(request(app).post('/api/admin/users/clerk/tokens')).send({ label: 'x', ttlDays: 1000 })).status).toBe(400);
});
