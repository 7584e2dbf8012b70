/**
 * Every path of an application on the real time-skipping server with real activities on
 * real PostgreSQL: plain disclosure, correction and restart, abandonment, consultation pause
 * (§2's arithmetic), suspension, unpaid fee, extension, overdue escalation on the right day,
 * and a calendar change re-dating an open case.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { endOfDayShanghai, shanghaiDateOf } from '../domain/calendar/dates';
import { CalendarStore } from '../db/repositories/calendar';
import * as m from '../workflows/application-messages';
import {
  act,
  type Actors,
  type ApplicationTimeSkipping,
  clockOf,
  intake,
  refused,
  startApplicationTimeSkipping,
  startCase,
} from './support/application-harness';
import { eventually, pollUntil } from './support/eventually';
import { addWorkingDays, countWorkingDays, workingDaysBefore } from './support/hand-calendar';

const TASK_QUEUE = 'applications-time-skipping';
let harness: ApplicationTimeSkipping;
let env: TestWorkflowEnvironment;
let database: ApplicationTimeSkipping['database'];
let actors: Actors;

beforeAll(async () => {
  harness = await startApplicationTimeSkipping(TASK_QUEUE);
  ({ env, database, actors } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

const today = async () => shanghaiDateOf(await env.currentTimeMs());
const start = (overrides: Parameters<typeof intake>[0] = {}, profileId?: string) =>
  startCase(env.client, TASK_QUEUE, actors.clerk, { intake: intake(overrides), ...(profileId ? { profileId } : {}) });

async function events(caseNo: string): Promise<string[]> {
  const rows = await database.db.selectFrom('case_events').select('type').where('case_no', '=', caseNo).orderBy('seq').execute();
  return rows.map((r) => r.type);
}

/** Sleeps (skipping time) until `instant` plus `deltaMs`. */
async function sleepUntil(instant: string | Date, deltaMs = 0): Promise<void> {
  const target = (typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + deltaMs;
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

it('plain disclosure: registered, accepted, assigned, proposed, reviewed twice, decided, signed, delivered, closed', async () => {
  const received = await today();
  const { handle, state } = await start({ receivedOn: received });
  expect(state.stage).toBe('registered');
  expect(clockOf(state, 'reply')!.derived!.due).toBe(addWorkingDays(received, 20));

  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  await act(handle, m.proposeUpdate, {
    actor: actors.department,
    outcome: 'disclosed',
    summary: '检查计划全文',
    reasons: '不涉密，可以公开',
  });
  expect(
    await refused(act(handle, m.decideUpdate, { actor: actors.clerk, outcome: 'disclosed', reasons: 'x', legalBasis: '条例第三十六条' })),
  ).toContain('保密审查完成前不能拟定答复');
  await act(handle, m.reviewSecrecyUpdate, { actor: actors.reviewer, level: 1, conclusion: 'pass', notes: '不涉密' });
  await act(handle, m.reviewSecrecyUpdate, { actor: actors.leader, level: 2, conclusion: 'pass', notes: '同意公开' });
  await act(handle, m.decideUpdate, {
    actor: actors.clerk,
    outcome: 'disclosed',
    reasons: '属于可以公开的政府信息',
    legalBasis: '《中华人民共和国政府信息公开条例》第三十六条第（二）项',
  });
  await act(handle, m.signOffUpdate, { actor: actors.leader });
  await act(handle, m.deliverUpdate, { actor: actors.clerk, method: 'email', deliveredOn: await today() });
  const closed = await act(handle, m.closeUpdate, { actor: actors.clerk });
  expect(closed).toMatchObject({ stage: 'closed', closed: true, outcome: 'disclosed' });
  expect(await handle.result()).toMatchObject({ outcome: 'disclosed' });

  expect(await events(state.caseNo)).toEqual([
    'submitted',
    'accepted',
    'assigned',
    'proposed',
    'secrecy-reviewed',
    'secrecy-reviewed',
    'decided',
    'signed',
    'delivered',
    'closed',
  ]);
  const docs = await database.db
    .selectFrom('case_documents')
    .select(['kind', 'doc_no'])
    .where('case_no', '=', state.caseNo)
    .orderBy('id')
    .execute();
  expect(docs.map((d) => d.kind)).toEqual(['receipt', 'reply']);
  expect(docs[1]!.doc_no).toMatch(/^示例应急依申请〔\d{4}〕答复第\d+号$/);
  const row = await database.db
    .selectFrom('applications')
    .select(['status', 'outcome', 'stage'])
    .where('case_no', '=', state.caseNo)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ status: 'closed', outcome: 'disclosed', stage: 'closed' });
});

