/**
 * The demo seed keeps working as the API changes: a small run through the real stack leaves
 * a living mix (overdue, paused, assigned to several departments, closed, disputed) and no
 * failed step — against the API's rate limits, as `npm run demo` meets them: the default
 * rates (600 a minute per token, 1,200 per address) over a six-second window, so that a small
 * seed runs into them; the seeding waits out each 429 as its Retry-After says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '../api/app';
import { rateLimitsFromEnv } from '../api/rate-limits';
import { loadCalendar } from '../db/repositories/calendar';
import { fetchHonouringRetryAfter, retryAfterMs } from '../scripts/api-client';
import { seedDemoCases } from '../scripts/demo-seed';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { TEST_NAMESPACE } from './support/temporal';

let stack: ApiStack;
let server: http.Server;
const DEFAULTS = rateLimitsFromEnv({});
/** The default rates, per six seconds instead of per minute. */
const RATE_LIMITS = { perToken: DEFAULTS.perToken / 10, perIp: DEFAULTS.perIp / 10, windowMs: DEFAULTS.windowMs / 10 };

beforeAll(async () => {
  stack = await startApiStack('demo-seed-e2e', { secondAgency: true });
  // The stack's own app has no limits (tests send bursts on purpose); the seed meets the real limiter.
  const limited = createApp({
    db: stack.database.db,
    temporal: stack.env.client,
    namespace: TEST_NAMESPACE,
    taskQueue: 'demo-seed-e2e',
    agency: TEST_AGENCY,
    rateLimits: RATE_LIMITS,
  });
  server = http.createServer(limited).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

/** Spends a token's whole window at once and returns while at least two seconds of it remain. */
async function spendWindow(url: string, headers: Record<string, string>): Promise<void> {
  for (;;) {
    await Promise.all(Array.from({ length: RATE_LIMITS.perToken }, () => fetch(url, { headers }).then((r) => r.arrayBuffer())));
    const probe = await fetch(url, { headers });
    await probe.arrayBuffer();
    const left = Number(probe.headers.get('Retry-After'));
    if (probe.status === 429 && left >= 2) return;
    if (probe.status === 429) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100)); // the window is about to turn: spend the next one
  }
}

it('fills the system with a realistic mix that the supervisor sees at once', async () => {
  const tokens = Object.fromEntries(
    ['clerk', 'department', 'reviewer', 'leader', 'supervisor', 'admin'].map((u) => [u, stack.as(u).Authorization.slice('Bearer '.length)]),
  );
  const { port } = server.address() as AddressInfo;
  // The clerk has spent its window, as in a busy office: the seed certainly meets 429s (however
  // fast this machine is today) and must wait them out to finish.
  await spendWindow(`http://127.0.0.1:${port}/api/applications?limit=1`, { Authorization: `Bearer ${tokens.clerk}` });
  const result = await seedDemoCases({
    baseUrl: `http://127.0.0.1:${port}`,
    tokens,
    calendar: await loadCalendar(stack.database.db),
    count: 40,
    seed: 7,
    log: (line) => line.includes(' as ') && console.log(line),
  }); // failed steps, if any
  expect(result).toMatchObject({ applications: 40, failures: 0 });
  expect(result.rateLimitedWaits).toBeGreaterThan(0); // it did run into the limits, and waited them out
  expect(result.disputes).toBeGreaterThan(0);
  expect(result).toMatchObject({ documents: 2 * 1, incidents: 1, messages: 2 }); // 40 applications → one thirtieth-scale of each other kind

  const stages = await stack.database.db.selectFrom('applications').select(['stage', 'status']).execute();
  expect(new Set(stages.map((s) => s.stage)).size).toBeGreaterThanOrEqual(6);
  expect(stages.some((s) => s.status === 'closed')).toBe(true);
  const summary = await request(stack.app).get('/api/supervision/summary').set(stack.as('supervisor'));
  expect(summary.body.totals.overdue).toBeGreaterThan(0);
  expect(summary.body.totals.running).toBeGreaterThan(0);
  expect(summary.body.byDepartment.length).toBeGreaterThanOrEqual(2);
  const kinds = await stack.database.db.selectFrom('case_clocks').select('kind').distinct().execute();
  expect(kinds.map((k) => k.kind).sort()).toEqual(expect.arrayContaining(['application', 'incident', 'message']));
});

it('seeds the platform’s second agency with its own users, departments and numbers', async () => {
  const users = ['clerk', 'department', 'reviewer', 'leader', 'supervisor', 'admin'].map((role) => `sfj.${role}`);
  const tokens = Object.fromEntries(users.map((u) => [u, stack.as(u).Authorization.slice('Bearer '.length)]));
  const { port } = server.address() as AddressInfo;
  const result = await seedDemoCases({
    baseUrl: `http://127.0.0.1:${port}`,
    tokens,
    calendar: await loadCalendar(stack.database.db),
    count: 12,
    seed: 11,
    agencyPrefix: 'sfj',
  });
  expect(result).toMatchObject({ applications: 12, failures: 0 });
  const cases = await stack.database.db
    .selectFrom('applications')
    .select(['case_no', 'department_code'])
    .where('agency_code', '=', 'sfj')
    .execute();
  expect(cases).toHaveLength(12);
  expect(cases.every((c) => c.case_no.startsWith('sfj-'))).toBe(true);
  expect(cases.every((c) => c.department_code === null || c.department_code.startsWith('sfj-'))).toBe(true);
  const summary = await request(stack.app).get('/api/supervision/summary').set(stack.as('sfj.supervisor'));
  expect(summary.body.totals.overdue).toBeGreaterThan(0);
});

it('reads Retry-After as seconds or a date, and retries a 429 a bounded number of times', async () => {
  expect(DEFAULTS).toMatchObject({ perToken: 600, perIp: 1200, windowMs: 60_000 });
  expect(retryAfterMs('7')).toBe(7000);
  expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:30 GMT'))).toBe(30_000);
  expect(retryAfterMs(null)).toBeNull();
  expect(retryAfterMs('soon')).toBeNull();

  // Against the limiter itself: a token that has spent its window gets 429s, which are waited out.
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/api/applications?limit=1`;
  const headers = stack.as('supervisor');
  const statuses: number[] = [];
  for (let i = 0; i <= RATE_LIMITS.perToken; i += 1) statuses.push((await fetch(url, { headers })).status);
  expect(statuses.at(-1)).toBe(429);
  const refused = await fetch(url, { headers });
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
  const waits: number[] = [];
  const gaveUp = await fetchHonouringRetryAfter(
    url,
    { headers },
    { maxRetries: 2, sleep: async () => undefined, onWait: ({ waitMs }) => waits.push(waitMs) },
  );
  expect(gaveUp.status).toBe(429); // bounded: after two retries the 429 is the caller's to report
  expect(waits.length).toBe(2);
  const waited = await fetchHonouringRetryAfter(url, { headers }, { onWait: ({ waitMs }) => waits.push(waitMs) });
  expect(waited.status).toBe(200);
  expect(waits.length).toBeGreaterThan(2);
});
