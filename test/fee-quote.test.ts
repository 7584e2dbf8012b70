/**
 * GET /api/fees/quote: the clerk's quote before a 收费通知, answering the published bands of
 * 国办函〔2020〕109号 exactly (totals worked by hand), and 400s naming the field, never a 5xx.
 */
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../api/app';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;
let app: Express;
const tokens: Record<string, string> = {};
const temporal = new Client(); // lazy: a quote never reaches Temporal

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
    tokens[username] = await issueToken(database.db, user.id, 'fees');
  app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } });
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

const quote = (query: string, user = 'clerk') =>
  request(app).get(`/api/fees/quote?${query}`).set('Authorization', `Bearer ${tokens[user]}`);

describe('by pages (第五条)', () => {
  it('charges ¥40 a page from the 201st: 250 pages = 70 × 10 + 100 × 20 + 50 × 40 = ¥4,700', async () => {
    const res = await quote('basis=by-pages&pages=250');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      basis: 'by-pages',
      total: 4700,
      lines: [
        { band: '1—30页', units: 30, unitPrice: 0, amount: 0 },
        { band: '31—100页', units: 70, unitPrice: 10, amount: 700 },
        { band: '101—200页', units: 100, unitPrice: 20, amount: 2000 },
        { band: '201页以上', units: 50, unitPrice: 40, amount: 2000 },
      ],
      citation: '国办函〔2020〕109号 第五条',
    });
  });

  it.each([
    ['0', 0],
    ['30', 0],
    ['31', 10],
    ['100', 700],
    ['101', 720],
    ['200', 2700],
    ['201', 2740],
  ])('%s pages → ¥%d', async (pages, total) => {
    const res = await quote(`basis=by-pages&pages=${pages}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(total);
  });
});

describe('by count (第四条)', () => {
  it.each([
    ['1', 0],
    ['10', 0],
    ['11', 100],
    ['30', 100],
    ['31', 200],
    ['40', 200],
    ['41', 300],
    ['50', 300],
    ['51', 400],
  ])('application no. %s of the month → ¥%d', async (ordinal, total) => {
    const res = await quote(`basis=by-count&ordinalInMonth=${ordinal}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(total);
    expect(res.body.citation).toBe('国办函〔2020〕109号 第四条');
  });

  it('tabulates a split request band by band: the 9th–13th = 2 free + 3 × ¥100', async () => {
    const res = await quote('basis=by-count&ordinalInMonth=9&count=5');
    expect(res.body).toEqual({
      basis: 'by-count',
      total: 300,
      lines: [
        { band: '第1—10件', units: 2, unitPrice: 0, amount: 0 },
        { band: '第11—30件', units: 3, unitPrice: 100, amount: 300 },
      ],
      citation: '国办函〔2020〕109号 第四条',
    });
  });

  it('crosses the ¥200 and ¥300 bands: the 38th–43rd = 3 × ¥200 + 3 × ¥300', async () => {
    const res = await quote('basis=by-count&ordinalInMonth=38&count=6');
    expect(res.body.total).toBe(1500);
    expect(res.body.lines).toEqual([
      { band: '第31—40件', units: 3, unitPrice: 200, amount: 600 },
      { band: '第41—50件', units: 3, unitPrice: 300, amount: 900 },
    ]);
  });
});

describe('bad parameters', () => {
  it.each([
    ['basis=by-count', 'ordinalInMonth'],
    ['basis=by-count&ordinalInMonth=0', 'ordinalInMonth'],
    ['basis=by-count&ordinalInMonth=-3', 'ordinalInMonth'],
    ['basis=by-count&ordinalInMonth=2.5', 'ordinalInMonth'],
    ['basis=by-count&ordinalInMonth=abc', 'ordinalInMonth'],
    ['basis=by-count&ordinalInMonth=1&ordinalInMonth=2', 'ordinalInMonth'],
    ['basis=by-count&ordinalInMonth=11&count=0', 'count'],
    ['basis=by-count&ordinalInMonth=11&count=1001', 'count'],
    ['basis=by-count&ordinalInMonth=11&pages=40', 'pages'],
    ['basis=by-pages', 'pages'],
    ['basis=by-pages&pages=-1', 'pages'],
    ['basis=by-pages&pages=12.5', 'pages'],
    ['basis=by-pages&pages=', 'pages'],
    ['basis=by-pages&pages=99999999', 'pages'],
    ['basis=by-pages&pages=40&ordinalInMonth=11', 'ordinalInMonth'],
    ['pages=40', 'basis'],
    ['basis=both&pages=40', 'basis'],
  ])('?%s → 400 naming %s', async (query, field) => {
    const res = await quote(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toContain(field);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

it('is the clerk’s: other roles get 403, no token 401', async () => {
  expect((await quote('basis=by-pages&pages=40', 'department')).status).toBe(403);
  expect((await quote('basis=by-pages&pages=40', 'supervisor')).status).toBe(403);
  expect((await request(app).get('/api/fees/quote?basis=by-pages&pages=40')).status).toBe(401);
});

it('is in the OpenAPI document with its parameters and roles', async () => {
  const res = await request(app).get('/api/openapi.json');
  expect(res.status).toBe(200);
  const op = res.body.paths['/api/fees/quote'].get;
  expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['basis', 'count', 'ordinalInMonth', 'pages']);
  expect(op['x-roles']).toEqual(['clerk']);
  expect(op.responses['400']).toBeDefined();
  expect(res.body.components.schemas.FeeQuote).toBeDefined();
});
