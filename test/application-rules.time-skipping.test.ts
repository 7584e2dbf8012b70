/**
 * The rules of the rulebooks, to the letter (issue 15), on the real time-skipping server with
 * real activities on real PostgreSQL. Most cases run on fixed past dates the clerk records
 * (receipt, letters, delivery, payment), so every expected date below is worked out by hand
 * from the 2026 calendar: 2026-09-25 and 10-01..07 are holidays, 2026-10-10 (Sat) is worked;
 * November and December have no exceptions. Clocks whose day is past expire at once, which
 * is how paper that is entered late behaves. Steps the workflow dates itself (today) are
 * checked against test/support/hand-calendar.ts, which shares no code with the product.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { shanghaiDateOf } from '../domain/calendar/dates';
import type { ApplicationState } from '../domain/application/types';
import { currentRuleProfiles } from '../domain/rulesets';
import type { StepStartEvent } from '../domain/rulesets/schema';
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
import { eventually } from './support/eventually';
import { addWorkingDays, countWorkingDays } from './support/hand-calendar';

const TASK_QUEUE = 'application-rules-time-skipping';
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

type Handle = WorkflowHandle;
const today = async () => shanghaiDateOf(await env.currentTimeMs());
const start = (overrides: Parameters<typeof intake>[0] = {}, profileId?: string) =>
  startCase(env.client, TASK_QUEUE, actors.clerk, { intake: intake(overrides), ...(profileId ? { profileId } : {}) });
const stateOf = (handle: Handle) => handle.query(m.applicationStateQuery);

async function documents(caseNo: string) {
  return database.db.selectFrom('case_documents').select(['kind', 'doc_no', 'html']).where('case_no', '=', caseNo).orderBy('id').execute();
}

/** Accepted, assigned, proposed and cleared by both secrecy levels: ready to decide. */
async function toSecrecyCleared(handle: Handle, outcome: 'disclosed' | 'partially-disclosed' = 'disclosed'): Promise<ApplicationState> {
  if ((await stateOf(handle)).stage === 'registered') await act(handle, m.acceptUpdate, { actor: actors.clerk });
  await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  await act(handle, m.proposeUpdate, { actor: actors.department, outcome, summary: '拟公开', reasons: '不涉密' });
  await act(handle, m.reviewSecrecyUpdate, { actor: actors.reviewer, level: 1, conclusion: 'pass', notes: '不涉密' });
  return act(handle, m.reviewSecrecyUpdate, { actor: actors.leader, level: 2, conclusion: 'pass', notes: '同意' });
}

it('the hand calendar agrees with domain.md’s worked example', () => {
  expect(addWorkingDays('2026-09-28', 20)).toBe('2026-10-30');
  expect(countWorkingDays('2026-09-28', '2026-10-08')).toBe(3);
});

