/**
 * `Idempotency-Key`: a retried intake returns the first response and starts no second
 * workflow; a retried notice-issuing step issues one notice; a key reused for another request
 * is refused; a failed request releases its key; a start whose answer was lost registers one
 * case. Real stack.
 */
import { WithStartWorkflowOperation } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { TEST_NAMESPACE } from './support/temporal';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('idempotency-e2e');
});

afterAll(async () => {
  await stack?.stop();
});

const intake = (description: string) => ({
  channel: 'in-person',
  applicant: {
    type: 'natural-person',
    name: '卫六',
    idType: 'resident-id',
    idNumber: '110101199202021239',
    phone: '13822223333',
    address: '某市某区某路6号',
  },
  description,
  form: 'paper',
  delivery: 'post',
});

it('answers a repeated POST with the first response and starts nothing twice', async () => {
  const { app, as, database } = stack;
  const submit = (key: string, body: object) =>
    request(app).post('/api/applications').set(as('clerk')).set('Idempotency-Key', key).send(body);

  const first = await submit('intake-1', intake('2026年度危化品企业检查名单'));
  const again = await submit('intake-1', intake('2026年度危化品企业检查名单'));
  expect([first.status, again.status]).toEqual([201, 201]);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.body.caseNo).toBe(first.body.caseNo);
  expect(await database.db.selectFrom('applications').select('case_no').execute()).toEqual([{ case_no: first.body.caseNo }]);
  const runs = [];
  for await (const w of stack.env.client.workflow.list({ query: `WorkflowId = "application-${first.body.caseNo}"` })) runs.push(w.runId);
  expect(runs).toHaveLength(1);

  // The same key for another request is refused; another key is a new case.
  const reused = await submit('intake-1', intake('另一项申请内容'));
  expect(reused.status).toBe(422);
  expect(reused.body.error.code).toBe('idempotency_key_reused');

  // A notice-issuing step retried: one 补正告知书, one event.
  const caseNo: string = first.body.caseNo;
  const correction = () =>
    request(app)
      .post(`/api/applications/${caseNo}/request-correction`)
      .set(as('clerk'))
      .set('Idempotency-Key', 'correction-1')
      .send({ items: ['请明确所需信息的年份'], periodWorkingDays: 15 });
  const [c1, c2] = [await correction(), await correction()];
  expect([c1.status, c2.status]).toEqual([200, 200]);
  expect(c2.body).toEqual(c1.body);
  expect(
    await database.db.selectFrom('case_documents').select('kind').where('case_no', '=', caseNo).where('kind', '=', 'correction').execute(),
  ).toHaveLength(1);
  expect(
    await database.db
      .selectFrom('case_events')
      .select('type')
      .where('case_no', '=', caseNo)
      .where('type', '=', 'correction-requested')
      .execute(),
  ).toHaveLength(1);
  // Without a key the same step is simply refused by the workflow's rules: the key is what made the retry safe.
  expect(
    (
      await request(app)
        .post(`/api/applications/${caseNo}/request-correction`)
        .set(as('clerk'))
        .send({ items: ['x'], periodWorkingDays: 15 })
    ).status,
  ).toBe(409);
});

it('releases the key of a failed request, refuses concurrent duplicates and malformed keys', async () => {
  const { app, as, database } = stack;
  const submit = (key: string, body: object) =>
    request(app).post('/api/applications').set(as('clerk')).set('Idempotency-Key', key).send(body);
  const invalid = await submit('intake-2', { ...intake('缺少送达方式'), delivery: 'pigeon' });
  expect(invalid.status).toBe(400);
  const fixed = await submit('intake-2', intake('送达方式已更正'));
  expect(fixed.status).toBe(201); // the 400 did not pin the key

  const racing = await Promise.all([submit('intake-3', intake('并发重复提交')), submit('intake-3', intake('并发重复提交'))]);
  expect(racing.map((r) => r.status).sort()).toEqual(expect.arrayContaining([201]));
  for (const r of racing) expect([201, 409]).toContain(r.status);
  const created = await database.db.selectFrom('applications').select('case_no').where('description', '=', '并发重复提交').execute();
  expect(created).toHaveLength(1);

  const bad = await submit('key with spaces', intake('非法的键'));
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toEqual([{ field: 'Idempotency-Key', message: 'must be 1–200 printable ASCII characters' }]);
  // Keys are per caller: another user's identical key is their own.
  const other = await request(app).post('/api/disputes').set(as('admin')).set('Idempotency-Key', 'intake-1').send({});
  expect(other.status).toBe(400);
});

