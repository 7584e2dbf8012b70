/**
 * The application's state transitions (domain/application/transitions.ts) on their own: no
 * Temporal, no database. Each step is applied as the workflow applies it: the transition,
 * then (when it moves clocks) the clocks derived with a weekdays-only calendar, the way the
 * derivation activity does, then the events it asks to record, whose notices get numbers.
 */
import { type CheckContext, checks } from '../domain/application/rules';
import * as t from '../domain/application/transitions';
import type { ApplicationIntake, ApplicationState } from '../domain/application/types';
import type { Actor } from '../domain/case';
import type { IsoDate } from '../domain/calendar/dates';
import { WorkingDayCalendar } from '../domain/calendar/working-days';
import { type ClockEvent, deriveClock } from '../domain/clocks/working-day-clock';
import { createApplicationActivities } from '../activities/application';
import type { CalendarStore } from '../db/repositories/calendar';
import { feeByPages } from '../domain/fees';
import { findRuleProfile } from '../domain/rulesets';
import type { RuleProfile } from '../domain/rulesets/schema';

/** 2026 with no holidays declared: every weekday works, so due dates can be counted by hand. */
const WEEKDAYS_ONLY = new WorkingDayCalendar({ version: 'weekdays-2026', officialYears: [2026], days: {} });

const actor = (username: string, role: Actor['role']): Actor => ({
  userId: username,
  username,
  displayName: username,
  role,
  departmentCode: 'gkb',
});
const clerk = actor('clerk', 'clerk');
const department = actor('department', 'department');
const reviewer = actor('reviewer', 'reviewer');
const leader = actor('leader', 'leader');

function intake(overrides: Partial<ApplicationIntake> = {}): ApplicationIntake {
  return {
    channel: 'in-person',
    applicant: {
      type: 'natural-person',
      name: '张三',
      idType: 'resident-id',
      idNumber: '110101199003071233',
      phone: '1',
      address: '某街道1号',
    },
    description: '2025年度安全生产执法检查计划',
    form: 'email',
    delivery: 'email',
    feeWaiverRequested: false,
    receivedOn: '2026-03-02', // a Monday
    ...overrides,
  };
}

/** One case under one profile: applies steps as the workflow does and keeps what was recorded. */
class Case {
  readonly state: ApplicationState;
  readonly recorded: t.EventDraft[] = [];
  private readonly profile: RuleProfile;

  constructor(
    profileId: string,
    caseIntake: ApplicationIntake,
    private readonly currentRules = true,
  ) {
    this.profile = findRuleProfile(profileId)!;
    this.state = t.newApplicationState({ caseNo: '2026-000042', queryCode: 'Q42', intake: caseIntake }, this.profile);
  }

  context(today: IsoDate): t.TransitionContext {
    return { rules: this.profile.application, currentRules: this.currentRules, today, officeDepartmentCode: 'office' };
  }

  register(today: IsoDate, duplicates: string[] = []): t.EventDraft[] {
    const ctx = this.context(today);
    t.register(this.state, duplicates, ctx);
    this.derive();
    return this.record(today, [t.registered(this.state, ctx)]);
  }

  /** A step as the workflow runs it, after asking the rules whether it is allowed (a refused step throws). */
  step<P, A>(action: keyof typeof checks, transition: t.Transition<P, A>, payload: P, today: IsoDate): t.EventDraft[] {
    const context: CheckContext = { profile: this.profile, today, currentRules: this.currentRules };
    const refusal = (checks[action] as (s: ApplicationState, p: P, c: CheckContext) => string | null)(this.state, payload, context);
    if (refusal) throw new Error(refusal);
    const ctx = this.context(today);
    const applied = transition.apply(this.state, payload, ctx);
    if (transition.rederive) this.derive();
    return this.record(today, transition.events(this.state, payload, ctx, applied));
  }

  refusal<P>(action: keyof typeof checks, payload: P, today: IsoDate): string | null {
    const context: CheckContext = { profile: this.profile, today, currentRules: this.currentRules };
    return (checks[action] as (s: ApplicationState, p: P, c: CheckContext) => string | null)(this.state, payload, context);
  }