describe('third-party consultation (§32): 15 WD from the party’s receipt of the letter', () => {
  it('starts at the letter’s delivery, expires with no answer, and a late-entered answer received in time corrects the record', async () => {
    // Received Mon 2026-09-28; letter sent Thu 10-08: (09-28, 10-08] = 09-29, 09-30, 10-08 = 3 WD used, 17 left.
    const { handle, state } = await start({ channel: 'registered-mail', receivedOn: '2026-09-28' });
    await act(handle, m.acceptUpdate, { actor: actors.clerk });
    const sent = await act(handle, m.startConsultationUpdate, {
      actor: actors.clerk,
      kind: 'third-party',
      party: '某某建设有限公司',
      sentOn: '2026-10-08',
    });
    expect(clockOf(sent, 'reply')!.derived).toMatchObject({ status: 'paused', consumedWorkingDays: 3, remainingWorkingDays: 17 });
    expect(clockOf(sent, 'third-party-1')).toBeUndefined();
    const letter = sent.notices.find((n) => n.kind === 'third-party')!;
    expect(letter).toMatchObject({ issuedOn: '2026-10-08', addressee: 'third-party', consultationId: 'third-party-1', delivery: null });
    const [, letterDoc] = await documents(state.caseNo);
    expect(letterDoc!.html).toContain('自收到本函之日起15个工作日内（收到之日不计入，自次日起算）');

    // Signed for Fri 10-09 (送达回证): 15 WD → 10 (Sat, worked), 12–16, 19–23, 26–29 → Thu 2026-10-29, long past.
    await act(handle, m.recordNoticeDeliveryUpdate, {
      actor: actors.clerk,
      docNo: letter.docNo,
      method: 'in-person',
      deliveredOn: '2026-10-09',
      proof: '送达回证（第三方签收）',
    });
    const expired = await eventually(async () => {
      const s = await stateOf(handle);
      return s.consultations[0]!.answer ? s : null;
    }, 'the consultation to expire');
    expect(clockOf(expired, 'third-party-1')!.events).toEqual([
      expect.objectContaining({ type: 'started', date: '2026-10-09', workingDays: 15 }),
      expect.objectContaining({ type: 'stopped', date: '2026-10-29' }),
    ]);
    expect(expired.consultations[0]!.answer).toMatchObject({ result: 'no-answer', receivedOn: '2026-10-29' });
    // The reply clock resumes on the expiry day: 17 WD after 10-29 → 10-30, 11-02–06, 09–13, 16–20, 23 → Mon 2026-11-23.
    expect(clockOf(expired, 'reply')!.derived).toMatchObject({ status: 'running', due: '2026-11-23' });

    // An answer received after the expiry does not undo it.
    expect(
      await refused(
        act(handle, m.recordConsultationAnswerUpdate, {
          actor: actors.clerk,
          consultationId: 'third-party-1',
          result: 'agree',
          receivedOn: '2026-11-02',
        }),
      ),
    ).toContain('到期');
    // The objection received on 10-12, inside the period, is entered now.
    const corrected = await act(handle, m.recordConsultationAnswerUpdate, {
      actor: actors.clerk,
      consultationId: 'third-party-1',
      result: 'object',
      receivedOn: '2026-10-12',
      summary: '涉及商业秘密，不同意公开',
    });
    expect(corrected.consultations[0]!.answer).toMatchObject({
      result: 'object',
      receivedOn: '2026-10-12',
      correctsExpiry: { result: 'no-answer', due: '2026-10-29', enteredBy: 'clerk' },
    });
    // Resumed from 10-12 instead: 17 WD → 13–16, 19–23, 26–30, 11-02–04 → Wed 2026-11-04.
    expect(clockOf(corrected, 'reply')!.derived!.due).toBe('2026-11-04');
    expect(clockOf(corrected, 'third-party-1')!.events.at(-1)).toMatchObject({ type: 'stopped', date: '2026-10-12' });
    expect(
      await refused(
        act(handle, m.recordConsultationAnswerUpdate, {
          actor: actors.clerk,
          consultationId: 'third-party-1',
          result: 'agree',
          receivedOn: '2026-10-13',
        }),
      ),
    ).toContain('已有答复');

    // Both the automatic expiry and its correction stay in the event log.
    const log = await database.db
      .selectFrom('case_events')
      .select(['type', 'payload', 'actor_username'])
      .where('case_no', '=', state.caseNo)
      .orderBy('seq')
      .execute();
    const types = log.map((e) => e.type);
    expect(types.indexOf('consultation-expired')).toBeGreaterThan(-1);
    expect(types.indexOf('consultation-answer-recorded-late')).toBeGreaterThan(types.indexOf('consultation-expired'));
    const late = log.find((e) => e.type === 'consultation-answer-recorded-late')!;
    expect(late).toMatchObject({
      actor_username: 'clerk',
      payload: { receivedOn: '2026-10-12', replaces: { result: 'no-answer', expiredOn: '2026-10-29' } },
    });
  });

  it('another agency’s silence is consent (§34) and resumes the reply clock', async () => {
    const { handle } = await start({ channel: 'registered-mail', receivedOn: '2026-09-28' });
    await act(handle, m.acceptUpdate, { actor: actors.clerk });
    const sent = await act(handle, m.startConsultationUpdate, {
      actor: actors.clerk,
      kind: 'other-agency',
      party: '示例市财政局',
      sentOn: '2026-10-08',
    });
    const letter = sent.notices.find((n) => n.kind === 'other-agency')!;
    await act(handle, m.recordNoticeDeliveryUpdate, { actor: actors.clerk, docNo: letter.docNo, method: 'fax', deliveredOn: '2026-10-09' });
    const expired = await eventually(async () => {
      const s = await stateOf(handle);
      return s.consultations[0]!.answer ? s : null;
    }, 'the consultation to expire');
    expect(expired.consultations[0]!.answer).toMatchObject({ result: 'deemed-consent', receivedOn: '2026-10-29' });
    expect(clockOf(expired, 'reply')!.derived).toMatchObject({ status: 'running', due: '2026-11-23' });
  });

  it('桦甸 (seed 001 第六条): silence is deemed consent, an objection bars disclosure, and the notices cite its own rules', async () => {
    // 桦甸 replies within 15 WD: 3 used by 10-08, 12 left.
    const { handle, state } = await start({ channel: 'registered-mail', receivedOn: '2026-09-28' }, 'huadian-001');
    const [receipt] = await documents(state.caseNo);
    expect(receipt!.html).toContain('桦甸市政府信息依申请公开工作办法》第十条');
    expect(receipt!.html).toContain('15个工作日');
    expect(receipt!.html).not.toContain('第三十三条');
    await act(handle, m.acceptUpdate, { actor: actors.clerk });
    const sent = await act(handle, m.startConsultationUpdate, {
      actor: actors.clerk,
      kind: 'third-party',
      party: '桦甸某矿业公司',
      sentOn: '2026-10-08',
    });
    const letterDoc = (await documents(state.caseNo)).find((d) => d.kind === 'third-party')!;
    expect(letterDoc.html).toContain('贵方不同意公开的，本机关不予公开');
    expect(letterDoc.html).toContain('视作同意公开');
    await act(handle, m.recordNoticeDeliveryUpdate, {
      actor: actors.clerk,
      docNo: sent.notices.find((n) => n.kind === 'third-party')!.docNo,
      method: 'post',
      trackingNo: 'EB000000001CN',
      deliveredOn: '2026-10-09',
    });
    const expired = await eventually(async () => {
      const s = await stateOf(handle);
      return s.consultations[0]!.answer ? s : null;
    }, 'the consultation to expire');
    expect(expired.consultations[0]!.answer).toMatchObject({ result: 'deemed-consent', receivedOn: '2026-10-29' });
    // 12 WD after 10-29 → 10-30, 11-02–06, 09–13, 16 → Mon 2026-11-16.
    expect(clockOf(expired, 'reply')!.derived!.due).toBe('2026-11-16');

    const objected = await start({ channel: 'registered-mail', receivedOn: '2026-09-28' }, 'huadian-001');
    await act(objected.handle, m.acceptUpdate, { actor: actors.clerk });
    await act(objected.handle, m.startConsultationUpdate, {
      actor: actors.clerk,
      kind: 'third-party',
      party: '桦甸某矿业公司',
      sentOn: '2026-10-08',
    });
    await act(objected.handle, m.recordConsultationAnswerUpdate, {
      actor: actors.clerk,
      consultationId: 'third-party-1',
      result: 'object',
      receivedOn: '2026-10-12',
    });
    await toSecrecyCleared(objected.handle);
    expect(
      await refused(
        act(objected.handle, m.decideUpdate, { actor: actors.clerk, outcome: 'disclosed', reasons: '公共利益', legalBasis: '条例' }),
      ),
    ).toContain('不得公开');
    const partial = await act(objected.handle, m.decideUpdate, {
      actor: actors.clerk,
      outcome: 'partially-disclosed',
      reasons: '第三方部分不予公开',
      legalBasis: '条例第三十七条',
    });
    expect(partial.decision!.outcome).toBe('partially-disclosed');
  });

  it('§32: disclosing over an objection (national rules) sends the third party a written notice with the reasons', async () => {
    const { handle, state } = await start({ channel: 'registered-mail', receivedOn: '2026-09-28' });
    await act(handle, m.acceptUpdate, { actor: actors.clerk });
    await act(handle, m.startConsultationUpdate, {
      actor: actors.clerk,
      kind: 'third-party',
      party: '某某建设有限公司',
      address: '示例市建设路1号',
      sentOn: '2026-09-29',
    });
    await act(handle, m.recordConsultationAnswerUpdate, {
      actor: actors.clerk,
      consultationId: 'third-party-1',
      result: 'object',
      receivedOn: '2026-10-09',
    });
    await toSecrecyCleared(handle);
    await act(handle, m.decideUpdate, {
      actor: actors.clerk,
      outcome: 'disclosed',
      reasons: '涉及重大公共利益，不公开可能对公共利益造成重大影响',
      legalBasis: '条例第三十二条',
    });
    const signed = await act(handle, m.signOffUpdate, { actor: actors.leader });
    const docs = await documents(state.caseNo);
    expect(docs.map((d) => d.kind)).toEqual(['receipt', 'third-party', 'reply', 'third-party-disclosure']);
    const notice = docs.at(-1)!;
    expect(notice.html).toContain('某某建设有限公司');
    expect(notice.html).toContain('涉及重大公共利益');
    expect(notice.html).not.toContain(state.queryCode);
    expect(signed.notices.at(-1)).toMatchObject({ kind: 'third-party-disclosure', addressee: 'third-party', delivery: null });
  });
});

