/**
 * The HTTP API against real PostgreSQL and the real Temporal dev server: calendar, rule
 * profiles, identity and roles, health, and the error shape every client relies on.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../api/app';
import { issueToken, seedDemoUsers, seedSecondDemoAgency } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startDevServer, TEST_NAMESPACE } from './support/temporal';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let app: Express;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
  // The platform's admin imports years (every agency's calendar).
  const users = { ...(await seedDemoUsers(database.db)), ...(await seedSecondDemoAgency(database.db)) };
  for (const [username, user] of Object.entries(users)) tokens[username] = await issueToken(database.db, user.id, 'test');
  app = createApp({ db: database.db, temporal: env.client, namespace: TEST_NAMESPACE });
});

afterAll(async () => {
  await env?.teardown();
  await database?.drop();
});

const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });

describe('GET /api/calendar/add-working-days', () => {
  it('answers the domain.md example: 2026-09-28 + 20 WD = 2026-10-30', async () => {
    const res = await request(app).get('/api/calendar/add-working-days?from=2026-09-28&days=20').set(as('clerk'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-09-28',
      days: 20,
      due: '2026-10-30',
      provisional: false,
      calendarVersion: 'chinese-days@1.5.7',
    });
  });

  it('flags answers beyond the published years as provisional', async () => {
    const res = await request(app).get('/api/calendar/add-working-days?from=2026-12-31&days=1').set(as('clerk'));
    expect(res.body).toMatchObject({ due: '2027-01-04', provisional: true });
  });

  it.each([
    ['from=2026-02-30&days=5', 'from'],
    ['from=2026-09-28&days=-1', 'days'],
    ['from=2026-09-28&days=abc', 'days'],
    ['from=2026-09-28&days=3651', 'days'],
    ['from=2026-09-28&days=1.5', 'days'],
    ['days=5', 'from'],
    ['from=2026-09-28', 'days'],
    ['from=20260928&days=5', 'from'],
    ['from=2026-09-28&days=5&days=6', 'days'],
  ])('?%s → 400 naming %s', async (query, field) => {
    const res = await request(app).get(`/api/calendar/add-working-days?${query}`).set(as('clerk'));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toContain(field);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('refuses a missing or unknown token with 401', async () => {
    expect((await request(app).get('/api/calendar/add-working-days?from=2026-09-28&days=1')).status).toBe(401);
    const res = await request(app).get('/api/calendar/add-working-days?from=2026-09-28&days=1').set('Authorization', 'Bearer gk_nope');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});

describe('GET /api/calendar/days', () => {
  it('lists each day with its kind', async () => {
    const res = await request(app).get('/api/calendar/days?from=2026-10-07&to=2026-10-12').set(as('supervisor'));
    expect(res.status).toBe(200);
    expect(res.body.days.map((d: { date: string; kind: string }) => `${d.date}:${d.kind}`)).toEqual([
      '2026-10-07:holiday',
      '2026-10-08:workday',
      '2026-10-09:workday',
      '2026-10-10:makeup-workday',
      '2026-10-11:weekend',
      '2026-10-12:workday',
    ]);
  });

  it('refuses a reversed or too long range, naming `to`', async () => {
    for (const query of ['from=2026-10-12&to=2026-10-07', 'from=2020-01-01&to=2026-01-01']) {
      const res = await request(app).get(`/api/calendar/days?${query}`).set(as('clerk'));
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('to');
    }
  });
});

describe('admin calendar changes', () => {
  it('an override re-dates answers and bumps the calendar version; only admins may make one', async () => {
    const forbidden = await request(app)
      .put('/api/admin/calendar/overrides/2026-10-29')
      .set(as('clerk'))
      .send({ kind: 'holiday', reason: '台风停工' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');

    const set = await request(app)
      .put('/api/admin/calendar/overrides/2026-10-29')
      .set(as('admin'))
      .send({ kind: 'holiday', reason: '台风停工' });
    expect(set.status).toBe(200);
    expect(set.body.calendarVersion).toBe(`chinese-days@1.5.7+rev.${set.body.revision}`);

    const due = await request(app).get('/api/calendar/add-working-days?from=2026-09-28&days=20').set(as('clerk'));
    expect(due.body).toMatchObject({ due: '2026-11-02', calendarVersion: set.body.calendarVersion });

    const removed = await request(app).delete('/api/admin/calendar/overrides/2026-10-29').set(as('admin')).send({ reason: '撤销' });
    expect(removed.status).toBe(200);
    const after = await request(app).get('/api/calendar/add-working-days?from=2026-09-28&days=20').set(as('clerk'));
    expect(after.body).toMatchObject({ due: '2026-10-30', calendarVersion: removed.body.calendarVersion });

    const again = await request(app).delete('/api/admin/calendar/overrides/2026-10-29').set(as('admin')).send({ reason: '撤销' });
    expect(again.status).toBe(404);

    const revisions = await request(app).get('/api/admin/calendar/revisions').set(as('admin'));
    expect(revisions.body.revisions.map((r: { action: string; actor: string }) => `${r.action}:${r.actor}`)).toEqual([
      'remove-override:admin',
      'override:admin',
    ]);
  });

  it('refuses an override that does not fit the weekday, naming `kind`', async () => {
    const res = await request(app)
      .put('/api/admin/calendar/overrides/2026-11-18')
      .set(as('admin'))
      .send({ kind: 'makeup-workday', reason: '测试' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('kind');
  });

  it('imports 2027 from JSON and from ICS, after which 2027 answers are no longer provisional', async () => {
    // A year is every agency's: an agency's admin may not import it.
    const byAgencyAdmin = await request(app)
      .put('/api/admin/calendar/years/2027')
      .set(as('admin'))
      .send({ format: 'json', reason: '国务院办公厅2027年放假安排', days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }] });
    expect(byAgencyAdmin.status).toBe(403);
    const json = await request(app)
      .put('/api/admin/calendar/years/2027')
      .set(as('platform.admin'))
      .send({ format: 'json', reason: '国务院办公厅2027年放假安排', days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }] });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ year: 2027, days: 1 });
    const due = await request(app).get('/api/calendar/add-working-days?from=2026-12-31&days=1').set(as('clerk'));
    expect(due.body).toMatchObject({ due: '2027-01-04', provisional: false });

    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//t//CN',
      'BEGIN:VEVENT',
      'UID:x',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;VALUE=DATE:20270104',
      'DTEND;VALUE=DATE:20270105',
      'SUMMARY:元旦(休)',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const fromIcs = await request(app)
      .put('/api/admin/calendar/years/2027')
      .set(as('platform.admin'))
      .send({ format: 'ics', reason: '更正', ics });
    expect(fromIcs.status).toBe(200);
    // The ICS import replaced the whole year: 01-01 is an ordinary Friday now, 01-04 a holiday.
    const redated = await request(app).get('/api/calendar/add-working-days?from=2026-12-31&days=2').set(as('clerk'));
    expect(redated.body).toMatchObject({ due: '2027-01-05', provisional: false });
  });

  it('refuses a day outside the year, naming the entry', async () => {
    const res = await request(app)
      .put('/api/admin/calendar/years/2028')
      .set(as('platform.admin'))
      .send({ format: 'json', reason: '测试', days: [{ date: '2027-10-01', kind: 'holiday' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('days[0].date');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await request(app)
      .put('/api/admin/calendar/years/2027')
      .set(as('platform.admin'))
      .set('Content-Type', 'application/json')
      .send('{"format":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });
});

describe('rule profiles', () => {
  it('lists every profile and returns one with its citations', async () => {
    const list = await request(app).get('/api/rulesets').set(as('department'));
    expect(list.status).toBe(200);
    expect(list.body.rulesets).toHaveLength(6);
    expect(list.body.rulesets.find((r: { id: string }) => r.id === 'huadian-001')).toMatchObject({
      replyWorkingDays: 15,
      regime: 'pre-2019',
    });

    const one = await request(app).get('/api/rulesets/huangyan-003').set(as('department'));
    expect(one.status).toBe(200);
    expect(one.body.application.internalSteps[0]).toMatchObject({ step: 'register', workingDays: 1, citation: { seed: '003' } });
    expect((await request(app).get('/api/rulesets/nowhere').set(as('clerk'))).status).toBe(404);
    expect((await request(app).get('/api/rulesets/national-2019?version=1999.1').set(as('clerk'))).status).toBe(404);
    expect((await request(app).get('/api/rulesets/BAD_ID').set(as('clerk'))).status).toBe(400);
  });
});

describe('identity, health and documentation', () => {
  it('GET /api/me tells each demo user their role', async () => {
    for (const role of ['clerk', 'department', 'reviewer', 'leader', 'supervisor', 'admin']) {
      const res = await request(app).get('/api/me').set(as(role));
      expect(res.body.role).toBe(role);
    }
  });

  it('GET /healthz reports database and Temporal reachable', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: { ok: true }, temporal: { ok: true, namespace: TEST_NAMESPACE } } });
  });

  it('GET /healthz answers 503 naming Temporal when its namespace is unreachable', async () => {
    const broken = createApp({ db: database.db, temporal: env.client, namespace: 'no-such-namespace' });
    const res = await request(broken).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'degraded', checks: { database: { ok: true }, temporal: { ok: false } } });
  });

  it('publishes an OpenAPI document generated from the same schemas', async () => {
    const res = await request(app).get('/api/openapi.json');
    expect(res.status).toBe(200);
    const op = res.body.paths['/api/calendar/add-working-days'].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['days', 'from']);
    expect(op.responses['400']).toBeDefined();
    expect(res.body.paths['/api/admin/calendar/overrides/{date}'].put.description).toBe('Roles: admin.');
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const res = await request(app).get('/api/nothing-here').set(as('clerk'));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