  /** Fires what is due at `instant` as the timer loop does: reminders, then the expiry. */
  fire(instant: string): t.EventDraft[] {
    const now = Date.parse(instant);
    const ctx = this.context(instant.slice(0, 10));
    const fired: t.EventDraft[] = [];
    for (const c of [...this.state.clocks]) {
      if (!t.armed(c)) continue;
      for (const r of c.reminders) if (t.reminderDue(c, r, now)) fired.push(t.remind(this.state, c, r.workingDaysBefore, ctx));
      if (t.expiryDue(c, now)) {
        const expiry = t.expire(this.state, c, ctx);
        if (expiry.rederive) this.derive();
        fired.push(expiry.event);
      }
    }
    return this.record(ctx.today, fired);
  }

  due(clockId: string): IsoDate | null {
    return t.dueOf(this.state, clockId);
  }

  clock(clockId: string) {
    const found = t.clockOf(this.state, clockId);
    if (!found) throw new Error(`no clock ${clockId}`);
    return found;
  }

  docNo(kind: string): string {
    return [...this.state.notices].reverse().find((n) => n.kind === kind)!.docNo;
  }

  /** The derivation activity's work, with the weekdays-only calendar (reminders 2 WD before, at 09:00). */
  private derive(): void {
    const results = t.clocksToDerive(this.state, null).map((c) => {
      const derived = deriveClock(c.events, WEEKDAYS_ONLY);
      const running = derived.status === 'running' && derived.due !== null;
      const reminderOn = running ? WEEKDAYS_ONLY.workingDaysBefore(derived.due!, 2) : null;
      return {
        id: c.id,
        derived,
        dueAt: derived.due ? `${derived.due}T15:59:59.999Z` : null,
        reminders: reminderOn ? [{ workingDaysBefore: 2, date: reminderOn, at: `${reminderOn}T01:00:00.000Z` }] : [],
      };
    });
    t.applyDerivation(this.state, results, Date.parse('2026-01-01T00:00:00Z'));
  }

  /** The persistence activity's part: the event gets its number, its notice a document number. */
  private record(today: IsoDate, drafts: t.EventDraft[]): t.EventDraft[] {
    for (const draft of drafts) {
      this.state.seq += 1;
      this.recorded.push(draft);
      if (draft.notice) t.noticeNumbered(this.state, draft, t.noticeIssue(draft.notice, today, draft.sent), `DOC-${this.state.seq}`);
    }
    return drafts;
  }
}