it('online applications wait for the clerk’s confirmation before the clock starts', async () => {
  const { handle, state } = await start({ channel: 'online' });
  expect(state.stage).toBe('awaiting-receipt-confirmation');
  expect(clockOf(state, 'reply')).toBeUndefined();
  expect(await refused(act(handle, m.acceptUpdate, { actor: actors.clerk }))).toContain('不能受理');
  await env.sleep('3 days');
  const confirmedOn = await today();
  const confirmed = await act(handle, m.confirmReceiptUpdate, { actor: actors.clerk, receivedOn: confirmedOn });
  expect(confirmed.stage).toBe('registered');
  expect(clockOf(confirmed, 'reply')!.derived!.due).toBe(addWorkingDays(confirmedOn, 20));
});

it('correction then restart: the reply period runs again from the corrected application', async () => {
  const received = await today();
  const { handle, state } = await start({ receivedOn: received });
  const requested = await act(handle, m.requestCorrectionUpdate, {
    actor: actors.clerk,
    items: ['请明确所需信息的年份'],
    periodWorkingDays: 10,
  });
  expect(requested.stage).toBe('correction-requested');
  expect(clockOf(requested, 'reply')!.derived!.status).toBe('paused');
  expect(
    await refused(act(handle, m.requestCorrectionUpdate, { actor: actors.clerk, items: ['再次补正'], periodWorkingDays: 5 })),
  ).toContain('一次性');

  await env.sleep('4 days');
  const correctedOn = await today();
  const corrected = await act(handle, m.submitCorrectionUpdate, { actor: actors.clerk, receivedOn: correctedOn });
  expect(corrected.stage).toBe('registered');
  const reply = clockOf(corrected, 'reply')!;
  expect(reply.derived).toMatchObject({ status: 'running', due: addWorkingDays(correctedOn, 20), consumedWorkingDays: 0 });
  expect(reply.events.map((e) => e.type)).toEqual(['started', 'paused', 'restarted']);
  expect(await events(state.caseNo)).toEqual(['submitted', 'correction-requested', 'correction-received']);
  const kinds = await database.db.selectFrom('case_documents').select('kind').where('case_no', '=', state.caseNo).orderBy('id').execute();
  expect(kinds.map((k) => k.kind)).toEqual(['receipt', 'correction', 'receipt']);
});

it('correction never received: the period runs from the notice’s delivery, and the case closes as abandoned when it runs out', async () => {
  const { handle, state } = await start({ receivedOn: await today() });
  const requested = await act(handle, m.requestCorrectionUpdate, {
    actor: actors.clerk,
    items: ['请提供申请人身份证明'],
    periodWorkingDays: 5,
  });
  // §30 "自收到之日起": nothing runs until the applicant has the notice.
  expect(clockOf(requested, 'correction-period')).toBeUndefined();
  const notice = requested.notices.find((n) => n.kind === 'correction')!;
  expect(notice.delivery).toBeNull();
  await env.sleep('2 days');
  const deliveredOn = await today();
  const delivered = await act(handle, m.recordNoticeDeliveryUpdate, {
    actor: actors.clerk,
    docNo: notice.docNo,
    method: 'post',
    trackingNo: 'EA123456789CN',
    proof: 'EMS妥投记录',
    deliveredOn,
  });
  const period = clockOf(delivered, 'correction-period')!;
  expect(period.events[0]).toMatchObject({ type: 'started', date: deliveredOn, workingDays: 5 });
  expect(delivered.notices.find((n) => n.docNo === notice.docNo)!.delivery).toMatchObject({
    method: 'post',
    deliveredOn,
    trackingNo: 'EA123456789CN',
  });
  const dueAt = period.dueAt!;
  await sleepUntil(dueAt, -60_000);
  expect((await handle.query(m.applicationStateQuery)).closed).toBe(false);
  await sleepUntil(dueAt, 60_000);
  const result = await handle.result();
  expect(result).toMatchObject({ closed: true, stage: 'closed', outcome: 'other.correction-overdue' });
  expect((await events(state.caseNo)).at(-1)).toBe('abandoned');
});