describe('fees (国办函〔2020〕109号)', () => {
  it('payment resumes the reply clock; the notice states the period from its receipt', async () => {
    // Received Thu 10-08; fee notice Fri 10-09: 1 WD used, 19 left. Paid Tue 10-20 (before the delivery was recorded).
    const { handle, state } = await start({ receivedOn: '2026-10-08' });
    await act(handle, m.acceptUpdate, { actor: actors.clerk });
    const noticed = await act(handle, m.issueFeeNoticeUpdate, {
      actor: actors.clerk,
      basis: 'by-pages',
      pages: 250,
      noticeOn: '2026-10-09',
    });
    // 70 × ¥10 + 100 × ¥20 + 50 × ¥40 (第五条).
    expect(noticed.fee!.computation.total).toBe(4700);
    expect(clockOf(noticed, 'reply')!.derived).toMatchObject({ status: 'paused', consumedWorkingDays: 1 });
    const fee = (await documents(state.caseNo)).find((d) => d.kind === 'fee')!;
    expect(fee.html).toContain('自收到本通知之日起20个工作日内（收到之日不计入，自次日起算）');
    const paid = await act(handle, m.recordFeePaymentUpdate, { actor: actors.clerk, paidOn: '2026-10-20' });
    // 19 WD after 10-20: 21–23, 26–30, 11-02–06, 09–13, 16 → Mon 2026-11-16.
    expect(clockOf(paid, 'reply')!.derived).toMatchObject({ status: 'running', due: '2026-11-16' });
  });

  it('a fee waiver is decided by a leader before any notice; the notice follows the decision', async () => {
    const refusedWaiver = await start({ receivedOn: '2026-10-08', feeWaiverRequested: true, feeWaiverReason: '本人系低保户' });
    const { handle } = refusedWaiver;
    await act(handle, m.acceptUpdate, { actor: actors.clerk });
    expect(
      await refused(act(handle, m.issueFeeNoticeUpdate, { actor: actors.clerk, basis: 'by-pages', pages: 150, noticeOn: '2026-10-09' })),
    ).toContain('须先由领导作出减免决定');
    expect(await refused(act(handle, m.decideFeeWaiverUpdate, { actor: actors.clerk, approved: true, reasons: 'x' }))).toContain(
      '由领导作出',
    );
    await act(handle, m.decideFeeWaiverUpdate, { actor: actors.leader, approved: false, reasons: '未提供低保证明' });
    expect(await refused(act(handle, m.decideFeeWaiverUpdate, { actor: actors.leader, approved: true, reasons: '再议' }))).toContain(
      '已于',
    );
    const noticed = await act(handle, m.issueFeeNoticeUpdate, {
      actor: actors.clerk,
      basis: 'by-pages',
      pages: 150,
      noticeOn: '2026-10-09',
    });
    expect(noticed.fee!.computation.total).toBe(1700);
    const docs = await documents(refusedWaiver.state.caseNo);
    expect(docs.map((d) => d.kind)).toEqual(['receipt', 'fee-waiver', 'fee']);
    expect(docs[1]!.html).toContain('不予减免');
    expect(docs[2]!.html).toContain('不予减免，理由：未提供低保证明');

    const approved = await start({ receivedOn: '2026-10-08', feeWaiverRequested: true, feeWaiverReason: '本人系低保户' });
    await act(approved.handle, m.acceptUpdate, { actor: actors.clerk });
    await act(approved.handle, m.decideFeeWaiverUpdate, { actor: actors.leader, approved: true, reasons: '提供了低保证明' });
    expect(
      await refused(
        act(approved.handle, m.issueFeeNoticeUpdate, { actor: actors.clerk, basis: 'by-pages', pages: 150, noticeOn: '2026-10-09' }),
      ),
    ).toContain('批准减免');
  });
});

