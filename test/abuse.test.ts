/** Abuse at the door: rate limits per token and per IP (429), oversized bodies (413), NUL characters and malformed dates (400, never 5xx). */
import { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { rateLimitsFromEnv } from '../api/rate-limits';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;
const tokens: Record<string, string> = {};
const temporal = new Client(); // lazy: none of these requests reaches Temporal

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
    tokens[username] = await issueToken(database.db, user.id, 'limits');
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

it('limits each token, then the address, and says when to come back', async () => {
  const app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 5, perIp: 8, windowMs: 60_000 } });
  const me = (user: string) => request(app).get('/api/me').set('Authorization', `Bearer ${tokens[user]}`);
  for (let i = 0; i < 5; i += 1) expect((await me('clerk')).status).toBe(200);
  const limited = await me('clerk');
  expect(limited.status).toBe(429);
  expect(limited.body).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('with this token'), details: [] } });
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  // Another token still has its own budget, until the address has used its own.
  expect((await me('admin')).status).toBe(200);
  expect((await me('admin')).status).toBe(200);
  const address = await me('leader');
  expect(address.status).toBe(429);
  expect(address.body.error.message).toContain('from this address');
  expect((await request(app).get('/healthz')).status).toBe(429); // anonymous callers count against the address too
});

it('refuses an oversized body with 413 in the error shape, and reads limits from the environment', async () => {
  const app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } });
  const huge = { description: 'x'.repeat(3 * 1024 * 1024) };
  const res = await request(app).post('/api/applications').set('Authorization', `Bearer ${tokens.clerk}`).send(huge);
  expect(res.status).toBe(413);
  expect(res.body.error).toMatchObject({ code: expect.any(String), details: [{ field: 'body', message: expect.any(String) }] });
  expect(rateLimitsFromEnv({})).toEqual({ perToken: 600, perIp: 1200, windowMs: 60_000 });
  expect(rateLimitsFromEnv({ GONGKAI_RATE_LIMIT_PER_TOKEN: '0' }).perToken).toBe(0);
  expect(() => rateLimitsFromEnv({ GONGKAI_RATE_LIMIT_PER_IP: 'lots' })).toThrow(/GONGKAI_RATE_LIMIT_PER_IP/);
});

it('refuses NUL characters at the door, naming the field, and bad dates without a 5xx (both found by the fuzzer)', async () => {
  const app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } });
  const nul = await request(app)
    .post('/api/applications')
    .set('Authorization', `Bearer ${tokens.clerk}`)
    .send({ applicant: { name: 'a\u0000b' } });
  expect(nul.status).toBe(400);
  expect(nul.body.error.details).toEqual([{ field: 'applicant.name', message: 'must not contain NUL characters' }]);
  const days = await request(app).get('/api/calendar/days?from=&to=2026-01-01').set('Authorization', `Bearer ${tokens.clerk}`);
  expect(days.status).toBe(400);
  expect(days.body.error.details[0].field).toBe('from');
});