it('third-party consultation pauses the reply clock as §2 counts it (hand-worked dates)', async () => {
  // Received Mon 2026-10-12; letter sent Fri 2026-10-16: (10-12, 10-16] = 13, 14, 15, 16 = 4 WD.
  const received = '2026-10-12';
  const sentOn = '2026-10-16';
  const { handle } = await start({ channel: 'registered-mail', receivedOn: received });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  const started = await act(handle, m.startConsultationUpdate, {
    actor: actors.clerk,
    kind: 'third-party',
    party: '某某建设有限公司',
    sentOn,
  });
  expect(clockOf(started, 'reply')!.derived).toMatchObject({ status: 'paused', consumedWorkingDays: 4, remainingWorkingDays: 16 });
  // The answer arrived (so the letter did) before its delivery was recorded.
  expect(
    await refused(
      act(handle, m.recordConsultationAnswerUpdate, {
        actor: actors.clerk,
        consultationId: 'third-party-1',
        result: 'agree',
        receivedOn: received,
      }),
    ),
  ).toContain('早于');
  const answered = await act(handle, m.recordConsultationAnswerUpdate, {
    actor: actors.clerk,
    consultationId: 'third-party-1',
    result: 'object',
    receivedOn: '2026-10-22',
  });
  const reply = clockOf(answered, 'reply')!;
  // 16 WD after Thu 10-22: 23, 26–30 (6), 11-02–06 (11), 09–13 (16) → Fri 2026-11-13.
  expect(reply.derived).toMatchObject({ status: 'running', due: '2026-11-13', countingFrom: '2026-10-22' });
  expect(reply.derived!.steps.map((s) => s.explanation)).toEqual([
    expect.stringContaining(received),
    expect.stringContaining('已用4个工作日，剩余16个工作日'),
    expect.stringContaining('继续计算剩余16个工作日'),
  ]);
  const letters = await database.db
    .selectFrom('case_documents')
    .select('kind')
    .where('case_no', '=', answered.caseNo)
    .orderBy('id')
    .execute();
  expect(letters.map((l) => l.kind)).toEqual(['receipt', 'third-party']);
});

it('suspension stops the clock and resumption restarts it for the days that remain', async () => {
  const received = await today();
  const { handle } = await start({ receivedOn: received });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  await env.sleep('2 days');
  const pausedOn = await today();
  await act(handle, m.suspendUpdate, { actor: actors.clerk, reason: '因洪涝灾害档案库暂时无法进入', on: pausedOn });
  await env.sleep('10 days');
  const resumedOn = await today();
  const resumed = await act(handle, m.resumeUpdate, { actor: actors.clerk, on: resumedOn });
  const consumed = countWorkingDays(received, pausedOn);
  expect(clockOf(resumed, 'reply')!.derived).toMatchObject({
    due: addWorkingDays(resumedOn, 20 - consumed),
    consumedWorkingDays: consumed,
  });
  const kinds = await database.db.selectFrom('case_documents').select('kind').where('case_no', '=', resumed.caseNo).orderBy('id').execute();
  expect(kinds.map((k) => k.kind)).toEqual(['receipt', 'suspension', 'resumption']);
});

it('an unpaid fee notice closes the case as abandoned 20 working days after the applicant received it', async () => {
  const { handle, state } = await start({ receivedOn: '2026-10-08' });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  const noticed = await act(handle, m.issueFeeNoticeUpdate, { actor: actors.clerk, basis: 'by-pages', pages: 150, noticeOn: '2026-10-09' });
  expect(noticed.fee!.computation.total).toBe(1700);
  expect(clockOf(noticed, 'reply')!.derived!.status).toBe('paused');
  expect(clockOf(noticed, 'fee-payment')).toBeUndefined(); // 109号: 收到收费通知次日起
  const notice = noticed.notices.find((n) => n.kind === 'fee')!;
  expect(notice.issuedOn).toBe('2026-10-09');
  // Delivered Tue 2026-10-13; 20 WD: 14–16 (3), 19–23 (8), 26–30 (13), 11-02–06 (18), 09, 10 → Tue 2026-11-10.
  await act(handle, m.recordNoticeDeliveryUpdate, { actor: actors.clerk, docNo: notice.docNo, method: 'email', deliveredOn: '2026-10-13' });
  // That day is long past: the expiry is handled at once (so the clock is already stopped when read).
  expect(await handle.result()).toMatchObject({ closed: true, outcome: 'other.fee-unpaid', endedOn: '2026-11-10' });
  const events = await database.db
    .selectFrom('case_events')
    .select(['type', 'payload'])
    .where('case_no', '=', state.caseNo)
    .orderBy('seq')
    .execute();
  expect(events.find((e) => e.type === 'abandoned')!.payload).toMatchObject({ reason: 'fee-unpaid', due: '2026-11-10' });
  const kinds = await database.db.selectFrom('case_documents').select('kind').where('case_no', '=', state.caseNo).orderBy('id').execute();
  expect(kinds.map((k) => k.kind)).toEqual(['receipt', 'fee']);
});

