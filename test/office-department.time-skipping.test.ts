/**
 * The office for government information disclosure (政务公开工作机构) is the agency's setting,
 * not the code `gkb` in the workflows: a dispute's defence clock, the office's own, escalates
 * to the head of the department named in the case's input, and that head is a person (the
 * department's head user); an overdue 不予公开 register is the office's too. A case or Schedule
 * started before the setting existed (no such input) keeps `gkb`. On the real time-skipping server with real activities and PostgreSQL.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { createActivities } from '../activities';
import { endOfDayShanghai, shanghaiDateOf } from '../domain/calendar/dates';
import { findRuleProfile } from '../domain/rulesets';
import { dispute } from '../workflows/dispute';
import * as m from '../workflows/dispute-messages';
import { nonDisclosureRegister } from '../workflows/document-registers';
import * as dm from '../workflows/document-messages';
import { type Actors, demoActors, intake, startCase } from './support/application-harness';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTimeSkippingServer } from './support/temporal';
import { registeredState } from './support/case-steps';

const TASK_QUEUE = 'office-department-time-skipping';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let actors: Actors;

beforeAll(async () => {
  [env, database] = await Promise.all([startTimeSkippingServer(), createTestDatabase()]);
  actors = await demoActors(database.db);
  // 信息中心 (xxzx) is this agency's office; its head is the supervisor's user (named, not flagged).
  await sql`update departments set head_user_id = (select id from users where username = 'supervisor') where code = 'xxzx'`.execute(
    database.db,
  );
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({
      db: database.db,
      agency: {
        code: 'demo',
        name: '示例市应急管理局',
        shortName: '示例应急',
        defaultRuleProfileId: 'national-2019',
        officeDepartmentCode: 'xxzx',
      },
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

async function file(disputeNo: string, office: string | undefined) {
  const { state: application } = await startCase(env.client, TASK_QUEUE, actors.clerk, { intake: intake(), profileId: 'huangyan-003' });
  const handle = await env.client.workflow.start(dispute, {
    workflowId: `dispute-${disputeNo}`,
    taskQueue: TASK_QUEUE,
    args: [
      {
        disputeNo,
        agencyCode: 'demo',
        profile: findRuleProfile('huangyan-003')!,
        filedBy: actors.clerk,
        filing: {
          caseNo: application.caseNo,
          kind: 'reconsideration',
          receivedOn: shanghaiDateOf(await env.currentTimeMs()),
          body: '示例市人民政府',
          claims: '撤销答复',
        },
        ...(office ? { officeDepartmentCode: office } : {}),
      },
    ],
  });
  return registeredState(handle, m.awaitFilingUpdate, m.disputeStateQuery);
}

it("escalates the office's overdue defence to the office named in the case, reaching its head; an older case keeps gkb", async () => {
  const current = await file('2026-D0901', 'xxzx');
  const legacy = await file('2026-D0902', undefined);
  const defence = current.clocks.find((c) => c.id === 'defence')!;
  expect(legacy.clocks.find((c) => c.id === 'defence')!.derived!.due).toBe(defence.derived!.due);

  await env.sleep(endOfDayShanghai(defence.derived!.due!).getTime() - (await env.currentTimeMs()) + 60_000);
  const overdue = async (disputeNo: string) => {
    const rows = await database.db
      .selectFrom('dispute_events')
      .select(['type', 'payload'])
      .where('dispute_no', '=', disputeNo)
      .orderBy('seq')
      .execute();
    return rows.find((e) => e.type === 'clock-overdue' && (e.payload as { clockId: string }).clockId === 'defence')?.payload;
  };
  expect(await overdue('2026-D0901')).toMatchObject({
    clockId: 'defence',
    notify: ['role:clerk', 'department-head:xxzx', 'role:supervisor'],
  });
  expect(await overdue('2026-D0902')).toMatchObject({
    clockId: 'defence',
    notify: ['role:clerk', 'department-head:gkb', 'role:supervisor'],
  });

  // The office's head rung reached the head of 信息中心 by name; gkb's reached its flagged 科室负责人 — nobody there, so it waits.
  const recipients = async (disputeNo: string) =>
    (
      await database.db
        .selectFrom('notifications')
        .select('recipient')
        .where('workflow_id', '=', `dispute-${disputeNo}`)
        .where('kind', '=', 'clock-overdue')
        .execute()
    )
      .map((r) => r.recipient)
      .sort();
  expect(await recipients('2026-D0901')).toEqual(['role:clerk', 'role:supervisor', 'user:supervisor']);
  expect(await recipients('2026-D0902')).toEqual(['department-head:gkb', 'role:clerk', 'role:supervisor']);
});

// Last: it skips to the register's due date (up to 31 December), past the dispute's dates.
it('marks an overdue 不予公开 register for the office its Schedule was made with', async () => {
  const start = (workflowId: string, agencyCode: string, office?: string) =>
    env.client.workflow.start(nonDisclosureRegister, {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [{ agencyCode, profileId: 'huadian-001', ...(office ? { officeDepartmentCode: office } : {}) }],
    });
  const current = await start('document-register-office', 'office-test', 'xxzx');
  const legacy = await start('document-register-legacy', 'legacy-test');
  const [a, b] = await Promise.all([
    current.executeUpdate(dm.awaitRegisterCompiledUpdate),
    legacy.executeUpdate(dm.awaitRegisterCompiledUpdate),
  ]);
  await env.sleep(endOfDayShanghai(a.dueOn).getTime() - (await env.currentTimeMs()) + 60_000);
  const notify = async (registerId: string) =>
    await database.db.selectFrom('document_registers').select(['status', 'notify']).where('id', '=', registerId).executeTakeFirstOrThrow();
  expect(await notify(a.registerId)).toEqual({ status: 'overdue', notify: ['department:xxzx', 'role:supervisor'] });
  expect(await notify(b.registerId)).toEqual({ status: 'overdue', notify: ['department:gkb', 'role:supervisor'] });
  for (const run of [current, legacy]) await run.terminate('test over');
});