it('an extension approved while the clock is paused is notified in writing, with the days that remain (§33)', async () => {
  const { handle, state } = await start({ channel: 'registered-mail', receivedOn: '2026-09-28' });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  await act(handle, m.startConsultationUpdate, {
    actor: actors.clerk,
    kind: 'third-party',
    party: '某某建设有限公司',
    sentOn: '2026-10-08',
  });
  await act(handle, m.requestExtensionUpdate, { actor: actors.clerk, workingDays: 20, reason: '需要调取多个年度档案' });
  const approved = await act(handle, m.approveExtensionUpdate, { actor: actors.leader });
  expect(clockOf(approved, 'reply')!.derived).toMatchObject({ status: 'paused', remainingWorkingDays: 37 });
  const extension = (await documents(state.caseNo)).find((d) => d.kind === 'extension')!;
  expect(extension.html).toContain('剩余37个工作日');
  expect(extension.html).toContain('征求第三方（某某建设有限公司）意见');
  expect(extension.html).toContain('政府信息公开工作机构负责人同意');
  // The answer on Mon 10-12 resumes it: 37 WD → 13–16, 19–23, 26–30, 11-02–06, 09–13, 16–20, 23–27, 30, 12-01, 12-02.
  const answered = await act(handle, m.recordConsultationAnswerUpdate, {
    actor: actors.clerk,
    consultationId: 'third-party-1',
    result: 'agree',
    receivedOn: '2026-10-12',
  });
  expect(clockOf(answered, 'reply')!.derived!.due).toBe('2026-12-02');
});

