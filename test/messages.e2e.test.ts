/**
 * Citizen messages through the HTTP API against the real Temporal dev server and real
 * PostgreSQL: validation naming the field, roles, 404/409, the list filters, and the writer's
 * confidentiality (seed 004 第七条): no response seen by a user of the department complained
 * about carries the writer's identity.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;
let app: ApiStack['app'];
let as: ApiStack['as'];

beforeAll(async () => {
  stack = await startApiStack('messages-e2e');
  ({ app, as } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const WRITER = { name: '钱七', phone: '13712345678', email: 'qian7@example.cn', address: '毕节市七星关区某街3号' };
const COMPLAINT = {
  type: 'complaint',
  channel: 'hotline',
  subject: '执法人员态度恶劣',
  content: '应急管理科执法人员检查时态度恶劣',
  complainedDepartmentCode: 'yjglk', // the demo department user belongs to yjglk
  writer: WRITER,
  ruleProfileId: 'bijie-004',
};
const post = (id: string, action: string, user: string, body: object = {}) =>
  request(app).post(`/api/messages/${id}/${action}`).set(as(user)).send(body);

/** Nothing identifying the writer, anywhere in a response body. */
function expectNoWriter(body: unknown): void {
  const text = JSON.stringify(body);
  for (const value of Object.values(WRITER)) expect(text).not.toContain(value);
}

it('validates intake naming the field, refuses other roles, and needs a profile with message limits', async () => {
  const bad = await request(app)
    .post('/api/messages')
    .set(as('clerk'))
    .send({ ...COMPLAINT, type: 'gossip' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].field).toBe('type');
  const noWriter = await request(app)
    .post('/api/messages')
    .set(as('clerk'))
    .send({ ...COMPLAINT, writer: { phone: '123' } });
  expect(noWriter.body.error.details.map((d: { field: string }) => d.field)).toEqual(
    expect.arrayContaining(['writer.name', 'writer.phone']),
  );
  const national = await request(app)
    .post('/api/messages')
    .set(as('clerk'))
    .send({ ...COMPLAINT, ruleProfileId: 'national-2019' });
  expect(national.status).toBe(400);
  expect(national.body.error.details[0]).toMatchObject({ field: 'ruleProfileId', message: expect.stringContaining('bijie-004') });
  expect((await request(app).post('/api/messages').set(as('department')).send(COMPLAINT)).status).toBe(403);
  expect((await request(app).get('/api/messages/2026-999999').set(as('clerk'))).status).toBe(404);
  expect((await request(app).get('/api/messages/abc').set(as('clerk'))).body.error.details[0].field).toBe('id');
});

it('the department complained about never sees who wrote; the clerk does; the limit and transfers work through the API', async () => {
  const created = await request(app).post('/api/messages').set(as('clerk')).send(COMPLAINT);
  expect(created.status).toBe(201);
  const { id } = created.body;
  expect(created.body.writer).toEqual({ ...WRITER });
  expect(created.body.clock).toMatchObject({ status: 'running', totalWorkingDays: 5, rule: 'citizenMessages.limits.complaint' });

  // The department complained about is not assigned the complaint, so it neither opens nor lists it.
  const seenByComplained = await request(app).get(`/api/messages/${id}`).set(as('department'));
  expect(seenByComplained.status).toBe(404);
  expectNoWriter(seenByComplained.body);
  const listByComplained = await request(app).get('/api/messages?type=complaint').set(as('department'));
  expect(listByComplained.body.items.find((i: { id: string }) => i.id === id)).toBeUndefined();
  expectNoWriter(listByComplained.body);

  const toComplained = await post(id, 'assign', 'clerk', { departmentCode: 'yjglk' });
  expect(toComplained.status).toBe(409);
  expect(toComplained.body.error.message).toContain('不得将检举、控告类信件转至被检举、控告单位');
  const notTheirs = await post(id, 'reply', 'department', { text: 'x' });
  expect(notTheirs.status).toBe(403);
  expectNoWriter(notTheirs.body);
  expect((await post(id, 'assign', 'clerk', { departmentCode: 'xxzx' })).status).toBe(200);
  expect((await post(id, 'transfer', 'department', { departmentCode: 'dcs', reason: 'x' })).status).toBe(403);
  const transferred = await post(id, 'transfer', 'clerk', { departmentCode: 'dcs', reason: '属督查室职责' });
  expect(transferred.body.message.transfers).toHaveLength(1);
  expect((await post(id, 'extend', 'clerk', { toWorkingDays: 7, reason: 'x' })).status).toBe(403);
  const extended = await post(id, 'extend', 'leader', { toWorkingDays: 7, reason: '需现场核实' });
  expect(extended.body.clock).toMatchObject({ totalWorkingDays: 7 });
  const replied = await post(id, 'reply', 'clerk', { text: '已核实并批评教育相关人员' });
  expect(replied.body).toMatchObject({ stage: 'replied', overdue: false });
  expect(replied.body.clock.due).toBe(extended.body.clock.due);

  const after = await request(app).get(`/api/messages/${id}`).set(as('department'));
  expect(after.status).toBe(404);
  expectNoWriter(after.body);
  expect((await request(app).get(`/api/messages/${id}`).set(as('supervisor'))).body.writer.name).toBe(WRITER.name);
  expect(
    (await request(app).get('/api/messages?state=replied&overdue=false').set(as('clerk'))).body.items.map((i: { id: string }) => i.id),
  ).toContain(id);
  expect((await request(app).get('/api/messages?overdue=maybe').set(as('clerk'))).body.error.details[0].field).toBe('overdue');
  expect((await post(id, 'close', 'clerk')).body.status).toBe('closed');
  const again = await post(id, 'reply', 'clerk', { text: '补充回复' });
  expect(again.status).toBe(409);
  expect(again.body.error.message).toContain('已办结');

  // Writes test/histories/message-complaint-closed.json with UPDATE_HISTORIES=1; test/replay.test.ts replays it.
  const handle = stack.env.client.workflow.getHandle(`message-${id}`);
  await handle.result();
  if (process.env.UPDATE_HISTORIES === '1') {
    fs.writeFileSync(path.join(__dirname, 'histories', 'message-complaint-closed.json'), historyToJSON(await handle.fetchHistory()));
  }
});

it('a confidential writer is withheld from every department user, even one not complained about', async () => {
  const created = await request(app)
    .post('/api/messages')
    .set(as('clerk'))
    .send({ ...COMPLAINT, type: 'help', complainedDepartmentCode: undefined, confidential: true });
  expect(created.status).toBe(201);
  await post(created.body.id, 'assign', 'clerk', { departmentCode: 'yjglk' });
  const seen = await request(app).get(`/api/messages/${created.body.id}`).set(as('department'));
  expect(seen.body.writerWithheld).toBe(true);
  expectNoWriter(seen.body);
  const replied = await post(created.body.id, 'reply', 'department', { text: '已协调解决' });
  expect(replied.status).toBe(200);
  expectNoWriter(replied.body);
});