describe('registration to delivery', () => {
  it('counts the reply from receipt, moves through the stages and closes every clock on delivery', () => {
    const c = new Case('national-2019', intake());
    expect(c.state.stage).toBe('registered');

    const [submitted] = c.register('2026-03-02', ['2026-000007']);
    expect(submitted).toMatchObject({
      type: 'submitted',
      payload: { channel: 'in-person', receivedOn: '2026-03-02', possibleDuplicates: ['2026-000007'] },
      // 20 working days from Monday 2 March, the day itself not counted.
      notice: { kind: 'receipt', replyDue: '2026-03-30', replyWorkingDays: 20, awaitingConfirmation: false },
    });
    expect((submitted!.notice as { replyRule?: string }).replyRule).toMatch(/^《[^》]+》第三十三条$/);
    expect(c.state.clocks.map((clock) => clock.id)).toEqual(['reply', 'correction-notice']);
    expect(c.state.firstReceivedOn).toBe('2026-03-02');
    expect(c.state.notices).toEqual([{ docNo: 'DOC-1', kind: 'receipt', issuedOn: '2026-03-02', addressee: 'applicant', delivery: null }]);

    expect(c.step('accept', t.accept, { actor: clerk }, '2026-03-03')).toEqual([{ type: 'accepted', payload: {} }]);
    expect(c.state.stage).toBe('accepted');
    expect(c.clock('correction-notice')).toMatchObject({ closed: true, closedReason: '已受理' });

    expect(c.step('assign', t.assign, { actor: clerk, departmentCode: 'zfb', assignee: 'department' }, '2026-03-04')).toEqual([
      { type: 'assigned', payload: { departmentCode: 'zfb', assignee: 'department' } },
    ]);
    const [reassigned] = c.step('assign', t.assign, { actor: clerk, departmentCode: 'ajb' }, '2026-03-04');
    expect(reassigned).toEqual({ type: 'reassigned', payload: { departmentCode: 'ajb', assignee: null } });
    expect(c.state).toMatchObject({ stage: 'assigned', departmentCode: 'ajb', assignee: null });

    c.step('propose', t.propose, { actor: department, outcome: 'disclosed', summary: '予以公开', reasons: '不涉密' }, '2026-03-05');
    c.step('reviewSecrecy', t.reviewSecrecy, { actor: reviewer, level: 1, conclusion: 'pass', notes: '无' }, '2026-03-05');
    c.step('reviewSecrecy', t.reviewSecrecy, { actor: leader, level: 2, conclusion: 'pass', notes: '无' }, '2026-03-06');
    expect(c.state.stage).toBe('secrecy-review');

    const decision = { actor: leader, outcome: 'disclosed' as const, reasons: '属于可公开信息', legalBasis: '条例第二十六条' };
    const [decided] = c.step('decide', t.decide, decision, '2026-03-09');
    expect(decided).toMatchObject({ type: 'decided', payload: { outcome: 'disclosed', decidedBy: 'leader', decidedOn: '2026-03-09' } });
    expect(c.state.stage).toBe('decided');

    const signed = c.step('signOff', t.signOff, { actor: leader }, '2026-03-10');
    expect(signed).toEqual([{ type: 'signed', payload: {}, notice: { kind: 'reply', decision: c.state.decision } }]);
    expect(c.state.notices.at(-1)).toMatchObject({ kind: 'reply', issuedOn: '2026-03-10', delivery: null });

    c.step('deliver', t.deliver, { actor: clerk, method: 'pick-up', deliveredOn: '2026-03-11' }, '2026-03-11');
    expect(c.state).toMatchObject({ stage: 'delivered', outcome: 'disclosed', endedOn: '2026-03-11', closed: false });
    expect(c.state.clocks.map((clock) => [clock.id, clock.closed, clock.closedReason])).toEqual([
      ['reply', true, '答复已送达'],
      ['correction-notice', true, '已受理'],
    ]);
    // Picked up at the counter: the reply notice is delivered in person.
    expect(c.state.notices.at(-1)!.delivery).toMatchObject({ method: 'in-person', deliveredOn: '2026-03-11', recordedBy: 'clerk' });

    expect(t.close.rederive).toBe(false);
    expect(c.step('close', t.close, { actor: clerk }, '2026-03-12')).toEqual([{ type: 'closed', payload: { outcome: 'disclosed' } }]);
    expect(c.state).toMatchObject({ stage: 'closed', closed: true });
    expect(t.nextTimer(c.state)).toBeNull();
  });

  it('waits for the clerk to confirm a receipt online, then counts from the confirmed day', () => {
    const c = new Case('national-2019', intake({ channel: 'online', receivedOn: null }));
    expect(c.state.stage).toBe('awaiting-receipt-confirmation');
    const [submitted] = c.register('2026-03-02');
    expect(submitted!.notice).toMatchObject({ kind: 'receipt', replyDue: null, awaitingConfirmation: true });
    expect(c.state.clocks).toEqual([]);

    const [confirmed] = c.step('confirmReceipt', t.confirmReceipt, { actor: clerk, receivedOn: '2026-03-03' }, '2026-03-04');
    expect(confirmed).toMatchObject({
      type: 'receipt-confirmed',
      notice: { kind: 'receipt', replyDue: '2026-03-31', awaitingConfirmation: false },
    });
    expect(c.state).toMatchObject({ stage: 'registered', receivedOn: '2026-03-03', firstReceivedOn: '2026-03-03' });
  });

  it('runs the profile’s internal step clocks from the events each names (黄岩, seed 003)', () => {
    const c = new Case('huangyan-003', intake());
    c.register('2026-03-02');
    // register, formal-review and department-proposal count from receipt; registering closes its own.
    expect(c.clock('step:register')).toMatchObject({ closed: true, closedReason: '已登记' });
    expect(c.clock('step:formal-review').closed).toBe(false);
    expect(c.due('step:department-proposal')).toBe('2026-03-11');

    c.step('accept', t.accept, { actor: clerk }, '2026-03-03');
    expect(c.clock('step:formal-review')).toMatchObject({ closed: true, closedReason: '已受理' });
  });
});