it('registers a case once when its start reached Temporal but the answer was lost', async () => {
  const { env, database } = stack;
  // What the SDK does when the server gives up after writing: the start lands, its answer does
  // not, and the retried call meets the workflow it has just started.
  const workflows = env.client.workflow;
  const lossy = new Proxy(workflows, {
    get(target, prop) {
      if (prop === 'executeUpdateWithStart') {
        return async (
          update: Parameters<typeof workflows.executeUpdateWithStart>[0],
          options: Parameters<typeof workflows.executeUpdateWithStart>[1],
        ) => {
          await workflows.executeUpdateWithStart(update, options);
          const { workflowTypeOrFunc, options: startOptions } = options.startWorkflowOperation;
          return workflows.executeUpdateWithStart(update, {
            startWorkflowOperation: new WithStartWorkflowOperation(workflowTypeOrFunc, startOptions),
          });
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const client = new Proxy(env.client, { get: (target, prop) => (prop === 'workflow' ? lossy : Reflect.get(target, prop, target)) });
  const app = createApp({
    db: database.db,
    temporal: client,
    namespace: TEST_NAMESPACE,
    taskQueue: 'idempotency-e2e',
    agency: TEST_AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
  });

  const res = await request(app)
    .post('/api/applications')
    .set(stack.as('clerk'))
    .set('Idempotency-Key', 'lost-answer-1')
    .send(intake('应答丢失的登记'));
  expect(res.status).toBe(201);
  expect(res.body.stage).toBe('registered');
  const created = await database.db.selectFrom('applications').select('case_no').where('description', '=', '应答丢失的登记').execute();
  expect(created).toEqual([{ case_no: res.body.caseNo }]);

  // A workflow under the number that this request did not start is still a conflict.
  const [, series, n] = /^(.*-)(\d{6})$/.exec(res.body.caseNo)!; // demo-2026-000001 → the next number of the series
  const next = `${series}${String(Number(n) + 1).padStart(6, '0')}`;
  await env.client.workflow.start('application', { workflowId: `application-${next}`, taskQueue: 'nobody-polls-this', args: [] });
  const collided = await request(app).post('/api/applications').set(stack.as('clerk')).send(intake('编号被占用的登记'));
  expect(collided.status).toBe(409);
  expect(collided.body.error.message).toBe(`case ${next} already exists`);
  await env.client.workflow.getHandle(`application-${next}`).terminate('test done');
});

it('takes a retried step once even when the key’s record is gone: the retry is the same Temporal update', async () => {
  const { app, as, database } = stack;
  const created = await request(app).post('/api/applications').set(as('clerk')).send(intake('重复的交办请求'));
  expect(created.status).toBe(201);
  const caseNo: string = created.body.caseNo;
  expect((await request(app).post(`/api/applications/${caseNo}/accept`).set(as('clerk')).send({})).status).toBe(200);
  const assign = (key: string) =>
    request(app)
      .post(`/api/applications/${caseNo}/assign`)
      .set(as('clerk'))
      .set('Idempotency-Key', key)
      .send({ departmentCode: 'yjglk', assignee: 'department' });
  const assignedEvents = async () =>
    (
      await database.db
        .selectFrom('case_events')
        .select('type')
        .where('case_no', '=', caseNo)
        .where('type', 'in', ['assigned', 'reassigned'])
        .execute()
    ).length;

  expect((await assign('assign-1')).status).toBe(200);
  // The key's record lost (its claim expired mid-outage, or PostgreSQL never stored the answer):
  await database.db.deleteFrom('idempotency_keys').where('key', '=', 'assign-1').execute();
  const retried = await assign('assign-1');
  expect(retried.status).toBe(200);
  expect(retried.headers['idempotent-replayed']).toBeUndefined(); // the API ran it again …
  expect(await assignedEvents()).toBe(1); // … and Temporal took it once

  // Another key is another request: assigning again is a reassignment, recorded.
  expect((await assign('assign-2')).status).toBe(200);
  expect(await assignedEvents()).toBe(2);
});