it('secrecy review: level 1 by the unit head, level 2 by the leader, one escalation whose "secret" answer bars disclosure', async () => {
  const { handle } = await start({ receivedOn: '2026-11-02' });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  await act(handle, m.proposeUpdate, { actor: actors.department, outcome: 'disclosed', summary: '拟公开', reasons: '待保密审查' });
  expect(await refused(act(handle, m.reviewSecrecyUpdate, { actor: actors.leader, level: 1, conclusion: 'pass', notes: 'x' }))).toContain(
    '科室负责人',
  );
  const escalatedOn = await today();
  const escalated = await act(handle, m.reviewSecrecyUpdate, {
    actor: actors.reviewer,
    level: 1,
    conclusion: 'cannot-determine',
    notes: '涉及规划图纸',
    authority: '市国家保密局',
  });
  expect(clockOf(escalated, 'secrecy-escalation')!.derived!.due).toBe(addWorkingDays(escalatedOn, 10));
  expect(await refused(act(handle, m.extendSecrecyEscalationUpdate, { actor: actors.reviewer, workingDays: 8 }))).toContain('7个工作日');
  const extended = await act(handle, m.extendSecrecyEscalationUpdate, { actor: actors.reviewer, workingDays: 7 });
  expect(clockOf(extended, 'secrecy-escalation')!.derived!.due).toBe(addWorkingDays(escalatedOn, 17));
  expect(await refused(act(handle, m.extendSecrecyEscalationUpdate, { actor: actors.reviewer, workingDays: 1 }))).toContain('只能延长一次');
  await act(handle, m.answerSecrecyEscalationUpdate, {
    actor: actors.reviewer,
    conclusion: 'secret',
    notes: '属于秘密级',
    answeredOn: await today(),
  });
  expect(await refused(act(handle, m.reviewSecrecyUpdate, { actor: actors.reviewer, level: 2, conclusion: 'pass', notes: 'x' }))).toContain(
    '分管领导',
  );
  expect(
    await refused(
      act(handle, m.reviewSecrecyUpdate, {
        actor: actors.leader,
        level: 2,
        conclusion: 'cannot-determine',
        notes: 'x',
        authority: '省国家保密局',
      }),
    ),
  ).toContain('不能再次报请');
  const reviewed = await act(handle, m.reviewSecrecyUpdate, {
    actor: actors.leader,
    level: 2,
    conclusion: 'pass',
    notes: '同意保密工作部门意见',
  });
  expect(reviewed.clocks.filter((c) => c.id === 'secrecy-escalation')).toHaveLength(1);
  expect(clockOf(reviewed, 'secrecy-escalation')!.closed).toBe(true);
  expect(
    await refused(act(handle, m.decideUpdate, { actor: actors.clerk, outcome: 'disclosed', reasons: 'x', legalBasis: 'x' })),
  ).toContain('属于国家秘密');
  const decided = await act(handle, m.decideUpdate, {
    actor: actors.clerk,
    outcome: 'not-disclosed.state-secret',
    reasons: '经市国家保密局确定属于国家秘密',
    legalBasis: '条例第十四条',
  });
  expect(decided.decision!.outcome).toBe('not-disclosed.state-secret');
});