describe('correction (补正)', () => {
  function requested(currentRules: boolean): Case {
    const c = new Case('national-2019', intake(), currentRules);
    c.register('2026-03-02');
    c.step('requestCorrection', t.requestCorrection, { actor: clerk, items: ['申请内容不明确'], periodWorkingDays: 10 }, '2026-03-04');
    return c;
  }

  it('stops the reply clock, and the correction period runs from the day the notice is delivered', () => {
    const c = requested(true);
    expect(c.state.stage).toBe('correction-requested');
    expect(c.clock('reply').derived).toMatchObject({ status: 'paused', consumedWorkingDays: 2, remainingWorkingDays: 18 });
    expect(c.clock('correction-notice')).toMatchObject({ closed: true, closedReason: '已告知补正' });
    // §30 "自收到之日起": no period yet, so the notice states the period instead of a date.
    expect(c.recorded.at(-1)!.notice).toMatchObject({ kind: 'correction', periodWorkingDays: 10, correctBy: null });
    expect(t.clockOf(c.state, 'correction-period')).toBeUndefined();
    expect(t.pauseReasons(c.state)).toEqual(['等待补正']);

    const [delivered] = c.step(
      'recordNoticeDelivery',
      t.recordNoticeDelivery,
      { actor: clerk, docNo: c.docNo('correction'), method: 'in-person', deliveredOn: '2026-03-05' },
      '2026-03-05',
    );
    expect(delivered).toMatchObject({ type: 'notice-delivered', payload: { kind: 'correction', method: 'in-person', trackingNo: null } });
    expect(c.clock('correction-period').events[0]).toMatchObject({ type: 'started', date: '2026-03-05', workingDays: 10 });
    expect(c.due('correction-period')).toBe('2026-03-19');

    const materials = [{ sha256: 'ab'.repeat(32), filename: '补正申请.pdf' }];
    const [received] = c.step('submitCorrection', t.submitCorrection, { actor: clerk, receivedOn: '2026-03-09', materials }, '2026-03-09');
    expect(received).toMatchObject({ type: 'correction-received', payload: { receivedOn: '2026-03-09', materials } });
    // The whole reply period starts again from the corrected application's receipt.
    expect(c.due('reply')).toBe('2026-04-06');
    expect(received!.notice).toMatchObject({ kind: 'receipt', replyDue: '2026-04-06' });
    expect(c.clock('correction-period')).toMatchObject({ closed: true, closedReason: '收到补正' });
    expect(c.state).toMatchObject({ stage: 'registered', receivedOn: '2026-03-09', firstReceivedOn: '2026-03-02' });
    expect(c.state.correction).toMatchObject({ requestedOn: '2026-03-04', correctedOn: '2026-03-09' });
  });

  it('ran the period from the request in executions recorded before the rules of issue 15', () => {
    const c = requested(false);
    expect(c.clock('correction-period').events[0]).toMatchObject({ date: '2026-03-04', workingDays: 10 });
    expect(c.recorded.at(-1)!.notice).toMatchObject({ kind: 'correction', correctBy: '2026-03-18' });
    expect(c.recorded.at(-1)!.notice).not.toHaveProperty('rule');
  });

  it('ends the case as abandoned when the period runs out, on the due date', () => {
    const c = requested(true);
    c.step(
      'recordNoticeDelivery',
      t.recordNoticeDelivery,
      { actor: clerk, docNo: c.docNo('correction'), method: 'in-person', deliveredOn: '2026-03-05' },
      '2026-03-05',
    );
    // Armed for the reminder 2 WD before the due date (17 March, 09:00 Shanghai).
    expect(t.nextTimer(c.state)).toBe(Date.parse('2026-03-17T01:00:00.000Z'));
    const [reminder] = c.fire('2026-03-17T01:00:00.000Z');
    expect(reminder).toEqual({
      type: 'clock-reminder',
      payload: { clockId: 'correction-period', label: '补正期限', due: '2026-03-19', workingDaysBefore: 2, notify: ['role:clerk'] },
    });
    expect(c.fire('2026-03-18T01:00:00.000Z')).toEqual([]); // the reminder went once

    const [abandoned] = c.fire('2026-03-19T16:00:00.000Z');
    expect(abandoned).toEqual({
      type: 'abandoned',
      payload: { reason: 'correction-overdue', due: '2026-03-19', outcome: 'other.correction-overdue' },
    });
    expect(c.state).toMatchObject({ stage: 'closed', closed: true, outcome: 'other.correction-overdue', endedOn: '2026-03-19' });
    expect(c.state.clocks.every((clock) => clock.closed)).toBe(true);
    expect(t.nextTimer(c.state)).toBeNull();
  });
});

