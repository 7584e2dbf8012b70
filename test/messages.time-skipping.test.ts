/**
 * Citizen messages on the real time-skipping server with real activities on real PostgreSQL:
 * a complaint transferred once and answered within its 5 WD, never sent to the department it
 * complains about; a hard case extended from 15 to 30 WD and escalated only when the 30 WD
 * run out, with an accountability record.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { createActivities } from '../activities';
import { shanghaiDateOf } from '../domain/calendar/dates';
import type { MessageIntake } from '../domain/messages/types';
import { findRuleProfile } from '../domain/rulesets';
import { message } from '../workflows/message';
import * as m from '../workflows/message-messages';
import { type Actors, demoActors } from './support/application-harness';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTimeSkippingServer } from './support/temporal';
import { addWorkingDays } from './support/hand-calendar';
import type { StepResult } from '../workflows/runtime/case-runtime';
import { registeredState, stepThenRead } from './support/case-steps';

const TASK_QUEUE = 'messages-time-skipping';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let actors: Actors;

beforeAll(async () => {
  [env, database] = await Promise.all([startTimeSkippingServer(), createTestDatabase()]);
  actors = await demoActors(database.db);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({
      db: database.db,
      agency: { code: 'demo', name: '示例市文化广电旅游局', shortName: '示例文旅', defaultRuleProfileId: 'bijie-004' },
    }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await database?.drop();
});

const today = async () => shanghaiDateOf(await env.currentTimeMs());
let counter = 0;
async function start(intake: Partial<MessageIntake> & Pick<MessageIntake, 'type'>) {
  counter += 1;
  const id = `2026-${String(200000 + counter * 41 + Math.floor(Math.random() * 40)).padStart(6, '0')}`;
  const handle = await env.client.workflow.start(message, {
    workflowId: `message-${id}`,
    taskQueue: TASK_QUEUE,
    args: [
      {
        id,
        agencyCode: 'demo',
        profile: findRuleProfile('bijie-004')!,
        intake: {
          channel: 'mailbox',
          subject: '景区门票收费问题',
          content: '某景区节假日违规涨价',
          receivedOn: await today(),
          confidential: true,
          ...intake,
        },
        writer: { name: '赵六', phone: '13900000000', address: '毕节市七星关区某路2号' },
        registeredBy: actors.clerk,
      },
    ],
  });
  const state = await registeredState(handle, m.awaitMessageRegistrationUpdate, m.messageStateQuery);
  return { handle, state };
}

const act = <P>(handle: WorkflowHandle, update: UpdateDefinition<StepResult, [P]>, payload: P) =>
  stepThenRead(handle, update, payload, m.messageStateQuery);

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return (error as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('the step was not refused');
}

async function sleepUntil(instant: string, deltaMs = 0): Promise<void> {
  const target = Date.parse(instant) + deltaMs;
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

const eventTypes = async (id: string) =>
  (await database.db.selectFrom('message_events').select('type').where('message_id', '=', id).orderBy('seq').execute()).map((r) => r.type);
const records = (id: string) =>
  database.db.selectFrom('accountability_records').selectAll().where('case_kind', '=', 'message').where('case_id', '=', id).execute();

it('a complaint transferred once is answered within its 5 WD; it never goes to the department complained about', async () => {
  const received = await today();
  const { handle, state } = await start({ type: 'complaint', complainedDepartmentCode: 'bmk' });
  expect(state.clock.derived).toMatchObject({ status: 'running', due: addWorkingDays(received, 5), totalWorkingDays: 5 });
  expect(state.clock.derived!.steps[0]!.explanation).toContain('起算5个工作日');

  expect(await refused(act(handle, m.assignMessageUpdate, { actor: actors.clerk, departmentCode: 'bmk' }))).toContain(
    '不得将检举、控告类信件转至被检举、控告单位',
  );
  await act(handle, m.assignMessageUpdate, { actor: actors.clerk, departmentCode: 'xxzx' });
  expect(await refused(act(handle, m.transferMessageUpdate, { actor: actors.clerk, departmentCode: 'bmk', reason: '职责调整' }))).toContain(
    '被检举、控告单位',
  );
  const transferred = await act(handle, m.transferMessageUpdate, {
    actor: actors.clerk,
    departmentCode: 'yjglk',
    reason: '属应急管理科职责',
  });
  expect(transferred.transfers).toEqual([expect.objectContaining({ from: 'xxzx', to: 'yjglk' })]);
  expect(transferred.clock.derived!.due).toBe(state.clock.derived!.due); // a transfer does not restart the limit

  await env.sleep('2 days');
  const replied = await act(handle, m.replyMessageUpdate, { actor: actors.department, text: '经核查，已责成景区退还多收费用' });
  expect(replied.clock.derived!.status).toBe('stopped');
  await act(handle, m.closeMessageUpdate, { actor: actors.clerk });
  expect(await handle.result()).toMatchObject({ closed: true, stage: 'closed' });
  expect(await eventTypes(state.id)).toEqual(['registered', 'assigned', 'transferred', 'replied', 'closed']);
  expect(await records(state.id)).toEqual([]);

  // The writer's identity never reaches the event log or the stored state.
  const row = await database.db
    .selectFrom('citizen_messages')
    .select(['state', 'writer_name', 'reply_due', 'overdue'])
    .where('id', '=', state.id)
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({ writer_name: '赵六', reply_due: addWorkingDays(received, 5), overdue: false });
  expect(JSON.stringify(row.state)).not.toContain('赵六');
  const payloads = await database.db.selectFrom('message_events').select('payload').where('message_id', '=', state.id).execute();
  expect(JSON.stringify(payloads)).not.toContain('13900000000');
});

it('a hard case extended from 15 to 30 WD: no escalation at 15, reminder the day before 30, overdue and accountable after', async () => {
  const received = await today();
  const { handle, state } = await start({ type: 'hard-case' });
  const due15 = addWorkingDays(received, 15);
  expect(state.clock.derived!.due).toBe(due15);
  await act(handle, m.assignMessageUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  expect(await refused(act(handle, m.extendMessageUpdate, { actor: actors.leader, toWorkingDays: 31, reason: '涉及多部门' }))).toContain(
    '最长为30个工作日',
  );
  const extended = await act(handle, m.extendMessageUpdate, { actor: actors.leader, toWorkingDays: 30, reason: '涉及多部门协调' });
  const due30 = addWorkingDays(received, 30);
  expect(extended.clock.derived).toMatchObject({ due: due30, totalWorkingDays: 30 });
  expect(extended.clock.derived!.steps.at(-1)!.explanation).toContain(`原期限${due15}`);
  expect(await refused(act(handle, m.extendMessageUpdate, { actor: actors.leader, toWorkingDays: 30, reason: '再延' }))).toContain(
    '只能延长一次',
  );

  await sleepUntil(extended.clock.dueAt!, -60_000);
  expect(await eventTypes(state.id)).toEqual(['registered', 'assigned', 'extended', 'clock-reminder']);
  await sleepUntil(extended.clock.dueAt!, 60_000);
  await handle.query(m.messageStateQuery);
  expect((await eventTypes(state.id)).at(-1)).toBe('clock-overdue');
  expect(await records(state.id)).toEqual([
    expect.objectContaining({ clock_id: 'reply', responsible: 'yjglk', responsible_person: 'department', satisfied_at: null }),
  ]);

  await env.sleep('3 hours');
  await act(handle, m.replyMessageUpdate, { actor: actors.department, text: '经多部门协调，问题已解决' });
  const [record] = await records(state.id);
  expect(record!.late_minutes).toBeGreaterThanOrEqual(180);
  expect(record!.satisfied_at).not.toBeNull();
  await handle.terminate('test done');
});

it('a policy question has 3 WD and cannot be extended', async () => {
  const received = await today();
  const { handle, state } = await start({ type: 'policy-question', confidential: false });
  expect(state.clock.derived!.due).toBe(addWorkingDays(received, 3));
  expect(await refused(act(handle, m.extendMessageUpdate, { actor: actors.leader, toWorkingDays: 5, reason: 'x' }))).toContain('不能延长');
  await handle.terminate('test done');
});