it('an extension is requested, approved by a leader once, and moves the due date 20 WD on', async () => {
  const { handle } = await start({ receivedOn: await today() });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  expect(await refused(act(handle, m.requestExtensionUpdate, { actor: actors.clerk, workingDays: 25, reason: '信息量大' }))).toContain(
    '最长不得超过20个工作日',
  );
  const requested = await act(handle, m.requestExtensionUpdate, { actor: actors.clerk, workingDays: 20, reason: '需要调取多个年度档案' });
  const originalDue = clockOf(requested, 'reply')!.derived!.due!;
  const approved = await act(handle, m.approveExtensionUpdate, { actor: actors.leader });
  expect(clockOf(approved, 'reply')!.derived!.due).toBe(addWorkingDays(originalDue, 20));
  expect(await refused(act(handle, m.approveExtensionUpdate, { actor: actors.leader }))).toContain('不能重复批准');
  expect(await refused(act(handle, m.requestExtensionUpdate, { actor: actors.clerk, workingDays: 5, reason: '再延' }))).toContain(
    '只能延长一次',
  );
});

it('黄岩: an extension may not take the reply period past 40 WD in total', async () => {
  const { handle } = await start({ receivedOn: await today() }, 'huangyan-003');
  expect(await refused(act(handle, m.requestExtensionUpdate, { actor: actors.clerk, workingDays: 21, reason: 'x' }))).toContain(
    '20个工作日',
  );
});

it('reminds 5 and 2 WD before the reply date and escalates on the day it is missed, not before', async () => {
  const received = await today();
  const { handle, state } = await start({ receivedOn: received });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  const assigned = await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  const reply = clockOf(assigned, 'reply')!;
  expect(reply.dueAt).toBe(endOfDayShanghai(addWorkingDays(received, 20)).toISOString());
  expect(reply.reminders.map((r) => r.date)).toEqual([
    workingDaysBefore(reply.derived!.due!, 5),
    workingDaysBefore(reply.derived!.due!, 2),
  ]);

  await sleepUntil(reply.dueAt!, -60_000);
  const before = await database.db
    .selectFrom('case_events')
    .select(['type', 'payload'])
    .where('case_no', '=', state.caseNo)
    .orderBy('seq')
    .execute();
  const replyReminders = before.filter((e) => e.type === 'clock-reminder' && (e.payload as { clockId: string }).clockId === 'reply');
  expect(replyReminders.map((e) => (e.payload as { workingDaysBefore: number }).workingDaysBefore)).toEqual([5, 2]);
  expect(before.some((e) => e.type === 'clock-overdue' && (e.payload as { clockId: string }).clockId === 'reply')).toBe(false);

  await sleepUntil(reply.dueAt!, 60_000);
  await handle.query(m.applicationStateQuery); // let the timer's workflow task finish
  const overdue = await database.db
    .selectFrom('case_events')
    .select(['payload', 'occurred_at'])
    .where('case_no', '=', state.caseNo)
    .where('type', '=', 'clock-overdue')
    .execute();
  const replyOverdue = overdue.find((e) => (e.payload as { clockId: string }).clockId === 'reply')!;
  expect(replyOverdue.payload).toMatchObject({
    due: reply.derived!.due,
    notify: ['user:department', 'department-head:yjglk', 'role:supervisor'],
  });
  expect(shanghaiDateOf(replyOverdue.occurred_at)).toBe(shanghaiDateOf(Date.parse(reply.dueAt!)));
});

it('a calendar change reaches an open case by signal and re-dates its clock', async () => {
  const received = await today();
  const { handle, state } = await start({ receivedOn: received });
  const due = clockOf(state, 'reply')!.derived!.due!;
  const store = new CalendarStore(database.db);
  const workday = workingDaysBefore(due, 3);
  await store.setOverride({ date: workday, kind: 'holiday', reason: '台风停工', actorUserId: actors.admin.userId });
  try {
    await handle.signal(m.calendarChangedSignal, { calendarVersion: (await store.current()).version });
    const moved = await pollUntil(
      () => handle.query(m.applicationStateQuery),
      (state) => clockOf(state, 'reply')!.derived!.due !== due,
      { timeoutMs: 10_000, everyMs: 50 },
    );
    const reply = clockOf(moved, 'reply')!;
    // One working day inside the period became a holiday: the due date moves one working day on.
    expect(reply.derived!.due).toBe(addWorkingDays(due, 1));
    expect(reply.derived!.due).not.toBe(due);
    expect(reply.derived!.calendarVersion).toMatch(/\+rev\.\d+$/);
    // The event is written by the workflow after the state changed: wait for it rather than race it.
    await eventually(async () => (await events(state.caseNo)).includes('clocks-recomputed'), 'the clocks-recomputed event');
  } finally {
    await store.removeOverride({ date: workday, reason: '测试结束', actorUserId: actors.admin.userId });
  }
});

it('withdrawal closes the case under 其他处理 without a reply letter', async () => {
  const { handle } = await start({ receivedOn: await today() });
  const result = await act(handle, m.withdrawUpdate, { actor: actors.clerk, on: await today(), reason: '申请人书面撤回' });
  expect(result).toMatchObject({ closed: true, outcome: 'other.other' });
  expect(result.clocks.every((c) => c.closed)).toBe(true);
});