describe('extension (延期答复)', () => {
  it('moves the reply due date by the approved working days and notifies it', () => {
    const c = new Case('national-2019', intake());
    c.register('2026-03-02');
    c.step('accept', t.accept, { actor: clerk }, '2026-03-03');
    expect(t.requestExtension.rederive).toBe(false);
    c.step('requestExtension', t.requestExtension, { actor: clerk, workingDays: 10, reason: '需调取档案' }, '2026-03-20');
    expect(c.state.extension).toEqual({
      workingDays: 10,
      reason: '需调取档案',
      requestedBy: 'clerk',
      requestedOn: '2026-03-20',
      approvedBy: null,
      approvedOn: null,
    });
    expect(c.due('reply')).toBe('2026-03-30');

    const [approved] = c.step('approveExtension', t.approveExtension, { actor: leader }, '2026-03-23');
    expect(approved!.payload).toEqual({ workingDays: 10, originalDue: '2026-03-30', newDue: '2026-04-13' });
    expect(approved!.notice).toMatchObject({ kind: 'extension', workingDays: 10, originalDue: '2026-03-30', newDue: '2026-04-13' });
    expect(c.state.extension).toMatchObject({ approvedBy: 'leader', approvedOn: '2026-03-23' });
    expect(c.refusal('requestExtension', { actor: clerk, workingDays: 5, reason: '再延' }, '2026-03-24')).toBe(
      '答复期限只能延长一次（条例第三十三条）',
    );
  });

  it('approved while the reply clock stands still, the notice states the days that remain and why', () => {
    const c = new Case('national-2019', intake());
    c.register('2026-03-02');
    c.step('accept', t.accept, { actor: clerk }, '2026-03-03');
    c.step(
      'startConsultation',
      t.startConsultation,
      { actor: clerk, kind: 'third-party', party: '某公司', sentOn: '2026-03-05' },
      '2026-03-05',
    );
    c.step('requestExtension', t.requestExtension, { actor: clerk, workingDays: 20, reason: '征求意见' }, '2026-03-06');
    const [approved] = c.step('approveExtension', t.approveExtension, { actor: leader }, '2026-03-06');
    const paused = { remainingWorkingDays: 37, reasons: ['征求第三方（某公司）意见'] };
    expect(approved!.payload).toEqual({ workingDays: 20, originalDue: null, newDue: null, paused });
    expect(approved!.notice).toMatchObject({ kind: 'extension', originalDue: null, newDue: null, paused });
  });
});

