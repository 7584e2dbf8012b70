/**
 * Smoke test on the real Temporal dev server (`temporal server start-dev`): the namespace
 * and Gongkai's search attributes are registered, and a deadline workflow runs end to end.
 */
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { SEARCH_ATTRIBUTES } from '../temporal-config/search-attributes';
import { completeDeadlineSignal } from '../workflows/deadline-messages';
import { workingDayDeadline } from '../workflows/deadline';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startDevServer, TEST_NAMESPACE } from './support/temporal';

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
});

afterAll(async () => {
  await env?.teardown();
  await database?.drop();
});

it('registers the gongkai namespace and search attributes', async () => {
  const response = await env.connection.operatorService.listSearchAttributes({ namespace: TEST_NAMESPACE });
  const registered = Object.keys(response.customAttributes ?? {});
  expect(registered).toEqual(expect.arrayContaining(SEARCH_ATTRIBUTES.map((key) => key.name)));
});

it('completes a deadline on time when signalled before it is due', async () => {
  const taskQueue = 'deadline-dev-server';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: TEST_NAMESPACE,
    taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db: database.db, temporal: env.client }),
  });
  const workflowId = 'deadline-dev-server-1';
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(workingDayDeadline, {
      workflowId,
      taskQueue,
      args: [{ title: '登记', from: shanghaiDateOf(Date.now()), workingDays: 1 }],
    });
    await handle.signal(completeDeadlineSignal, { by: 'clerk' });
    return handle.result();
  });
  expect(result).toMatchObject({ state: 'completed-on-time', completedBy: 'clerk', calendarVersion: 'chinese-days@1.5.7' });
  expect(Date.parse(result.completedAt!)).toBeLessThan(Date.parse(result.dueAt!));

  // The server kept the history an admin would replay: the calendar answer and the signal are in it.
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const eventTypes = (history.events ?? []).map((event) => temporal.api.enums.v1.EventType[event.eventType ?? 0]);
  expect(eventTypes).toEqual(expect.arrayContaining(['EVENT_TYPE_ACTIVITY_TASK_COMPLETED', 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED']));
});
