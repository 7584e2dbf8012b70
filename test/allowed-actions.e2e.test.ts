/**
 * Each case view says which steps its user may take now (`allowedActions`): what the stage
 * and state allow, narrowed by the step's roles and own-department rule. The console offers
 * only these (console.browser.test.ts checks the buttons against them).
 */
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';
import { newApplication, newDispute, newDocument, newIncident, newMessage } from './support/case-fixtures';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('allowed-actions');
});

afterAll(async () => {
  await stack?.stop();
});

const allowed = async (path: string, user: string): Promise<string[]> => {
  const res = await request(stack.app).get(path).set(stack.as(user));
  expect(res.status).toBe(200);
  return res.body.allowedActions;
};
const step = (path: string, user: string, body: object = {}) => request(stack.app).post(path).set(stack.as(user)).send(body).expect(200);

it('an application: registered, then accepted; each role sees its own steps', async () => {
  const { path } = await newApplication(stack);
  // record-notice-delivery: the receipt notice's delivery is not recorded yet.
  expect((await allowed(path, 'clerk')).sort()).toEqual(
    ['accept', 'record-notice-delivery', 'request-correction', 'request-extension', 'request-reasons', 'withdraw'].sort(),
  );
  expect(await allowed(path, 'leader')).toEqual([]); // nothing to approve yet
  expect(await allowed(path, 'supervisor')).toEqual([]);
  await step(`${path}/accept`, 'clerk');
  const clerk = await allowed(path, 'clerk');
  expect(clerk).toEqual(
    expect.arrayContaining(['assign', 'start-consultation', 'suspend', 'issue-fee-notice', 'request-extension', 'withdraw']),
  );
  expect(clerk).not.toContain('accept');
  expect(clerk).not.toContain('decide'); // no proposal, no secrecy review yet
  await step(`${path}/request-extension`, 'clerk', { workingDays: 10, reason: '需要调取档案' });
  expect(await allowed(path, 'leader')).toEqual(['approve-extension']);
  await step(`${path}/assign`, 'clerk', { departmentCode: 'yjglk' });
  expect(await allowed(path, 'department')).toEqual(['propose']); // the demo department user is in yjglk
});

it('a document, an incident, a message and a dispute narrow their steps the same way', async () => {
  const document = await newDocument(stack);
  expect((await allowed(document.path, 'clerk')).sort()).toEqual(['return', 'verify']);
  expect(await allowed(document.path, 'reviewer')).toEqual([]); // not yet in secrecy review
  await step(`${document.path}/verify`, 'clerk');
  expect(await allowed(document.path, 'reviewer')).toEqual(['review-secrecy']);
  expect(await allowed(document.path, 'clerk')).not.toContain('verify');

  const incident = await newIncident(stack);
  const fresh = await allowed(incident.path, 'clerk');
  expect(fresh).toEqual(expect.arrayContaining(['assign', 'regrade', 'report']));
  expect(fresh).not.toContain('release'); // nothing approved yet
  expect(fresh).not.toContain('close');

  const message = await newMessage(stack);
  expect((await allowed(message.path, 'clerk')).sort()).toEqual(['assign']);
  expect(await allowed(message.path, 'leader')).toEqual(['extend']);
  await step(`${message.path}/assign`, 'clerk', { departmentCode: 'yjglk' });
  expect((await allowed(message.path, 'department')).sort()).toEqual(['reply', 'transfer']);

  const dispute = await newDispute(stack);
  const steps = await allowed(dispute.path, 'clerk');
  expect(steps).not.toContain('forward'); // forwarded at filing (a department was named)
  expect(steps).not.toContain('record-enforcement'); // no result to enforce
  expect(steps).toEqual(expect.arrayContaining(['submit-defence', 'withdraw']));
});
