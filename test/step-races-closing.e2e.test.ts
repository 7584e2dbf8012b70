/**
 * A step that races with the case closing: the API read the case as open, but its workflow
 * completed before the step reached it. Every kind answers 409 with the reason, never a 500.
 * The race is made certain by terminating the workflow behind the projection's back.
 */
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';
import { type NewCase, newApplication, newDispute, newDocument, newIncident, newMessage } from './support/case-fixtures';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('step-races-closing');
});

afterAll(async () => {
  await stack?.stop();
});

const KINDS: Array<{ kind: string; open: (stack: ApiStack) => Promise<NewCase>; step: { path: (id: string) => string; user: string; body: object } }> = [
  { kind: 'application', open: newApplication, step: { path: (id) => `/api/applications/${id}/accept`, user: 'clerk', body: {} } },
  { kind: 'dispute', open: newDispute, step: { path: (id) => `/api/disputes/${id}/submit-defence`, user: 'clerk', body: { summary: '答辩意见' } } },
  { kind: 'document', open: newDocument, step: { path: (id) => `/api/documents/${id}/verify`, user: 'clerk', body: {} } },
  { kind: 'incident', open: newIncident, step: { path: (id) => `/api/incidents/${id}/assign`, user: 'clerk', body: { departmentCode: 'yjglk' } } },
  { kind: 'message', open: newMessage, step: { path: (id) => `/api/messages/${id}/assign`, user: 'clerk', body: { departmentCode: 'xxzx' } } },
];

it.each(KINDS)('$kind: a step reaching a completed workflow is a 409 with the reason, not a 500', async ({ open, step }) => {
  const { id, workflowId } = await open(stack);
  await stack.env.client.workflow.getHandle(workflowId).terminate('closed while a step was on its way');
  const res = await request(stack.app).post(step.path(id)).set(stack.as(step.user)).send(step.body);
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
  expect(res.body.error.message).toMatch(/办结|已/);
});
