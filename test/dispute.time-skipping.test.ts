/**
 * A dispute over a reply on the real time-skipping server with real activities and
 * PostgreSQL: the defence (10 WD) and evidence (5 WD) clocks of seed 003, reminders and an
 * overdue escalation on the right day, the order of steps, result and enforcement; a
 * lawsuit's defence clock in calendar days (行政诉讼法 第六十七条), dates worked by hand.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createActivities } from '../activities';
import { endOfDayShanghai, shanghaiDateOf } from '../domain/calendar/dates';
import type { DisputeFiling } from '../domain/disputes/types';
import { findRuleProfile } from '../domain/rulesets';
import { dispute } from '../workflows/dispute';
import * as m from '../workflows/dispute-messages';
import { type Actors, demoActors, intake, startCase } from './support/application-harness';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTimeSkippingServer } from './support/temporal';
import { addWorkingDays } from './support/hand-calendar';
import { registeredState, stepThenRead } from './support/case-steps';

const TASK_QUEUE = 'disputes-time-skipping';
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
      agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' },
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

let counter = 0;
async function file(overrides: Partial<DisputeFiling> = {}, profileId = 'huangyan-003') {
  const { state: application } = await startCase(env.client, TASK_QUEUE, actors.clerk, { intake: intake(), profileId });
  counter += 1;
  const disputeNo = `2026-D${String(counter).padStart(4, '0')}`;
  const handle = await env.client.workflow.start(dispute, {
    workflowId: `dispute-${disputeNo}`,
    taskQueue: TASK_QUEUE,
    args: [
      {
        disputeNo,
        agencyCode: 'demo',
        profile: findRuleProfile(profileId)!,
        filedBy: actors.clerk,
        filing: {
          caseNo: application.caseNo,
          kind: 'reconsideration',
          receivedOn: shanghaiDateOf(await env.currentTimeMs()),
          body: '示例市人民政府',
          claims: '撤销被申请人作出的政府信息公开答复',
          ...overrides,
        },
      },
    ],
  });
  const state = await registeredState(handle, m.awaitFilingUpdate, m.disputeStateQuery);
  return { handle, state, disputeNo };
}

async function events(disputeNo: string) {
  return database.db.selectFrom('dispute_events').select(['type', 'payload']).where('dispute_no', '=', disputeNo).orderBy('seq').execute();
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return (error as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('the step was not refused');
}

it('runs the defence and evidence clocks of seed 003, escalates the late evidence on the right day, and closes after enforcement', async () => {
  const { handle, state, disputeNo } = await file({ departmentCode: 'yjglk' });
  const receivedOn = state.filing.receivedOn;
  const defence = state.clocks.find((c) => c.id === 'defence')!;
  const evidence = state.clocks.find((c) => c.id === 'evidence')!;
  expect(defence.derived!.due).toBe(addWorkingDays(receivedOn, 10));
  expect(evidence.derived!.due).toBe(addWorkingDays(receivedOn, 5));
  expect(defence.derived!.steps[0]!.explanation).toContain('起算10个工作日');
  const row = await database.db.selectFrom('disputes').selectAll().where('dispute_no', '=', disputeNo).executeTakeFirstOrThrow();
  expect(row).toMatchObject({
    stage: 'received',
    status: 'open',
    department_code: 'yjglk',
    defence_due: defence.derived!.due,
    evidence_due: evidence.derived!.due,
    kind: 'reconsideration',
  });

  // Order of steps: no hearing, result or enforcement before the defence.
  expect(
    await refusal(
      stepThenRead(
        handle,
        m.recordHearingUpdate,
        { actor: actors.clerk, on: receivedOn, representative: '王五', notes: '出庭' },
        m.disputeStateQuery,
      ),
    ),
  ).toBe('尚未提交答辩状');
  expect(
    await refusal(
      stepThenRead(handle, m.recordEnforcementUpdate, { actor: actors.clerk, on: receivedOn, actions: '重新答复' }, m.disputeStateQuery),
    ),
  ).toBe('没有待执行的结果');
  expect(
    await refusal(
      stepThenRead(handle, m.forwardUpdate, { actor: actors.clerk, on: receivedOn, departmentCode: 'bmk' }, m.disputeStateQuery),
    ),
  ).toContain('已于');

  // The department lets its 5 WD pass: the day after the due date it is overdue, not before.
  await env.sleep(endOfDayShanghai(evidence.derived!.due!).getTime() - (await env.currentTimeMs()) - 60_000);
  expect((await events(disputeNo)).map((e) => e.type)).not.toContain('clock-overdue');
  await env.sleep(120_000);
  const overdue = (await events(disputeNo)).find((e) => e.type === 'clock-overdue')!;
  expect(overdue.payload).toMatchObject({
    clockId: 'evidence',
    due: evidence.derived!.due,
    notify: ['department:yjglk', 'department-head:yjglk', 'role:supervisor'],
  });
  const reminders = (await events(disputeNo)).filter((e) => e.type === 'clock-reminder').map((e) => e.payload);
  // 5 WD before a 5 WD clock would be its start: only the 2-day reminder for the evidence, both for the defence (so far, the 5-day one).
  expect(reminders).toEqual([
    expect.objectContaining({ clockId: 'evidence', workingDaysBefore: 2, notify: ['department:yjglk'] }),
    expect.objectContaining({ clockId: 'defence', workingDaysBefore: 5, notify: ['role:clerk'] }),
  ]);

  const late = shanghaiDateOf(await env.currentTimeMs());
  let after = await stepThenRead(
    handle,
    m.submitEvidenceUpdate,
    { actor: actors.department, on: late, items: ['答复书及送达回证', '检索记录'] },
    m.disputeStateQuery,
  );
  expect(after.clocks.find((c) => c.id === 'evidence')!.closed).toBe(true);
  after = await stepThenRead(
    handle,
    m.submitDefenceUpdate,
    { actor: actors.clerk, on: late, summary: '答复认定事实清楚、程序合法' },
    m.disputeStateQuery,
  );
  expect(after.stage).toBe('defence-submitted');
  await stepThenRead(
    handle,
    m.holdMeetingUpdate,
    { actor: actors.clerk, on: late, participants: ['区复议局', '法律顾问', '应急管理科'], conclusion: '维持答复意见' },
    m.disputeStateQuery,
  );
  await stepThenRead(
    handle,
    m.recordHearingUpdate,
    { actor: actors.clerk, on: late, representative: '政务公开科 王五', notes: '书面审理' },
    m.disputeStateQuery,
  );
  after = await stepThenRead(
    handle,
    m.recordResultUpdate,
    { actor: actors.clerk, on: late, result: 'corrected', summary: '责令重新答复', documentNo: '示府复〔2026〕12号' },
    m.disputeStateQuery,
  );
  expect(after.stage).toBe('enforcing');
  after = await stepThenRead(
    handle,
    m.recordEnforcementUpdate,
    { actor: actors.clerk, on: late, actions: '已于期限内重新作出答复' },
    m.disputeStateQuery,
  );
  expect(after).toMatchObject({ stage: 'closed', closed: true, result: { result: 'corrected' } });
  const final = await handle.result();
  expect(final.clocks.every((c) => c.closed)).toBe(true);
  expect((await events(disputeNo)).map((e) => e.type)).toEqual(
    expect.arrayContaining([
      'filed',
      'clock-overdue',
      'evidence-submitted',
      'defence-submitted',
      'meeting-held',
      'hearing-held',
      'result-recorded',
      'enforced',
    ]),
  );
  const closed = await database.db.selectFrom('disputes').selectAll().where('dispute_no', '=', disputeNo).executeTakeFirstOrThrow();
  expect(closed).toMatchObject({ status: 'closed', result: 'corrected', result_on: late, defence_due: null, evidence_due: null });
});

it('closes at once when the result upholds the reply, and counts a withdrawal as 其他结果', async () => {
  const upheld = await file({ kind: 'litigation-direct', body: '示例区人民法院' }, 'national-2019');
  const on = upheld.state.filing.receivedOn;
  expect(upheld.state.clocks.map((c) => c.id)).toEqual(['defence']); // nobody forwarded yet: no evidence clock
  await stepThenRead(upheld.handle, m.forwardUpdate, { actor: actors.clerk, on, departmentCode: 'bmk' }, m.disputeStateQuery);
  await stepThenRead(upheld.handle, m.submitDefenceUpdate, { actor: actors.clerk, on, summary: '答辩' }, m.disputeStateQuery);
  const done = await stepThenRead(
    upheld.handle,
    m.recordResultUpdate,
    { actor: actors.clerk, on, result: 'upheld', summary: '驳回诉讼请求' },
    m.disputeStateQuery,
  );
  expect(done).toMatchObject({ closed: true, stage: 'closed' });
  expect(done.clocks.find((c) => c.id === 'evidence')!.events.at(-1)).toMatchObject({ type: 'stopped' });

  const withdrawn = await file({ kind: 'litigation-after-reconsideration', body: '示例市中级人民法院' });
  const result = await stepThenRead(
    withdrawn.handle,
    m.withdrawUpdate,
    { actor: actors.clerk, on, reason: '原告撤诉' },
    m.disputeStateQuery,
  );
  expect(result.result).toMatchObject({ result: 'other', withdrawn: true });
  expect((await withdrawn.handle.result()).clocks.every((c) => c.closed)).toBe(true);
  const rows = await database.db
    .selectFrom('disputes')
    .select(['dispute_no', 'result', 'status'])
    .where('dispute_no', 'in', [upheld.disputeNo, withdrawn.disputeNo])
    .orderBy('dispute_no')
    .execute();
  expect(rows).toEqual([
    { dispute_no: upheld.disputeNo, result: 'upheld', status: 'closed' },
    { dispute_no: withdrawn.disputeNo, result: 'other', status: 'closed' },
  ]);
});

it('runs a lawsuit’s defence clock in calendar days, or the profile’s 10 WD when they end first; a reconsideration’s stays 10 WD', async () => {
  // Copies received Sun 2026-09-20 (a make-up working day; the start day is never counted).
  // Lawsuit: day 15 is Mon 10-05, a National Day holiday, as are 10-06 and 10-07 → Thu 2026-10-08.
  // The profile's 10 WD: 09-21..24 (4), 中秋 09-25..27 off, 09-28..30 (7), 10-08 (8), 10-09 (9),
  // Sat 10-10, a make-up working day (10): later, so the law's date applies.
  const lawsuit = await file({ kind: 'litigation-direct', body: '示例区人民法院', receivedOn: '2026-09-20' });
  const defence = lawsuit.state.clocks.find((c) => c.id === 'defence')!;
  expect(defence).toMatchObject({ label: '提交答辩状及证据期限', statutory: true, closed: false });
  expect(defence.derived).toMatchObject({
    unit: 'calendar-days',
    due: '2026-10-08',
    limits: { calendarDaysDue: '2026-10-08', workingDaysDue: '2026-10-10', applied: 'calendar-days' },
  });
  expect(defence.derived!.steps[0]!.explanation).toBe(
    '2026-09-20 收到起诉状副本（中华人民共和国行政诉讼法第六十七条），起算15日（当日不计入；期限届满日为休息日或法定节假日的，顺延至节假日后第一个工作日）' +
      '：期限届满日2026-10-05为法定节假日（国庆节），顺延至2026-10-08；本机关规定拟定答辩状10个工作日，届满于2026-10-10；两者从严（取其早），适用15日期限，截止2026-10-08',
  );
  const row = await database.db
    .selectFrom('disputes')
    .select(['defence_due', 'kind'])
    .where('dispute_no', '=', lawsuit.disputeNo)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ defence_due: '2026-10-08', kind: 'litigation-direct' });

  // Reconsideration of the same day: 10 WD as counted above, Sat 2026-10-10.
  const reconsideration = await file({ receivedOn: '2026-09-20' });
  const draft = reconsideration.state.clocks.find((c) => c.id === 'defence')!;
  expect(draft).toMatchObject({ label: '拟定答辩状期限', statutory: false });
  expect(draft.derived).toMatchObject({ due: '2026-10-10', totalWorkingDays: 10 });
  expect(draft.derived!.unit).toBeUndefined();

  // Lawsuit received Mon 2026-03-02 (an ordinary month): day 15 is Tue 03-17, but 10 WD end
  // Mon 03-16 (03-03..06, 03-09..13, 03-16): the profile's stricter limit applies.
  const early = await file({ kind: 'litigation-after-reconsideration', body: '示例市中级人民法院', receivedOn: '2026-03-02' });
  const earlyDefence = early.state.clocks.find((c) => c.id === 'defence')!;
  expect(earlyDefence.derived).toMatchObject({
    due: '2026-03-16',
    limits: { calendarDaysDue: '2026-03-17', workingDaysDue: '2026-03-16', applied: 'working-days' },
  });
  expect(earlyDefence.derived!.steps[0]!.explanation).toContain('适用10个工作日期限，截止2026-03-16');
});
