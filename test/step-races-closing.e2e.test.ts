/**
 * A step that races with the case closing: the API read the case as open, but its workflow
 * completed before the step reached it. Every kind answers 409 with the reason, never a 500.
 * The race is made certain by terminating the workflow behind the projection's back. And a
 * step Temporal does not answer is a 503 the client may retry, never a 500.
 */
import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
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
