/**
 * A step that races with the case closing: the API read the case as open, but its workflow
 * completed before the step reached it. Every kind answers 409 with the reason, never a 500.
 * The race is made certain by terminating the workflow behind the projection's back. And a
 * step Temporal does not answer is a 503 the client may retry, never a 500, within the step
 * deadline (GONGKAI_STEP_DEADLINE_MS), with its Idempotency-Key released.
 */
import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../api/app';
import { DEFAULT_STEP_DEADLINE_MS, stepDeadlineMs } from '../api/workflow-steps';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { type NewCase, newApplication, newDispute, newDocument, newIncident, newMessage } from './support/case-fixtures';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('step-races-closing');
});

afterAll(async () => {
  await stack?.stop();
});

const KINDS: Array<{
  kind: string;
  open: (stack: ApiStack) => Promise<NewCase>;
  step: { path: (id: string) => string; user: string; body: object };
}> = [
  { kind: 'application', open: newApplication, step: { path: (id) => `/api/applications/${id}/accept`, user: 'clerk', body: {} } },
  {
    kind: 'dispute',
    open: newDispute,
    step: { path: (id) => `/api/disputes/${id}/submit-defence`, user: 'clerk', body: { summary: '答辩意见' } },
  },
  { kind: 'document', open: newDocument, step: { path: (id) => `/api/documents/${id}/verify`, user: 'clerk', body: {} } },
  {
    kind: 'incident',
    open: newIncident,
    step: { path: (id) => `/api/incidents/${id}/assign`, user: 'clerk', body: { departmentCode: 'yjglk' } },
  },
  {
    kind: 'message',
    open: newMessage,
    step: { path: (id) => `/api/messages/${id}/assign`, user: 'clerk', body: { departmentCode: 'xxzx' } },
  },
];

it.each(KINDS)('$kind: a step reaching a completed workflow is a 409 with the reason, not a 500', async ({ open, step }) => {
  const { id, workflowId } = await open(stack);
  await stack.env.client.workflow.getHandle(workflowId).terminate('closed while a step was on its way');
  const res = await request(stack.app).post(step.path(id)).set(stack.as(step.user)).send(step.body);
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
  expect(res.body.error.message).toMatch(/办结|已/);
});

it('a step Temporal cannot answer (unreachable, overloaded) is a 503 with Retry-After, not a 500', async () => {
  const { id } = await newApplication(stack);
  // The same database, and a Temporal address where nothing listens any more.
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const connection = await Connection.lazy({ address: `127.0.0.1:${port}` });
  const unreachable = new Client({ connection, namespace: 'gongkai' });
  const app = createApp({
    db: stack.database.db,
    temporal: unreachable,
    namespace: 'gongkai',
    taskQueue: 'step-races-closing',
    agency: TEST_AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
  });
  try {
    const res = await request(app).post(`/api/applications/${id}/accept`).set(stack.as('clerk')).send({});
    expect({ status: res.status, code: res.body.error?.code, retryAfter: res.headers['retry-after'] }).toEqual({
      status: 503,
      code: 'temporal_unavailable',
      retryAfter: '5',
    });
  } finally {
    await connection.close();
  }
}, 120_000);

it('the step deadline is GONGKAI_STEP_DEADLINE_MS, 60 s unset, and a value that is no positive whole number is refused', () => {
  expect(DEFAULT_STEP_DEADLINE_MS).toBe(60_000);
  expect(stepDeadlineMs({})).toBe(60_000);
  expect(stepDeadlineMs({ GONGKAI_STEP_DEADLINE_MS: '' })).toBe(60_000);
  expect(stepDeadlineMs({ GONGKAI_STEP_DEADLINE_MS: '15000' })).toBe(15_000);
  for (const bad of ['0', '-1', '1.5', '10s'])
    expect(() => stepDeadlineMs({ GONGKAI_STEP_DEADLINE_MS: bad })).toThrow(/GONGKAI_STEP_DEADLINE_MS/);
});

describe('a Temporal that accepts the connection and never answers (a server restarting, its store gone)', () => {
  const DEADLINE_MS = 2_000;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let connection: Connection;
  let app: Express;
  let savedDeadline: string | undefined;

  beforeAll(async () => {
    savedDeadline = process.env.GONGKAI_STEP_DEADLINE_MS;
    process.env.GONGKAI_STEP_DEADLINE_MS = String(DEADLINE_MS);
    // Reads whatever the client sends and never writes a byte back.
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    connection = await Connection.lazy({ address: `127.0.0.1:${port}` });
    app = createApp({
      db: stack.database.db,
      temporal: new Client({ connection, namespace: 'gongkai' }),
      namespace: 'gongkai',
      taskQueue: 'step-races-closing',
      agency: TEST_AGENCY,
      rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    });
  });

  afterAll(async () => {
    if (savedDeadline === undefined) delete process.env.GONGKAI_STEP_DEADLINE_MS;
    else process.env.GONGKAI_STEP_DEADLINE_MS = savedDeadline;
    await connection?.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('a step is a 503 with Retry-After within the step deadline, and its Idempotency-Key is released', async () => {
    const { id } = await newApplication(stack);
    const key = `silent-temporal-${id}`;
    const started = Date.now();
    const res = await request(app).post(`/api/applications/${id}/accept`).set(stack.as('clerk')).set('Idempotency-Key', key).send({});
    const elapsed = Date.now() - started;
    expect({ status: res.status, code: res.body.error?.code, retryAfter: res.headers['retry-after'] }).toEqual({
      status: 503,
      code: 'temporal_unavailable',
      retryAfter: '5',
    });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 3_000);
    // The 503 is not the key's answer: the retry, to a Temporal that answers, takes the step
    // (not a 409 "still in progress", not the 503 replayed), and that answer is kept.
    const retry = await request(stack.app)
      .post(`/api/applications/${id}/accept`)
      .set(stack.as('clerk'))
      .set('Idempotency-Key', key)
      .send({});
    expect({ status: retry.status, error: retry.body.error, replayed: retry.headers['idempotent-replayed'] }).toEqual({
      status: 200,
      error: undefined,
      replayed: undefined,
    });
    const replay = await request(stack.app)
      .post(`/api/applications/${id}/accept`)
      .set(stack.as('clerk'))
      .set('Idempotency-Key', key)
      .send({});
    expect({ status: replay.status, replayed: replay.headers['idempotent-replayed'] }).toEqual({ status: 200, replayed: 'true' });
  }, 60_000);

  it('a new case is a 503 within two step deadlines (the start, then the in-doubt lookup)', async () => {
    const started = Date.now();
    const res = await request(app)
      .post('/api/applications')
      .set(stack.as('clerk'))
      .send({
        channel: 'in-person',
        applicant: {
          type: 'natural-person',
          name: '孙八',
          idType: 'resident-id',
          idNumber: '110101199003071233',
          phone: '13800000001',
          address: '某市某区某路8号',
        },
        description: '2026年度安全生产执法检查计划',
        form: 'paper',
        delivery: 'post',
      });
    const elapsed = Date.now() - started;
    expect({ status: res.status, code: res.body.error?.code, retryAfter: res.headers['retry-after'] }).toEqual({
      status: 503,
      code: 'temporal_unavailable',
      retryAfter: '5',
    });
    expect(res.body.error.message).toMatch(/may or may not have been registered/);
    expect(elapsed).toBeLessThan(2 * DEADLINE_MS + 3_000);
  }, 60_000);
});