describe('consultations (征求意见)', () => {
  function consulting(profileId: string): Case {
    const c = new Case(profileId, intake());
    c.register('2026-03-02');
    c.step('accept', t.accept, { actor: clerk }, '2026-03-03');
    const [started] = c.step(
      'startConsultation',
      t.startConsultation,
      { actor: clerk, kind: 'third-party', party: '某公司', address: '某路1号', sentOn: '2026-03-04' },
      '2026-03-04',
    );
    expect(started).toMatchObject({
      type: 'consultation-started',
      payload: { consultationId: 'third-party-1', kind: 'third-party', party: '某公司', sentOn: '2026-03-04' },
      notice: { kind: 'third-party', answerBy: null, workingDays: 15, address: '某路1号' },
      sent: { on: '2026-03-04', consultationId: 'third-party-1' },
    });
    // The letter's number is the consultation's, for its delivery record.
    expect(c.state.consultations[0]!.letterDocNo).toBe(c.docNo('third-party'));
    expect(c.clock('reply').derived!.status).toBe('paused');
    c.step(
      'recordNoticeDelivery',
      t.recordNoticeDelivery,
      { actor: clerk, docNo: c.docNo('third-party'), method: 'post', trackingNo: 'EMS1', deliveredOn: '2026-03-06' },
      '2026-03-06',
    );
    expect(c.due('third-party-1')).toBe('2026-03-27');
    return c;
  }

  it('a third party’s silence is no answer under the national rules, consent under 桦甸 (seed 001)', () => {
    const national = consulting('national-2019');
    expect(national.fire('2026-03-27T16:00:00.000Z').at(-1)).toEqual({
      type: 'consultation-expired',
      payload: { consultationId: 'third-party-1', result: 'no-answer', due: '2026-03-27' },
    });
    expect(national.clock('reply').derived!.status).toBe('running');

    const huadian = consulting('huadian-001');
    expect(huadian.fire('2026-03-27T16:00:00.000Z').at(-1)!.payload).toMatchObject({ result: 'deemed-consent' });
  });

  it('an answer received in time but entered after the expiry replaces the expiry’s date', () => {
    const c = consulting('national-2019');
    c.fire('2026-03-27T16:00:00.000Z');
    const [late] = c.step(
      'recordConsultationAnswer',
      t.recordConsultationAnswer,
      { actor: clerk, consultationId: 'third-party-1', result: 'object', receivedOn: '2026-03-20' },
      '2026-03-30',
    );
    expect(late).toEqual({
      type: 'consultation-answer-recorded-late',
      payload: {
        consultationId: 'third-party-1',
        result: 'object',
        receivedOn: '2026-03-20',
        summary: null,
        replaces: { result: 'no-answer', expiredOn: '2026-03-27' },
      },
    });
    expect(c.state.consultations[0]!.answer).toMatchObject({
      result: 'object',
      receivedOn: '2026-03-20',
      correctsExpiry: { result: 'no-answer', due: '2026-03-27', enteredOn: '2026-03-30', enteredBy: 'clerk' },
    });
    expect(c.clock('third-party-1').events.at(-1)).toMatchObject({ type: 'stopped', date: '2026-03-20' });
    expect(c.clock('reply').events.at(-1)).toMatchObject({ type: 'resumed', date: '2026-03-20', pauseId: 'third-party-1' });
  });
});

