/**
 * The demo seed keeps working as the API changes: a small run through the real stack leaves
 * a living mix (overdue, paused, assigned to several departments, closed, disputed) and no
 * failed step.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadCalendar } from '../db/repositories/calendar';
import { seedDemoCases } from '../scripts/demo-seed';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;
let server: http.Server;

beforeAll(async () => {
  stack = await startApiStack('demo-seed-e2e');
  server = http.createServer(stack.app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

it('fills the system with a realistic mix that the supervisor sees at once', async () => {
  const tokens = Object.fromEntries(['clerk', 'department', 'reviewer', 'leader', 'supervisor', 'admin'].map((u) => [u, stack.as(u).Authorization.slice('Bearer '.length)]));
  const { port } = server.address() as AddressInfo;
  const result = await seedDemoCases({ baseUrl: `http://127.0.0.1:${port}`, tokens, calendar: await loadCalendar(stack.database.db), count: 40, seed: 7, log: (line) => line.includes(' as ') && console.log(line) }); // failed steps, if any
  expect(result).toMatchObject({ applications: 40, failures: 0 });
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