it('§36 replies are counted under the row the profile maps them to, enforced at decide', async () => {
  const { handle } = await start({ receivedOn: '2026-11-02' });
  await toSecrecyCleared(handle);
  const problem = await refused(
    act(handle, m.decideUpdate, {
      actor: actors.clerk,
      outcome: 'cannot-provide.not-held',
      section36: 'already-public',
      reasons: 'x',
      legalBasis: 'x',
      referral: '门户网站',
    }),
  );
  expect(problem).toContain('disclosed');
  const decided = await act(handle, m.decideUpdate, {
    actor: actors.clerk,
    outcome: 'disclosed',
    section36: 'already-public',
    reasons: '已主动公开',
    legalBasis: '条例第三十六条第（一）项',
    referral: '本局门户网站“政策文件”栏目',
  });
  expect(decided.decision).toMatchObject({ outcome: 'disclosed', section36: 'already-public' });
});

it('seed 002: information decided to be disclosed is provided within 10 WD of the decision', async () => {
  const { handle } = await start({ receivedOn: '2026-11-02' }, 'etuokeqianqi-002');
  await toSecrecyCleared(handle);
  const decidedOn = await today();
  const decided = await act(handle, m.decideUpdate, { actor: actors.clerk, outcome: 'disclosed', reasons: '可以公开', legalBasis: '条例' });
  const provide = clockOf(decided, 'provide')!;
  expect(provide.events[0]).toMatchObject({ type: 'started', date: decidedOn, workingDays: 10 });
  expect(provide.derived!.due).toBe(addWorkingDays(decidedOn, 10));
  await act(handle, m.signOffUpdate, { actor: actors.leader });
  const delivered = await act(handle, m.deliverUpdate, { actor: actors.clerk, method: 'email', deliveredOn: await today() });
  expect(clockOf(delivered, 'provide')!.closed).toBe(true);
  expect(delivered.endedOn).toBe(await today());
});

