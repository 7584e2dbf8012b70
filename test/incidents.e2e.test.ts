/**
 * Incidents through the HTTP API against the real Temporal dev server and real PostgreSQL:
 * intake validation naming the field, roles, 404/409, the list filters (grade, state,
 * overdue), and a rumour clarification approved at the level seed 001 requires.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';
import { pollUntil } from './support/eventually';

let stack: ApiStack;
let app: ApiStack['app'];
let as: ApiStack['as'];

beforeAll(async () => {
  stack = await startApiStack('incidents-e2e');
  ({ app, as } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const INTAKE = {
  grade: '重大',
  title: '网传某小区燃气爆炸致多人死亡',
  source: 'media',
  link: 'https://example.cn/news/1',
  summary: '短视频平台流传，经初步核实为小范围燃气泄漏，无人员死亡',
};
const post = (id: string, action: string, user: string, body: object = {}) =>
  request(app).post(`/api/incidents/${id}/${action}`).set(as(user)).send(body);

it('validates intake naming the field and refuses other roles', async () => {
  const seen = new Date(Date.now() - 5 * 60_000).toISOString();
  const future = await request(app)
    .post('/api/incidents')
    .set(as('clerk'))
    .send({ ...INTAKE, firstSeenAt: new Date(Date.now() + 3_600_000).toISOString() });
  expect(future.status).toBe(400);
  expect(future.body.error.details[0]).toMatchObject({ field: 'firstSeenAt', message: 'must not be in the future' });
  const important = await request(app)
    .post('/api/incidents')
    .set(as('clerk'))
    .send({ ...INTAKE, grade: '重要', firstSeenAt: seen });
  expect(important.status).toBe(400);
  expect(important.body.error.details[0].field).toBe('grade'); // 重要 is 黄岩's grade only
  const badSource = await request(app)
    .post('/api/incidents')
    .set(as('clerk'))
    .send({ ...INTAKE, source: 'rumour-mill', firstSeenAt: seen });
  expect(badSource.body.error.details[0].field).toBe('source');
  expect(
    (
      await request(app)
        .post('/api/incidents')
        .set(as('reviewer'))
        .send({ ...INTAKE, firstSeenAt: seen })
    ).status,
  ).toBe(403);
  expect(
    (
      await request(app)
        .post('/api/incidents')
        .send({ ...INTAKE, firstSeenAt: seen })
    ).status,
  ).toBe(401);
  expect((await request(app).get('/api/incidents/2026-999999').set(as('clerk'))).status).toBe(404);
  expect(await stack.database.db.selectFrom('incidents').select('id').execute()).toEqual([]);
});

it('registers a 重大 incident with its clocks, answers 409 with the reason, and lists by grade, state and overdue', async () => {
  const firstSeenAt = new Date(Date.now() - 2 * 3_600_000).toISOString(); // seen two hours ago: the 1 h report is already missed
  const created = await request(app)
    .post('/api/incidents')
    .set(as('clerk'))
    .send({ ...INTAKE, firstSeenAt });
  expect(created.status).toBe(201);
  const { id } = created.body;
  expect(id).toMatch(/^demo-\d{4}-\d{6}$/);
  expect(created.body.clocks.map((c: { id: string; dueAt: string }) => [c.id, c.dueAt])).toEqual([
    ['report', new Date(Date.parse(firstSeenAt) + 3_600_000).toISOString()],
    ['response', new Date(Date.parse(firstSeenAt) + 24 * 3_600_000).toISOString()],
  ]);
  expect(created.body.clocks[0].derivation[0].explanation).toContain('时限1小时（不分昼夜、节假日）');
  expect(created.body.requiredApproval.level).toBe('principal');

  // The worker records the missed report right after registration.
  let view = created.body;
  if (view.accountability.length === 0) {
    view = await pollUntil(
      async () => (await request(app).get(`/api/incidents/${id}`).set(as('supervisor'))).body,
      (v) => v.accountability.length > 0,
      { timeoutMs: 10_000, everyMs: 50 },
    );
  }
  expect(view.accountability).toEqual([
    expect.objectContaining({ clockId: 'report', responsible: 'gkb', outstanding: true, lateMinutes: expect.any(Number) }),
  ]);
  expect(view.accountability[0].lateMinutes).toBeGreaterThanOrEqual(59);
  expect(
    (await request(app).get('/api/incidents?overdue=true&grade=重大').set(as('supervisor'))).body.items.map((i: { id: string }) => i.id),
  ).toEqual([id]);

  const early = await post(id, 'approve', 'leader', { level: 'principal', comments: '同意' });
  expect(early.status).toBe(409);
  expect(early.body.error.message).toContain('不能审批方案');
  expect((await post(id, 'assign', 'department', { departmentCode: 'yjglk' })).status).toBe(403);
  expect((await post(id, 'assign', 'clerk', { departmentCode: 'Y J' })).body.error.details[0].field).toBe('departmentCode');
  expect((await post(id, 'assign', 'clerk', { departmentCode: 'xxzx' })).status).toBe(200);
  expect((await post(id, 'assess', 'department', { text: '研判' })).status).toBe(403); // assigned to xxzx, not yjglk
  expect((await post(id, 'assign', 'leader', { departmentCode: 'yjglk' })).status).toBe(200);
  expect((await post(id, 'assess', 'department', { text: '谣言传播快，需尽快澄清' })).body.stage).toBe('assessed');

  const reported = await post(id, 'report', 'leader', { to: 'leadership', recipient: '区政府主要领导', summary: '情况报告' });
  expect(reported.body.accountability[0]).toMatchObject({ outstanding: false });
  expect(reported.body.overdue).toBe(false);
  const regraded = await post(id, 'regrade', 'supervisor', { grade: '较大', reason: '无人员伤亡' });
  expect(regraded.body.grade).toBe('较大');
  expect(regraded.body.responseDueAt).toBe(new Date(Date.parse(firstSeenAt) + 48 * 3_600_000).toISOString());
  expect((await post(id, 'regrade', 'department', { grade: '一般', reason: 'x' })).status).toBe(403);

  expect((await request(app).get('/api/incidents?grade=较大&state=assessed').set(as('clerk'))).body.total).toBe(1);
  expect((await request(app).get('/api/incidents?grade=重大').set(as('clerk'))).body.total).toBe(0);
  expect((await request(app).get('/api/incidents?grade=huge').set(as('clerk'))).body.error.details[0].field).toBe('grade');
});

it('a rumour clarification in the government’s name is approved only at government level, then released and closed', async () => {
  const created = await request(app)
    .post('/api/incidents')
    .set(as('department'))
    .send({ ...INTAKE, kind: 'rumour', grade: '一般', firstSeenAt: new Date().toISOString() });
  expect(created.status).toBe(201);
  const { id } = created.body;
  await post(id, 'assign', 'clerk', { departmentCode: 'yjglk' });
  await post(id, 'assess', 'department', { text: '网传信息不实' });
  const plan = await post(id, 'plan', 'department', { text: '以市政府名义发布澄清', issuedInNameOf: 'government' });
  expect(plan.body.requiredApproval).toMatchObject({ level: 'government', reason: expect.stringContaining('第七条（一）') });
  const byReviewer = await post(id, 'approve', 'reviewer', { level: 'department-head', comments: '同意' });
  expect(byReviewer.status).toBe(409);
  expect(byReviewer.body.error.message).toContain('须经本级政府批准');
  expect((await post(id, 'approve', 'leader', { level: 'government', comments: '市政府同意' })).status).toBe(200);
  const released = await post(id, 'release', 'clerk', { channel: 'portal', text: '关于网传燃气爆炸信息的澄清' });
  expect(released.body.clocks.find((c: { id: string }) => c.id === 'response')).toMatchObject({ status: 'stopped', lateMinutes: 0 });
  const closed = await post(id, 'close', 'clerk', { evaluation: '澄清及时，舆情平息' });
  expect(closed.body).toMatchObject({ stage: 'closed', status: 'closed' });
  expect((await post(id, 'close', 'clerk', { evaluation: 'x' })).status).toBe(409);

  // Writes test/histories/incident-rumour-closed.json with UPDATE_HISTORIES=1; test/replay.test.ts replays it.
  const handle = stack.env.client.workflow.getHandle(`incident-${id}`);
  await handle.result();
  if (process.env.UPDATE_HISTORIES === '1') {
    fs.writeFileSync(path.join(__dirname, 'histories', 'incident-rumour-closed.json'), historyToJSON(await handle.fetchHistory()));
  }
});