describe('refusals and what they leave', () => {
  function reviewed(profileId: string): Case {
    const c = new Case(profileId, intake());
    c.register('2026-03-02');
    c.step('accept', t.accept, { actor: clerk }, '2026-03-03');
    c.step('assign', t.assign, { actor: clerk, departmentCode: 'zfb' }, '2026-03-03');
    c.step('propose', t.propose, { actor: department, outcome: 'disclosed', summary: '公开', reasons: '无' }, '2026-03-04');
    return c;
  }

  it('a step the rules refuse is never applied: deciding before the secrecy review, a second correction', () => {
    const c = reviewed('national-2019');
    const before = structuredClone(c.state);
    expect(() => c.step('decide', t.decide, { actor: leader, outcome: 'disclosed', reasons: 'r', legalBasis: 'b' }, '2026-03-05')).toThrow(
      '保密审查完成前不能拟定答复',
    );
    expect(c.state).toEqual(before);

    const corrected = new Case('national-2019', intake());
    corrected.register('2026-03-02');
    corrected.step('requestCorrection', t.requestCorrection, { actor: clerk, items: ['a'], periodWorkingDays: 5 }, '2026-03-03');
    expect(corrected.refusal('requestCorrection', { actor: clerk, items: ['b'], periodWorkingDays: 5 }, '2026-03-04')).toMatch(
      '补正只能一次性告知',
    );
  });

  it('a failed secrecy review sends the proposal back, with a new step clock from that day (黄岩)', () => {
    const c = reviewed('huangyan-003');
    expect(c.clock('step:department-proposal')).toMatchObject({ closed: true, closedReason: '已提出承办意见' });
    c.step('reviewSecrecy', t.reviewSecrecy, { actor: reviewer, level: 1, conclusion: 'fail', notes: '含敏感信息' }, '2026-03-05');
    expect(c.state).toMatchObject({
      stage: 'assigned',
      proposal: null,
      secrecy: { firstLevel: null, secondLevel: null, escalation: null },
    });
    expect(c.clock('step:department-proposal#2').events).toEqual([
      { type: 'started', date: '2026-03-05', workingDays: 7, reason: '保密审查未通过，退回修改' },
    ]);
  });

  it('refusing disclosure over a third party’s objection tells only the applicant; disclosing part also tells the third party', () => {
    function objected(outcome: 'not-disclosed.third-party-rights' | 'partially-disclosed'): t.EventDraft[] {
      const c = reviewed('national-2019');
      c.step(
        'startConsultation',
        t.startConsultation,
        { actor: clerk, kind: 'third-party', party: '某公司', sentOn: '2026-03-04' },
        '2026-03-04',
      );
      c.step(
        'recordConsultationAnswer',
        t.recordConsultationAnswer,
        { actor: clerk, consultationId: 'third-party-1', result: 'object', receivedOn: '2026-03-06' },
        '2026-03-06',
      );
      c.step('reviewSecrecy', t.reviewSecrecy, { actor: reviewer, level: 1, conclusion: 'pass', notes: '' }, '2026-03-09');
      c.step('reviewSecrecy', t.reviewSecrecy, { actor: leader, level: 2, conclusion: 'pass', notes: '' }, '2026-03-09');
      c.step('decide', t.decide, { actor: leader, outcome, reasons: '涉及商业秘密', legalBasis: '条例第十五条' }, '2026-03-10');
      return c.step('signOff', t.signOff, { actor: leader }, '2026-03-11');
    }

    expect(objected('not-disclosed.third-party-rights').map((e) => e.type)).toEqual(['signed']);
    const [, notified] = objected('partially-disclosed');
    expect(notified).toMatchObject({
      type: 'third-party-disclosure-notified',
      payload: { consultationId: 'third-party-1', party: '某公司', outcome: 'partially-disclosed' },
      notice: { kind: 'third-party-disclosure', party: '某公司', reasons: '涉及商业秘密' },
      sent: { consultationId: 'third-party-1' },
    });
  });

  it('an unpaid fee ends the case as abandoned; a withdrawal ends it on the day given', () => {
    const c = new Case('national-2019', intake());
    c.register('2026-03-02');
    c.step('accept', t.accept, { actor: clerk }, '2026-03-03');
    const request = { actor: clerk, basis: 'by-pages' as const, pages: 250, noticeOn: '2026-03-04' };
    expect(t.feeQuery(c.state, request)).toMatchObject({ basis: 'by-pages', pages: 250, count: 1, receivedOn: '2026-03-02' });
    const computation = feeByPages(250);
    expect(computation.total).toBeGreaterThan(0);
    const [issued] = c.step('issueFeeNotice', t.issueFeeNotice, { ...request, computation }, '2026-03-04');
    expect(issued).toMatchObject({ type: 'fee-notice-issued', notice: { kind: 'fee', payBy: null }, sent: { on: '2026-03-04' } });
    expect(t.pauseReasons(c.state)).toEqual(['等待缴纳信息处理费']);
    c.step(
      'recordNoticeDelivery',
      t.recordNoticeDelivery,
      { actor: clerk, docNo: c.docNo('fee'), method: 'in-person', deliveredOn: '2026-03-05' },
      '2026-03-05',
    );
    const due = c.due('fee-payment')!;
    expect(due).toBe('2026-04-02');
    expect(c.fire(`${due}T16:00:00.000Z`).at(-1)).toEqual({
      type: 'abandoned',
      payload: { reason: 'fee-unpaid', due, outcome: 'other.fee-unpaid' },
    });

    const withdrawn = new Case('national-2019', intake());
    withdrawn.register('2026-03-02');
    expect(withdrawn.step('withdraw', t.withdraw, { actor: clerk, on: '2026-03-04', reason: '不再需要' }, '2026-03-05')).toEqual([
      { type: 'withdrawn', payload: { on: '2026-03-04', reason: '不再需要', outcome: 'other.other' } },
    ]);
    expect(withdrawn.state).toMatchObject({ stage: 'closed', closed: true, outcome: 'other.other', endedOn: '2026-03-04' });
    expect(withdrawn.state.clocks.every((clock) => clock.closedReason === '申请人撤回申请')).toBe(true);
  });

  it('an overdue reply clock is escalated to the department head and the supervisor', () => {
    const c = new Case('national-2019', intake(), true);
    c.register('2026-03-02');
    c.step('accept', t.accept, { actor: clerk }, '2026-03-03');
    c.step('assign', t.assign, { actor: clerk, departmentCode: 'zfb', assignee: 'department' }, '2026-03-03');
    const overdue = c.fire('2026-03-30T16:00:00.000Z');
    expect(overdue.map((e) => e.type)).toEqual(['clock-reminder', 'clock-overdue']);
    expect(overdue[1]!.payload).toEqual({
      clockId: 'reply',
      label: '答复期限',
      due: '2026-03-30',
      notify: ['user:department', 'department-head:zfb', 'role:supervisor'],
    });
    expect(c.state.stage).toBe('assigned'); // escalated, not ended
    expect(t.nextTimer(c.state)).toBeNull();
  });
});