describe('条例§35: requests clearly beyond a reasonable number or frequency', () => {
  it('reasons asked for, found reasonable: a later reply date is set with its own clock and notified', async () => {
    const { handle, state } = await start({ receivedOn: '2026-11-02' });
    await act(handle, m.requestReasonsUpdate, { actor: actors.clerk, explanation: '申请人本月提交同类申请四十二件' });
    expect(await refused(act(handle, m.requestReasonsUpdate, { actor: actors.clerk, explanation: 'x' }))).toContain('已于');
    expect(
      await refused(
        act(handle, m.ruleExcessiveRequestUpdate, { actor: actors.leader, reasonable: false, explanation: 'x', laterWorkingDays: 10 }),
      ),
    ).toContain('不设延迟答复期限');
    const ruledOn = await today();
    const ruled = await act(handle, m.ruleExcessiveRequestUpdate, {
      actor: actors.leader,
      reasonable: true,
      explanation: '所需信息涉及十二个年度的档案',
      reasonsReceivedOn: ruledOn,
      laterWorkingDays: 30,
    });
    expect(clockOf(ruled, 'reply')!.closed).toBe(true);
    const deferred = clockOf(ruled, 'deferred-reply')!;
    expect(deferred.events[0]).toMatchObject({ type: 'started', date: ruledOn, workingDays: 30 });
    expect(deferred.derived!.due).toBe(addWorkingDays(ruledOn, 30));
    const docs = await documents(state.caseNo);
    expect(docs.map((d) => d.kind)).toEqual(['receipt', 'reasons-request', 'deferred-reply']);
    expect(docs[2]!.html).toContain('30个工作日');
    const row = await database.db
      .selectFrom('applications')
      .select('reply_due')
      .where('case_no', '=', state.caseNo)
      .executeTakeFirstOrThrow();
    expect(row.reply_due).toBe(addWorkingDays(ruledOn, 30));
  });

  it('found unreasonable: the only outcome is 不予处理（无正当理由大量反复申请）, and that outcome needs the ruling', async () => {
    const plain = await start({ receivedOn: '2026-11-02' });
    await toSecrecyCleared(plain.handle);
    expect(
      await refused(
        act(plain.handle, m.decideUpdate, { actor: actors.clerk, outcome: 'not-handled.excessive', reasons: 'x', legalBasis: 'x' }),
      ),
    ).toContain('第三十五条');

    const { handle } = await start({ receivedOn: '2026-11-02' });
    await act(handle, m.requestReasonsUpdate, { actor: actors.clerk, explanation: '申请人本月提交同类申请四十二件' });
    await act(handle, m.ruleExcessiveRequestUpdate, { actor: actors.leader, reasonable: false, explanation: '未说明正当理由' });
    await toSecrecyCleared(handle);
    expect(
      await refused(act(handle, m.decideUpdate, { actor: actors.clerk, outcome: 'disclosed', reasons: 'x', legalBasis: 'x' })),
    ).toContain('不予处理');
    const decided = await act(handle, m.decideUpdate, {
      actor: actors.clerk,
      outcome: 'not-handled.excessive',
      reasons: '无正当理由大量反复申请',
      legalBasis: '条例第三十五条',
    });
    expect(decided.decision!.outcome).toBe('not-handled.excessive');
  });
});

