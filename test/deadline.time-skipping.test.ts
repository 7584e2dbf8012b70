/**
 * The working-day deadline workflow on the real time-skipping server, with real activities
 * on real PostgreSQL: the overdue timer fires at exactly 24:00 Asia/Shanghai of the due day.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { endOfDayShanghai, shanghaiDateOf } from '../domain/calendar/dates';
import { completeDeadlineSignal, deadlineStatusQuery } from '../workflows/deadline-messages';
import { workingDayDeadline } from '../workflows/deadline';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTimeSkippingServer } from './support/temporal';
import { pollUntil } from './support/eventually';
import { addWorkingDays } from './support/hand-calendar';

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  [env, database] = await Promise.all([startTimeSkippingServer(), createTestDatabase()]);
});

afterAll(async () => {
  await env?.teardown();
  await database?.drop();
});

it('goes overdue at 24:00 Asia/Shanghai on the 5th working day, then records the late completion', async () => {
  const taskQueue = 'deadline-time-skipping';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db: database.db }),
  });

  await worker.runUntil(async () => {
    const from = shanghaiDateOf(await env.currentTimeMs());
    const expectedDue = addWorkingDays(from, 5);
    const handle = await env.client.workflow.start(workingDayDeadline, {
      workflowId: 'deadline-time-skipping-1',
      taskQueue,
      args: [{ title: '答复申请人', from, workingDays: 5 }],
    });

    const started = await pollUntil(
      () => handle.query(deadlineStatusQuery),
      (s) => s.state !== 'computing',
      { timeoutMs: 10_000, everyMs: 20 },
    );
    expect(started).toMatchObject({ due: expectedDue, state: 'running', calendarVersion: 'chinese-days@1.5.7' });
    expect(started.dueAt).toBe(endOfDayShanghai(expectedDue).toISOString());
    const dueAt = started.dueAt!;

    // One minute before the deadline the case is still on time…
    await env.sleep(Date.parse(started.dueAt!) - (await env.currentTimeMs()) - 60_000);
    expect((await handle.query(deadlineStatusQuery)).state).toBe('running');

    // …and two minutes later it is overdue since exactly the due instant.
    await env.sleep(120_000);
    const overdue = await handle.query(deadlineStatusQuery);
    expect(overdue).toMatchObject({ state: 'overdue', overdueSince: dueAt });

    await handle.signal(completeDeadlineSignal, { by: 'clerk' });
    const result = await handle.result();
    expect(result.state).toBe('completed-late');
    expect(result.completedBy).toBe('clerk');
    expect(Date.parse(result.completedAt!)).toBeGreaterThan(Date.parse(dueAt));
  });
});