describe('compact derivation answers (what the history holds of a derivation)', () => {
  const { deriveClocks } = createApplicationActivities({
    db: undefined as never, // the derivation reads only the calendar
    calendar: { current: async () => WEEKDAYS_ONLY } as unknown as CalendarStore,
    agency: undefined as never,
  });
  const events: ClockEvent[] = [
    { type: 'started', date: '2026-03-02', workingDays: 20, reason: '收到申请' },
    { type: 'paused', date: '2026-03-05', pauseId: 'consultation-1', reason: '征求第三方意见' },
    { type: 'resumed', date: '2026-03-20', pauseId: 'consultation-1', reason: '第三方答复' },
    { type: 'extended', date: '2026-03-25', workingDays: 20, reason: '延期答复' },
    { type: 'stopped', date: '2026-04-10', reason: '答复已送达' },
  ];
  const caseWithReplyClock = () => {
    const c = new Case('national-2019', intake());
    c.register('2026-03-02');
    return c.clock('reply');
  };

  it('leaves out the steps the workflow holds, the events and the reminders’ instants, and puts back the same derivation', async () => {
    const whole = { state: new Case('national-2019', intake()).state };
    const compact = { state: new Case('national-2019', intake()).state };
    for (const s of [whole.state, compact.state]) s.clocks = [{ ...caseWithReplyClock(), events: [], derived: null }];
    let derivedFrom: string | undefined;
    for (let k = 1; k <= events.length; k += 1) {
      const clock = compact.state.clocks[0]!;
      clock.events = events.slice(0, k);
      whole.state.clocks[0]!.events = events.slice(0, k);
      const held = t.heldSteps(clock, derivedFrom);
      const answer = await deriveClocks({
        clocks: [{ id: 'reply', events: clock.events, ...(held ? { heldSteps: held } : {}) }],
        reminderWorkingDaysBefore: [5, 2],
        compact: true,
      });
      expect(answer[0]!.stepsFrom).toBe(k === 1 ? undefined : k - 1);
      expect(answer[0]!.derived.steps).toHaveLength(1);
      expect(JSON.stringify(answer)).not.toContain('"event"');
      expect(JSON.stringify(answer)).not.toContain('"at"');
      t.applyDerivation(compact.state, answer, 0);
      derivedFrom = JSON.stringify(clock.events);
      t.applyDerivation(
        whole.state,
        await deriveClocks({ clocks: [{ id: 'reply', events: events.slice(0, k) }], reminderWorkingDaysBefore: [5, 2] }),
        0,
      );
      expect(compact.state.clocks[0]).toEqual(whole.state.clocks[0]);
    }
    expect(compact.state.clocks[0]!.derived!.steps.map((s) => s.event)).toEqual(events);
  });

  it('answers whole when the calendar changed since, or the held events are no longer the first', async () => {
    const clock = { ...caseWithReplyClock(), events: events.slice(0, 2) };
    const derivedFrom = JSON.stringify(events.slice(0, 1));
    clock.derived = { ...deriveClock(events.slice(0, 1), WEEKDAYS_ONLY) };
    expect(t.heldSteps(clock, derivedFrom)).toEqual({ count: 1, calendarVersion: 'weekdays-2026' });
    const answer = await deriveClocks({
      clocks: [{ id: 'reply', events: clock.events, heldSteps: { count: 1, calendarVersion: 'weekdays-2025' } }],
      reminderWorkingDaysBefore: [2],
      compact: true,
    });
    expect(answer[0]!.stepsFrom).toBeUndefined();
    expect(answer[0]!.derived.steps).toHaveLength(2);
    // An earlier event changed (not a prefix any more): nothing is held.
    expect(t.heldSteps({ ...clock, events: [{ ...events[0]!, workingDays: 15 } as ClockEvent, events[1]!] }, derivedFrom)).toBeUndefined();
  });
});