describe('internal step clocks: each counts from the event its rulebook names', () => {
  // Receipt Mon 2026-09-28: 1 WD → 09-29; 3 WD → 10-08; 5 WD → 10-10 (Sat, worked); 7 WD → 10-13.
  const RECEIPT = '2026-09-28';
  const HAND_WORKED_FROM_RECEIPT: Record<number, string> = { 1: '2026-09-29', 3: '2026-10-08', 5: '2026-10-10', 7: '2026-10-13' };

  for (const profile of currentRuleProfiles().filter((p) => p.application.internalSteps.length > 0)) {
    it(`${profile.id}: every step clock opens on its start event with its own period`, async () => {
      const { handle } = await start({ receivedOn: RECEIPT }, profile.id);
      const eventDates: Partial<Record<StepStartEvent, string>> = { receipt: RECEIPT };
      eventDates.acceptance = await today();
      await act(handle, m.acceptUpdate, { actor: actors.clerk });
      eventDates.assignment = await today();
      await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
      await act(handle, m.proposeUpdate, { actor: actors.department, outcome: 'disclosed', summary: '拟公开', reasons: '不涉密' });
      await act(handle, m.reviewSecrecyUpdate, { actor: actors.reviewer, level: 1, conclusion: 'pass', notes: '不涉密' });
      await act(handle, m.reviewSecrecyUpdate, { actor: actors.leader, level: 2, conclusion: 'pass', notes: '同意' });
      eventDates.decision = await today();
      const decided = await act(handle, m.decideUpdate, {
        actor: actors.clerk,
        outcome: 'disclosed',
        reasons: '可以公开',
        legalBasis: '条例',
      });
      for (const step of profile.application.internalSteps) {
        const clock = clockOf(decided, `step:${step.step}`);
        expect({ step: step.step, started: clock?.events[0] }).toEqual({
          step: step.step,
          started: expect.objectContaining({ type: 'started', date: eventDates[step.startsAt], workingDays: step.workingDays }),
        });
        const expectedDue =
          step.startsAt === 'receipt'
            ? HAND_WORKED_FROM_RECEIPT[step.workingDays]
            : addWorkingDays(eventDates[step.startsAt]!, step.workingDays);
        // A closed clock keeps the due date its start gave it in the derivation's first line.
        expect({ step: step.step, due: clock!.derived!.steps[0]!.due }).toEqual({ step: step.step, due: expectedDue });
      }
    });
  }

  it('黄岩: a proposal sent back by the secrecy review, then reassigned, gets a new department clock each time', async () => {
    const { handle } = await start({ receivedOn: RECEIPT }, 'huangyan-003');
    await act(handle, m.acceptUpdate, { actor: actors.clerk });
    await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
    const proposed = await act(handle, m.proposeUpdate, {
      actor: actors.department,
      outcome: 'disclosed',
      summary: '拟公开',
      reasons: '不涉密',
    });
    expect(clockOf(proposed, 'step:department-proposal')!.closed).toBe(true);
    const returnedOn = await today();
    const returned = await act(handle, m.reviewSecrecyUpdate, {
      actor: actors.reviewer,
      level: 1,
      conclusion: 'fail',
      notes: '含涉密内容，退回修改',
    });
    const second = clockOf(returned, 'step:department-proposal#2')!;
    expect(second).toMatchObject({
      closed: false,
      events: [expect.objectContaining({ type: 'started', date: returnedOn, workingDays: 7 })],
    });
    expect(second.derived!.due).toBe(addWorkingDays(returnedOn, 7));
    const reassigned = await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'zhk' });
    expect(clockOf(reassigned, 'step:department-proposal#2')).toMatchObject({ closed: true, closedReason: '重新交办' });
    expect(clockOf(reassigned, 'step:department-proposal#3')).toMatchObject({ closed: false });
    await act(handle, m.proposeUpdate, {
      actor: { ...actors.department, departmentCode: 'zhk' },
      outcome: 'disclosed',
      summary: '拟公开',
      reasons: '已删除涉密内容',
    });
    const after = await stateOf(handle);
    expect(after.clocks.filter((c) => c.id.startsWith('step:department-proposal')).map((c) => [c.id, c.closed])).toEqual([
      ['step:department-proposal', true],
      ['step:department-proposal#2', true],
      ['step:department-proposal#3', true],
    ]);
  });
});

it('annual-report dates: a correction keeps the first receipt date; the end is the reply’s delivery', async () => {
  const { handle } = await start({ receivedOn: '2026-11-02' });
  await act(handle, m.requestCorrectionUpdate, { actor: actors.clerk, items: ['请明确年份'], periodWorkingDays: 10 });
  const corrected = await act(handle, m.submitCorrectionUpdate, { actor: actors.clerk, receivedOn: await today() });
  expect(corrected).toMatchObject({ firstReceivedOn: '2026-11-02', receivedOn: await today(), endedOn: null });
  const withdrawn = await act(handle, m.withdrawUpdate, { actor: actors.clerk, on: await today(), reason: '申请人撤回' });
  expect(withdrawn.endedOn).toBe(await today());
});
