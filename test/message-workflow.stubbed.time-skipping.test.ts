/**
 * The citizen-message workflow alone: real time-skipping Temporal, the real clock derivation on
 * the published calendar, and persistence stubbed in memory (no PostgreSQL). What it shows is
 * the workflow's own contract with its activities: one recorded event per step, numbered
 * without gaps; a refused step records nothing; a recording that fails is retried and lands
 * once; a missed limit is recorded once, with its accountability entry, however long the case
 * then waits.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createApplicationActivities } from '../activities/application';
import type { CalendarStore } from '../db/repositories/calendar';
import { composeCalendarData, WorkingDayCalendar } from '../domain/calendar/working-days';
import { PUBLISHED_CALENDAR, PUBLISHED_SOURCE } from '../domain/calendar/published';
import { shanghaiDateOf } from '../domain/calendar/dates';
import type { Actor, RecordedEvent } from '../domain/case';
import type { MessageState } from '../domain/messages/types';
import { findRuleProfile } from '../domain/rulesets';
import { ruleProfileRef } from '../workflows/runtime/profile';
import { message } from '../workflows/message';
import * as m from '../workflows/message-messages';
import { startTimeSkippingServer } from './support/temporal';
import { addWorkingDays } from './support/hand-calendar';

const TASK_QUEUE = 'message-workflow-stubbed';
const calendar = new WorkingDayCalendar(composeCalendarData({ version: PUBLISHED_SOURCE, published: PUBLISHED_CALENDAR }));

/** What the workflow asked to persist, per workflow: the event log as a projection would keep it. */
const recorded = new Map<string, Array<{ event: RecordedEvent; stage: string }>>();
/** Workflows whose next recording fails once (a database that is briefly away). */
const failNextRecording = new Set<string>();
let recordingCalls = 0;

const recordMessageEvent = async (input: { workflowId: string; event: RecordedEvent; state: MessageState }): Promise<void> => {
  recordingCalls += 1;
  if (failNextRecording.delete(input.workflowId)) throw new Error('database unavailable');
  const log = recorded.get(input.workflowId) ?? [];
  // Idempotent by seq, as appendCaseEvent is.
  if (!log.some((r) => r.event.seq === input.event.seq)) log.push({ event: input.event, stage: input.state.stage });
  recorded.set(input.workflowId, log);
};

const actor = (username: string, role: Actor['role'], departmentCode = 'gkb'): Actor => ({
  userId: `id-${username}`,
  username,
  displayName: username,
  role,
  departmentCode,
});
const clerk = actor('clerk', 'clerk');
const department = actor('department', 'department', 'yjglk');

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await startTimeSkippingServer();
  const { deriveClocks } = createApplicationActivities({
    db: undefined as never, // deriving clocks reads only the calendar
    calendar: { current: async () => calendar } as unknown as CalendarStore,
    agency: { code: 'demo', name: '示例市', shortName: '示例', defaultRuleProfileId: 'bijie-004' },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: { deriveClocks, recordMessageEvent },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

let counter = 0;
async function start(type: 'complaint' | 'hard-case') {
  counter += 1;
  const id = `2026-${String(700000 + counter).padStart(6, '0')}`;
  const receivedOn = shanghaiDateOf(await env.currentTimeMs());
  const handle = await env.client.workflow.start(message, {
    workflowId: `message-${id}`,
    taskQueue: TASK_QUEUE,
    args: [
      {
        id,
        agencyCode: 'demo',
        ruleProfile: ruleProfileRef(findRuleProfile('bijie-004')!),
        intake: { type, channel: 'mailbox', subject: '景区门票', content: '节假日违规涨价', receivedOn, confidential: false },
        writer: { name: '赵六', phone: '13900000000' },
        registeredBy: clerk,
      },
    ],
  });
  await handle.executeUpdate(m.awaitMessageRegistrationUpdate);
  return { handle, workflowId: `message-${id}`, receivedOn };
}

const log = (workflowId: string) => recorded.get(workflowId) ?? [];

it('records one event per step, numbered without gaps; a refused step records nothing; a failed recording is retried and lands once', async () => {
  const { handle, workflowId, receivedOn } = await start('complaint');
  expect(log(workflowId).map((r) => [r.event.seq, r.event.type])).toEqual([[1, 'registered']]);
  expect(log(workflowId)[0]!.event.payload).toMatchObject({ due: addWorkingDays(receivedOn, 5) });

  // Closing before a reply is refused by the step's check: no event.
  await expect(handle.executeUpdate(m.closeMessageUpdate, { args: [{ actor: clerk }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  expect(log(workflowId)).toHaveLength(1);

  const before = recordingCalls;
  failNextRecording.add(workflowId);
  expect(await handle.executeUpdate(m.assignMessageUpdate, { args: [{ actor: clerk, departmentCode: 'yjglk' }] })).toEqual({
    seq: 2,
    stage: 'assigned',
  });
  expect(recordingCalls - before).toBe(2); // the failure, then the retry

  await handle.executeUpdate(m.replyMessageUpdate, { args: [{ actor: department, text: '已责成景区退还多收费用' }] });
  await handle.executeUpdate(m.closeMessageUpdate, { args: [{ actor: clerk }] });
  const final = await handle.result();

  expect(log(workflowId).map((r) => [r.event.seq, r.event.type, r.stage])).toEqual([
    [1, 'registered', 'registered'],
    [2, 'assigned', 'assigned'],
    [3, 'replied', 'replied'],
    [4, 'closed', 'closed'],
  ]);
  expect(final).toMatchObject({ closed: true, seq: 4, clock: { closed: true, derived: { status: 'stopped' } } });
});

it('a missed limit is recorded once with its accountability entry, however long the case then waits', async () => {
  const { handle, workflowId, receivedOn } = await start('hard-case');
  await handle.executeUpdate(m.assignMessageUpdate, { args: [{ actor: clerk, departmentCode: 'yjglk', assignee: 'department' }] });
  const due = addWorkingDays(receivedOn, 15);

  // Past the limit, and then a month more.
  await env.sleep(Date.parse(`${due}T16:00:00Z`) + 60_000 - (await env.currentTimeMs()));
  await env.sleep('30 days');

  const types = log(workflowId).map((r) => r.event.type);
  expect(types.filter((t) => t === 'clock-overdue')).toHaveLength(1);
  expect(types.filter((t) => t === 'clock-reminder')).toHaveLength(1); // the working day before
  expect(log(workflowId).map((r) => r.event.seq)).toEqual(types.map((_, i) => i + 1));
  const state = await handle.query(m.messageStateQuery);
  expect(state.accountability).toEqual([
    expect.objectContaining({ clockId: 'reply', responsible: 'yjglk', responsiblePerson: 'department', satisfiedAt: null }),
  ]);
  expect(state.clock.dueAt).toBe(new Date(`${due}T16:00:00.000Z`).toISOString());

  // Replying late satisfies the entry with the minutes late; nothing else is recorded twice.
  await handle.executeUpdate(m.replyMessageUpdate, { args: [{ actor: department, text: '已答复' }] });
  const replied = await handle.query(m.messageStateQuery);
  expect(replied.accountability[0]!.satisfiedAt).not.toBeNull();
  expect(replied.accountability[0]!.lateMinutes).toBeGreaterThan(30 * 24 * 60);
  await handle.terminate('test done');
});
