/**
 * What each step of an application does to its state: the stage it moves to, the records it
 * keeps, the events it appends to the clocks, and the events (with their notices) it asks to
 * be recorded. The workflow runs these under its lock and does the rest: it checks the step
 * (rules.ts), has the clocks derived and the events persisted by activities, and arms timers.
 * Pure module: no Temporal, no I/O; clock derivation arrives as the activity's results.
 *
 * `currentRules` is the workflow's 'legal-rules-2026' patch: executions recorded before the
 * rules of issue 15 replay the transitions exactly as they ran.
 */
import { notYetDerived, stopOpenClock } from '../clocks/case-clock';
import type { NoticeDetails } from '../../activities/notices'; // a type only: what each notice shows
import type { IsoDate } from '../calendar/dates';
import { nextTimerInstant, reminderInstant, reminderKey } from '../clocks/timers';
import type { ClockEvent, DerivationStep, DerivedClock } from '../clocks/working-day-clock';
import type { FeeBasis, FeeComputation } from '../fees';
import type { Outcome } from '../outcomes';
import type { ApplicationStep, Citation, RuleProfile, StepStartEvent } from '../rulesets/schema';
import {
  type Actor,
  addresseeOf,
  type ApplicationIntake,
  type ApplicationState,
  type CaseClock,
  CHANNELS,
  type ClockKind,
  type Decision,
  type HandOver,
  type Consultation,
  issuedNotice,
  type IssuedNotice,
  NOTICE_KINDS,
  type NoticeDeliveryMethod,
  type NoticeIssue,
  receiptNeedsConfirmation,
} from './types';

export type ApplicationRules = RuleProfile['application'];

/** What a transition reads besides the state and the step's payload. */
export interface TransitionContext {
  rules: ApplicationRules;
  /** The 'legal-rules-2026' patch: false for executions recorded before the rules of issue 15. */
  currentRules: boolean;
  /** The day the step is applied (workflow time, Asia/Shanghai). */
  today: IsoDate;
  /** The agency's office for disclosure (department head told of overdue clocks); cases started before it was a setting use gkb. */
  officeDepartmentCode?: string;
}

/** An event a transition asks to be recorded, with the notice it issues and the notice's own date where the clerk gave one. */
export interface EventDraft {
  type: string;
  payload: Record<string, unknown>;
  notice?: NoticeDetails;
  sent?: { on?: IsoDate; consultationId?: string };
}

/**
 * One step: `apply` changes the state; then, when `rederive` is set, the workflow has the
 * clocks derived again; then it records `events` in order, built after the derivation since
 * notices quote the new due dates. `applied` is what `apply` returned for them (e.g. the
 * reply's due date before an extension).
 */
export interface Transition<P, A = void> {
  apply(state: ApplicationState, payload: P, ctx: TransitionContext): A;
  rederive: boolean;
  events(state: ApplicationState, payload: P, ctx: TransitionContext, applied: A): EventDraft[];
}

interface Acting {
  actor: Actor;
}

/** Where executions recorded before step clocks named their start event opened each step (old profiles carry no `startsAt`). */
const LEGACY_STEP_START: Record<ApplicationStep, StepStartEvent> = {
  register: 'receipt',
  'formal-review': 'receipt',
  'transfer-to-department': 'acceptance',
  'department-proposal': 'assignment',
  'sign-off': 'decision',
};

const STEP_LABELS: Record<ApplicationStep, string> = {
  register: '登记期限',
  'formal-review': '形式审查期限',
  'transfer-to-department': '转交承办科室期限',
  'department-proposal': '承办科室提出答复意见期限',
  'sign-off': '签发期限',
};

/** The reply's delivery methods as notice delivery methods (the reply is a notice too). */
const DELIVERY_AS_NOTICE_METHOD: Record<string, NoticeDeliveryMethod> = {
  post: 'post',
  email: 'email',
  fax: 'fax',
  'pick-up': 'in-person',
};

/** '《政府信息公开条例》第三十三条' from a profile citation, for the notices. */
export function cite(citation: Citation): string {
  return `《${citation.source.replace(/（[^（）]*\d{4}[^（）]*）$/, '')}》${citation.article}`;
}

// ---- the case at registration ------------------------------------------------------------

/** A case just started: registered, or awaiting the clerk's confirmation of a receipt not yet dated (§31). */
export function newApplicationState(
  input: { caseNo: string; queryCode: string; intake: ApplicationIntake; handOverFrom?: HandOver },
  profile: Pick<RuleProfile, 'id' | 'version'>,
): ApplicationState {
  const { intake } = input;
  return {
    caseNo: input.caseNo,
    queryCode: input.queryCode,
    ruleProfile: { id: profile.id, version: profile.version },
    // A hand-over is received the day it arrives on the platform: nothing for a clerk to confirm.
    stage:
      !intake.receivedOn || (receiptNeedsConfirmation(intake.channel) && !input.handOverFrom)
        ? 'awaiting-receipt-confirmation'
        : 'registered',
    closed: false,
    outcome: null,
    intake,
    receivedOn: null,
    firstReceivedOn: null,
    endedOn: null,
    departmentCode: null,
    assignee: null,
    correction: null,
    proposal: null,
    secrecy: { firstLevel: null, secondLevel: null, escalation: null },
    decision: null,
    consultations: [],
    suspension: null,
    fee: null,
    feeWaiver: null,
    excessive: null,
    notices: [],
    extension: null,
    delivery: null,
    clocks: [],
    possibleDuplicates: [],
    seq: 0,
    ...(input.handOverFrom ? { handOverFrom: input.handOverFrom } : {}),
  };
}

/** Registration with the possible duplicates found: a receipt already dated starts the clocks. */
export function register(state: ApplicationState, possibleDuplicates: string[], ctx: TransitionContext): void {
  state.possibleDuplicates = possibleDuplicates;
  if (state.stage === 'registered') {
    const from = state.handOverFrom;
    const reason = from ? `收到${from.agencyName}转来的申请（原案号 ${from.caseNo}）` : `收到申请（${CHANNELS[state.intake.channel]}）`;
    startReplyClock(state, state.intake.receivedOn!, reason, ctx);
    closeStep(state, 'register', ctx.today, '已登记', ctx);
  }
}

/** The event of registration, with the receipt (回执) quoting the reply's due date once derived. */
export function registered(state: ApplicationState, ctx: TransitionContext): EventDraft {
  const { channel } = state.intake;
  return {
    type: 'submitted',
    payload: {
      channel,
      receivedOn: state.receivedOn,
      possibleDuplicates: state.possibleDuplicates,
      ...(state.handOverFrom ? { handOverFrom: state.handOverFrom } : {}),
    },
    notice: receiptNotice(state, ctx),
  };
}

// ---- clocks ------------------------------------------------------------------------------

export const clockOf = (state: ApplicationState, id: string): CaseClock | undefined => state.clocks.find((c) => c.id === id);

/** The due date a clock has been derived to, for notices. */
export const dueOf = (state: ApplicationState, id: string): IsoDate | null => clockOf(state, id)?.derived?.due ?? null;

export function openClock(
  state: ApplicationState,
  id: string,
  kind: ClockKind,
  label: string,
  rule: string,
  statutory: boolean,
  start: ClockEvent,
): void {
  state.clocks.push({
    id,
    kind,
    label,
    rule,
    statutory,
    events: [start],
    ...notYetDerived(),
  });
}

/** Appends an event to an open clock (a closed or absent one is left as it is). */
export function clockEvent(state: ApplicationState, id: string, event: ClockEvent): void {
  const target = clockOf(state, id);
  if (target && !target.closed) target.events.push(event);
}

export function closeClock(state: ApplicationState, id: string, date: IsoDate, reason: string): void {
  stopOpenClock(clockOf(state, id), date, reason);
}

const isStepClock = (c: CaseClock, step: ApplicationStep): boolean => c.id === `step:${step}` || c.id.startsWith(`step:${step}#`);

/** The step clock now open for a step: `step:<step>`, or `step:<step>#n` once re-armed. */
const openStepClock = (state: ApplicationState, step: ApplicationStep): CaseClock | undefined =>
  state.clocks.find((c) => !c.closed && isStepClock(c, step));

function startStep(state: ApplicationState, step: ApplicationStep, date: IsoDate, reason: string, ctx: TransitionContext): void {
  const period = ctx.rules.internalSteps.find((s) => s.step === step);
  if (!period) return;
  const earlier = state.clocks.filter((c) => isStepClock(c, step));
  if (earlier.length > 0 && (!ctx.currentRules || earlier.some((c) => !c.closed))) return;
  // A step sent back (secrecy review failed, reassigned) gets a new clock from that day.
  const id = earlier.length === 0 ? `step:${step}` : `step:${step}#${earlier.length + 1}`;
  openClock(state, id, 'step', STEP_LABELS[step], `application.internalSteps.${step}`, false, {
    type: 'started',
    date,
    workingDays: period.workingDays,
    reason,
  });
}

const stepStartOf = (s: ApplicationRules['internalSteps'][number], ctx: TransitionContext): StepStartEvent =>
  ctx.currentRules ? (s.startsAt ?? LEGACY_STEP_START[s.step]) : LEGACY_STEP_START[s.step];

/** Opens the step clocks that count from `event` (each profile names its own, seeds 003 and 004). */
function startStepsAt(state: ApplicationState, event: StepStartEvent, date: IsoDate, reason: string, ctx: TransitionContext): void {
  for (const s of ctx.rules.internalSteps) if (stepStartOf(s, ctx) === event) startStep(state, s.step, date, reason, ctx);
}

function closeStep(state: ApplicationState, step: ApplicationStep, date: IsoDate, reason: string, ctx: TransitionContext): void {
  if (!ctx.currentRules) return closeClock(state, `step:${step}`, date, reason);
  const open = openStepClock(state, step);
  if (open) closeClock(state, open.id, date, reason);
}

function startReplyClock(state: ApplicationState, date: IsoDate, reason: string, ctx: TransitionContext): void {
  state.receivedOn = date;
  state.firstReceivedOn ??= date;
  openClock(state, 'reply', 'reply', '答复期限', 'application.reply', true, {
    type: 'started',
    date,
    workingDays: ctx.rules.reply.workingDays,
    reason,
  });
  openClock(state, 'correction-notice', 'correction-notice', '补正告知期限', 'application.correctionNotice', true, {
    type: 'started',
    date,
    workingDays: ctx.rules.correctionNotice.workingDays,
    reason,
  });
  startStepsAt(state, 'receipt', date, reason, ctx);
}

/** The case ends: every clock stops on `date`. */
function finish(state: ApplicationState, outcome: Outcome, date: IsoDate, reason: string): void {
  state.outcome = outcome;
  state.closed = true;
  state.stage = 'closed';
  state.endedOn = date;
  for (const c of state.clocks) closeClock(state, c.id, date, reason);
}

/** A clock as the derivation activity returns it. */
export interface DerivedCaseClock {
  id: string;
  derived: DerivedClock;
  dueAt: string | null;
  reminders: CaseClock['reminders'];
}

/**
 * The same, compact (`compact: true`), without what the workflow puts back itself: the steps
 * it already holds (`stepsFrom`: the first ones, which a working-day clock derived again with the
 * same calendar repeats), each step's event (one step per event of the clock, in order: the
 * events it sent) and each reminder's instant (`reminderInstant` of its date). So the history
 * does not hold them twice.
 */
export type DerivedCaseClockAnswer = Omit<DerivedCaseClock, 'derived' | 'reminders'> & {
  stepsFrom?: number;
  derived: Omit<DerivedClock, 'steps'> & { steps: Array<Omit<DerivationStep, 'event'> & { event?: DerivationStep['event'] }> };
  reminders: Array<Omit<CaseClock['reminders'][number], 'at'> & { at?: string }>;
};

/**
 * The clocks to derive again: those whose events changed since they were last derived
 * (`derivedFrom`: each clock's events then, as JSON), or every clock with events when null.
 */
export function clocksToDerive(state: ApplicationState, derivedFrom: ReadonlyMap<string, string> | null): CaseClock[] {
  return state.clocks.filter((c) => c.events.length > 0 && (!derivedFrom || derivedFrom.get(c.id) !== JSON.stringify(c.events)));
}

/**
 * What the workflow can tell the derivation it holds of a clock (`heldSteps`): the steps of the
 * events it was last derived from (`derivedFrom`: those events as JSON), when they are still the
 * first of the clock's events.
 */
export function heldSteps(c: CaseClock, derivedFrom: string | undefined): { count: number; calendarVersion: string } | undefined {
  if (!derivedFrom || !c.derived) return undefined;
  const count = (JSON.parse(derivedFrom) as unknown[]).length;
  if (count === 0 || c.derived.steps.length !== count || JSON.stringify(c.events.slice(0, count)) !== derivedFrom) return undefined;
  return { count, calendarVersion: c.derived.calendarVersion };
}

export function applyDerivation(state: ApplicationState, results: DerivedCaseClockAnswer[], nowMs: number): void {
  for (const result of results) {
    const target = clockOf(state, result.id)!;
    const { steps, ...derived } = result.derived;
    const from = result.stepsFrom ?? 0;
    const held = from > 0 ? target.derived!.steps.slice(0, from) : [];
    target.derived = {
      ...derived,
      steps: [...held, ...steps.map(({ event, ...step }, i) => ({ event: event ?? target.events[from + i]!, ...step }))],
    };
    target.dueAt = result.dueAt;
    // A reminder whose moment has already passed for this due date is stale, not owed.
    target.reminders = result.reminders
      .map(({ workingDaysBefore, date, at }) => ({ workingDaysBefore, date, at: at ?? reminderInstant(date) }))
      .filter((r) => Date.parse(r.at) > nowMs || target.remindersSent.includes(reminderKey(target, r.workingDaysBefore)));
  }
}

/** Every clock's due date, to tell whether a re-derivation (a calendar change) moved any. */
export const dueDates = (state: ApplicationState): string => state.clocks.map((c) => `${c.id}:${c.derived?.due}`).join();

export function clocksRecomputed(state: ApplicationState): EventDraft {
  return { type: 'clocks-recomputed', payload: { dues: Object.fromEntries(state.clocks.map((c) => [c.id, c.derived?.due ?? null])) } };
}

// ---- notices -----------------------------------------------------------------------------

/** Who a notice goes to and its date: the clerk's own date where given, else the day it is issued. */
export function noticeIssue(notice: NoticeDetails, today: IsoDate, sent: EventDraft['sent'] = {}): NoticeIssue {
  return {
    addressee: addresseeOf(notice.kind),
    issuedOn: sent.on ?? today,
    ...(sent.consultationId ? { consultationId: sent.consultationId } : {}),
  };
}

/** A notice got its number: the case lists it, and a consultation's letter is that consultation's. */
export function noticeNumbered(state: ApplicationState, draft: EventDraft, issue: NoticeIssue, docNo: string): void {
  const notice = draft.notice!;
  state.notices.push(issuedNotice(docNo, notice.kind, issue));
  if (draft.type === 'consultation-started') state.consultations.find((c) => c.id === draft.sent!.consultationId)!.letterDocNo = docNo;
}

function receiptNotice(state: ApplicationState, ctx: TransitionContext): NoticeDetails {
  const { rules } = ctx;
  return {
    kind: 'receipt',
    channel: state.intake.channel,
    replyWorkingDays: rules.reply.workingDays,
    replyDue: dueOf(state, 'reply'),
    awaitingConfirmation: state.receivedOn === null,
    ...(ctx.currentRules ? { replyRule: cite(rules.reply.citation) } : {}),
  };
}

/** Why the reply clock stands still now, for a notice. */
export function pauseReasons(state: ApplicationState): string[] {
  const reasons: string[] = [];
  for (const c of state.consultations.filter((x) => !x.answer))
    reasons.push(c.kind === 'third-party' ? `征求第三方（${c.party}）意见` : `征求${c.party}意见`);
  if (state.suspension) reasons.push(`中止办理：${state.suspension.reason}`);
  if (state.fee && !state.fee.paidOn && !state.fee.waived) reasons.push('等待缴纳信息处理费');
  if (state.stage === 'correction-requested') reasons.push('等待补正');
  return reasons;
}

const consultationLabel = (kind: Consultation['kind'], party: string): string =>
  kind === 'third-party' ? `第三方意见征询（${party}）` : `征求其他机关意见（${party}）`;
const consultationRule = (kind: Consultation['kind']): string =>
  kind === 'third-party' ? 'application.thirdPartyConsultation' : 'application.otherAgencyConsultation';
const consultationPeriod = (kind: Consultation['kind'], rules: ApplicationRules) =>
  kind === 'third-party' ? rules.thirdPartyConsultation : rules.otherAgencyConsultation;

/** The periods that run from the addressee's receipt of a notice start the day after it. */
function startPeriodOnDelivery(state: ApplicationState, notice: IssuedNotice, deliveredOn: IsoDate, rules: ApplicationRules): void {
  const reason = `${NOTICE_KINDS[notice.kind]}（${notice.docNo}）送达`;
  if (notice.kind === 'correction' && state.stage === 'correction-requested' && !clockOf(state, 'correction-period')) {
    openClock(state, 'correction-period', 'correction-period', '补正期限', 'application.correction', true, {
      type: 'started',
      date: deliveredOn,
      workingDays: state.correction!.periodWorkingDays,
      reason,
    });
  }
  if (notice.kind === 'fee' && state.fee && !state.fee.paidOn && !clockOf(state, 'fee-payment')) {
    openClock(state, 'fee-payment', 'fee-payment', '缴费期限', 'application.feePayment', true, {
      type: 'started',
      date: deliveredOn,
      workingDays: rules.feePayment.workingDays,
      reason,
    });
  }
  const consultation = notice.consultationId ? state.consultations.find((c) => c.id === notice.consultationId) : undefined;
  if (
    consultation &&
    (notice.kind === 'third-party' || notice.kind === 'other-agency') &&
    !consultation.answer &&
    !clockOf(state, consultation.id)
  ) {
    openClock(
      state,
      consultation.id,
      consultation.kind,
      consultationLabel(consultation.kind, consultation.party),
      consultationRule(consultation.kind),
      true,
      {
        type: 'started',
        date: deliveredOn,
        workingDays: consultationPeriod(consultation.kind, rules).workingDays,
        reason,
      },
    );
  }
}

// ---- consultations -----------------------------------------------------------------------

function endConsultation(state: ApplicationState, id: string, result: NonNullable<Consultation['answer']>, reason: string): void {
  const consultation = state.consultations.find((c) => c.id === id)!;
  consultation.answer = result;
  closeClock(state, id, result.receivedOn, reason);
  clockEvent(state, 'reply', { type: 'resumed', date: result.receivedOn, pauseId: id, reason });
}

/** Moves a recorded clock event to its true date (a late-entered answer); the case event log keeps the correction. */
function redate(
  state: ApplicationState,
  clockId: string,
  type: 'stopped' | 'resumed',
  date: IsoDate,
  reason: string,
  pauseId?: string,
): void {
  const target = clockOf(state, clockId);
  if (!target) return;
  let index = -1;
  target.events.forEach((e, i) => {
    if (e.type === type && (pauseId === undefined || (e.type === 'resumed' && e.pauseId === pauseId))) index = i;
  });
  if (index < 0) return;
  target.events[index] = { ...target.events[index]!, date, reason } as ClockEvent;
  if (type === 'stopped') target.closedReason = reason;
}

/** A consultation's id: its kind and number among those of its kind. */
const nextConsultationId = (state: ApplicationState, kind: Consultation['kind']): string =>
  `${kind}-${state.consultations.filter((c) => c.kind === kind).length + 1}`;

// ---- steps -------------------------------------------------------------------------------

const step = <P, A = void>(apply: Transition<P, A>['apply'], events: Transition<P, A>['events'], rederive = true): Transition<P, A> => ({
  apply,
  rederive,
  events,
});
/** A step that moves no clock: nothing is derived before its event is recorded. */
const clocklessStep = <P>(apply: Transition<P>['apply'], events: Transition<P>['events']): Transition<P> => step(apply, events, false);

export const confirmReceipt = step<Acting & { receivedOn: IsoDate }>(
  (state, p, ctx) => {
    state.stage = 'registered';
    startReplyClock(state, p.receivedOn, '确认收到申请', ctx);
    closeStep(state, 'register', ctx.today, '已登记', ctx);
  },
  (state, p, ctx) => [{ type: 'receipt-confirmed', payload: { receivedOn: p.receivedOn }, notice: receiptNotice(state, ctx) }],
);

export const requestCorrection = step<Acting & { items: string[]; periodWorkingDays: number }>(
  (state, p, ctx) => {
    const on = ctx.today;
    state.stage = 'correction-requested';
    state.correction = { items: p.items, periodWorkingDays: p.periodWorkingDays, requestedOn: on, correctedOn: null };
    closeClock(state, 'correction-notice', on, '已告知补正');
    closeStep(state, 'formal-review', on, '已告知补正', ctx);
    clockEvent(state, 'reply', { type: 'paused', date: on, pauseId: 'correction', reason: '告知补正' });
    // Current rules: the period runs from the day after the applicant receives the notice
    // (§30 "自收到之日起"), so its clock opens when the delivery is recorded.
    if (!ctx.currentRules) {
      openClock(state, 'correction-period', 'correction-period', '补正期限', 'application.correction', true, {
        type: 'started',
        date: on,
        workingDays: p.periodWorkingDays,
        reason: '告知补正',
      });
    }
  },
  (state, p, { rules, currentRules }) => [
    {
      type: 'correction-requested',
      payload: { items: p.items, periodWorkingDays: p.periodWorkingDays },
      notice: {
        kind: 'correction',
        items: p.items,
        periodWorkingDays: p.periodWorkingDays,
        correctBy: dueOf(state, 'correction-period'),
        ...(currentRules ? { rule: cite(rules.correctionNotice.citation) } : {}),
      },
    },
  ],
);

export const submitCorrection = step<Acting & { receivedOn: IsoDate; materials?: Array<{ sha256: string; filename: string }> }>(
  (state, p, ctx) => {
    state.stage = 'registered';
    state.correction!.correctedOn = p.receivedOn;
    closeClock(state, 'correction-period', p.receivedOn, '收到补正');
    const restarted: ClockEvent = { type: 'restarted', date: p.receivedOn, reason: '收到补正后的申请' };
    clockEvent(state, 'reply', restarted);
    if (ctx.currentRules) {
      // Step clocks counted from receipt count from the corrected application's receipt too.
      for (const s of ctx.rules.internalSteps.filter((s) => stepStartOf(s, ctx) === 'receipt')) {
        const open = openStepClock(state, s.step);
        if (open) clockEvent(state, open.id, { ...restarted });
      }
    }
    state.receivedOn = p.receivedOn;
  },
  (state, p, ctx) => [
    {
      type: 'correction-received',
      payload: { receivedOn: p.receivedOn, ...(p.materials ? { materials: p.materials } : {}) },
      notice: receiptNotice(state, ctx),
    },
  ],
);

export const accept = step<Acting>(
  (state, _p, ctx) => {
    state.stage = 'accepted';
    closeClock(state, 'correction-notice', ctx.today, '已受理');
    closeStep(state, 'formal-review', ctx.today, '已受理', ctx);
    startStepsAt(state, 'acceptance', ctx.today, '受理', ctx);
  },
  () => [{ type: 'accepted', payload: {} }],
);

/** Returns whether the case was assigned before (a reassignment). */
export const assign = step<Acting & { departmentCode: string; assignee?: string }, boolean>(
  (state, p, ctx) => {
    const on = ctx.today;
    const reassigned = state.departmentCode !== null;
    state.stage = 'assigned';
    state.departmentCode = p.departmentCode;
    state.assignee = p.assignee ?? null;
    state.proposal = null;
    state.secrecy = { firstLevel: null, secondLevel: null, escalation: null };
    closeStep(state, 'transfer-to-department', on, '已交办', ctx);
    if (ctx.currentRules && reassigned) {
      // The new department gets its own clock from the day it receives the file.
      closeStep(state, 'department-proposal', on, '重新交办', ctx);
      startStep(state, 'department-proposal', on, '重新交办承办科室', ctx);
    } else startStepsAt(state, 'assignment', on, '交办承办科室', ctx);
    return reassigned;
  },
  (_state, p, _ctx, reassigned) => [
    { type: reassigned ? 'reassigned' : 'assigned', payload: { departmentCode: p.departmentCode, assignee: p.assignee ?? null } },
  ],
);

export const propose = step<Acting & { outcome: Outcome; summary: string; reasons: string }>(
  (state, p, ctx) => {
    state.stage = 'proposed';
    state.proposal = { outcome: p.outcome, summary: p.summary, reasons: p.reasons, by: p.actor.username, on: ctx.today };
    closeStep(state, 'department-proposal', ctx.today, '已提出承办意见', ctx);
  },
  (_state, p) => [{ type: 'proposed', payload: { outcome: p.outcome, summary: p.summary, reasons: p.reasons } }],
);

export const reviewSecrecy = step<
  Acting & { level: 1 | 2; conclusion: 'pass' | 'fail' | 'cannot-determine'; notes: string; authority?: string }
>(
  (state, p, ctx) => {
    const on = ctx.today;
    const review = { conclusion: p.conclusion, by: p.actor.username, on, notes: p.notes };
    if (p.level === 1) state.secrecy.firstLevel = review;
    else state.secrecy.secondLevel = review;
    state.stage = 'secrecy-review';
    if (p.conclusion === 'fail') {
      // Secrets found: back to the department to revise its proposal.
      state.stage = 'assigned';
      state.proposal = null;
      state.secrecy = { firstLevel: null, secondLevel: null, escalation: null };
      startStep(state, 'department-proposal', on, '保密审查未通过，退回修改', ctx);
    }
    if (p.conclusion === 'cannot-determine' && (!ctx.currentRules || !clockOf(state, 'secrecy-escalation'))) {
      state.secrecy.escalation = { authority: p.authority!, sentOn: on, extendedBy: 0, answer: null };
      openClock(
        state,
        'secrecy-escalation',
        'secrecy-escalation',
        `保密审查请示（${p.authority}）`,
        'application.secrecyEscalation',
        true,
        {
          type: 'started',
          date: on,
          workingDays: ctx.rules.secrecyEscalation.workingDays,
          reason: '报请保密工作部门确定',
        },
      );
    }
  },
  (_state, p) => [
    { type: 'secrecy-reviewed', payload: { level: p.level, conclusion: p.conclusion, notes: p.notes, authority: p.authority ?? null } },
  ],
);

export const answerSecrecyEscalation = step<Acting & { conclusion: 'may-disclose' | 'secret'; notes: string; answeredOn: IsoDate }>(
  (state, p) => {
    state.secrecy.escalation!.answer = { conclusion: p.conclusion, on: p.answeredOn, notes: p.notes };
    closeClock(state, 'secrecy-escalation', p.answeredOn, '保密工作部门已答复');
  },
  (_state, p) => [{ type: 'secrecy-escalation-answered', payload: { conclusion: p.conclusion, answeredOn: p.answeredOn, notes: p.notes } }],
);

export const extendSecrecyEscalation = step<Acting & { workingDays: number }>(
  (state, p, ctx) => {
    state.secrecy.escalation!.extendedBy = p.workingDays;
    clockEvent(state, 'secrecy-escalation', {
      type: 'extended',
      date: ctx.today,
      workingDays: p.workingDays,
      reason: '保密工作部门延长答复期限',
    });
  },
  (_state, p) => [{ type: 'secrecy-escalation-extended', payload: { workingDays: p.workingDays } }],
);

export const decide = step<Acting & Omit<Decision, 'decidedBy' | 'decidedOn'>>(
  (state, p, ctx) => {
    const on = ctx.today;
    state.stage = 'decided';
    state.decision = {
      outcome: p.outcome,
      reasons: p.reasons,
      legalBasis: p.legalBasis,
      decidedBy: p.actor.username,
      decidedOn: on,
      ...(p.section36 ? { section36: p.section36 } : {}),
      ...(p.referral ? { referral: p.referral } : {}),
      ...(p.referralAgencyCode ? { referralAgencyCode: p.referralAgencyCode } : {}),
    };
    startStepsAt(state, 'decision', on, '拟定答复', ctx);
    const provide = ctx.rules.provideAfterDecision;
    if (ctx.currentRules && provide && (p.outcome === 'disclosed' || p.outcome === 'partially-disclosed') && !p.section36) {
      openClock(state, 'provide', 'provide', '决定公开后提供信息期限', 'application.provideAfterDecision', true, {
        type: 'started',
        date: on,
        workingDays: provide.workingDays,
        reason: '决定公开',
      });
    }
  },
  (state) => [{ type: 'decided', payload: { ...state.decision! } }],
);

export const signOff = step<Acting>(
  (state, _p, ctx) => {
    state.stage = 'signed';
    closeStep(state, 'sign-off', ctx.today, '已签发', ctx);
  },
  (state, _p, { rules, currentRules }) => {
    const decision = state.decision!;
    const signed: EventDraft = { type: 'signed', payload: {}, notice: { kind: 'reply', decision } };
    if (!currentRules || (decision.outcome !== 'disclosed' && decision.outcome !== 'partially-disclosed')) return [signed];
    // §32: disclosing over a third party's objection, the agency tells it in writing what and why.
    const objecting = state.consultations.filter((x) => x.kind === 'third-party' && x.answer?.result === 'object');
    return [
      signed,
      ...objecting.map((c): EventDraft => ({
        type: 'third-party-disclosure-notified',
        payload: { consultationId: c.id, party: c.party, outcome: decision.outcome },
        notice: {
          kind: 'third-party-disclosure',
          party: c.party,
          ...(c.address ? { address: c.address } : {}),
          outcome: decision.outcome,
          reasons: decision.reasons,
          rule: cite(rules.thirdPartyConsultation.citation),
        },
        sent: { consultationId: c.id },
      })),
    ];
  },
);

export const deliver = step<Acting & { method: string; deliveredOn: IsoDate; trackingNo?: string; proof?: string }>(
  (state, p, ctx) => {
    state.stage = 'delivered';
    state.outcome = state.decision!.outcome;
    state.delivery = {
      method: p.method,
      deliveredOn: p.deliveredOn,
      ...(p.trackingNo ? { trackingNo: p.trackingNo } : {}),
      ...(p.proof ? { proof: p.proof } : {}),
    };
    state.endedOn = p.deliveredOn;
    const reply = [...state.notices].reverse().find((n) => n.kind === 'reply');
    if (reply)
      reply.delivery = {
        method: DELIVERY_AS_NOTICE_METHOD[p.method] ?? 'in-person',
        deliveredOn: p.deliveredOn,
        ...(p.trackingNo ? { trackingNo: p.trackingNo } : {}),
        ...(p.proof ? { proof: p.proof } : {}),
        recordedBy: p.actor.username,
        recordedOn: ctx.today,
      };
    for (const c of state.clocks) closeClock(state, c.id, p.deliveredOn, '答复已送达');
  },
  (_state, p) => [{ type: 'delivered', payload: { method: p.method, deliveredOn: p.deliveredOn } }],
);

export const close = clocklessStep<Acting>(
  (state) => {
    state.stage = 'closed';
    state.closed = true;
  },
  (state) => [{ type: 'closed', payload: { outcome: state.outcome } }],
);

/**
 * §36(五) on the platform: the agency a closed case is handed over to, once its reply naming
 * that agency has been delivered (a withdrawn or abandoned case goes nowhere); null otherwise.
 */
export function handOverDue(state: ApplicationState): string | null {
  const to = state.decision?.referralAgencyCode;
  return to && state.closed && state.delivery && !state.handedOverTo ? to : null;
}

export function handedOver(state: ApplicationState, to: HandOver): EventDraft {
  state.handedOverTo = to;
  return { type: 'handed-over', payload: { ...to } };
}

/** Returns the new consultation's id. */
export const startConsultation = step<Acting & { kind: Consultation['kind']; party: string; address?: string; sentOn: IsoDate }, string>(
  (state, p, ctx) => {
    const id = nextConsultationId(state, p.kind);
    state.consultations.push({
      id,
      kind: p.kind,
      party: p.party,
      sentOn: p.sentOn,
      answer: null,
      ...(p.address ? { address: p.address } : {}),
    });
    const label = consultationLabel(p.kind, p.party);
    if (!ctx.currentRules) {
      openClock(state, id, p.kind, label, consultationRule(p.kind), true, {
        type: 'started',
        date: p.sentOn,
        workingDays: consultationPeriod(p.kind, ctx.rules).workingDays,
        reason: '发出征求意见函',
      });
    }
    // Current rules: the party answers within N WD of *receiving* the letter (§32, §34): its
    // clock opens when the letter's delivery is recorded. The reply clock stops from sending.
    clockEvent(state, 'reply', { type: 'paused', date: p.sentOn, pauseId: id, reason: label });
    return id;
  },
  (state, p, { rules, currentRules }, id) => {
    const period = consultationPeriod(p.kind, rules);
    const silence = p.kind === 'third-party' ? rules.thirdPartyConsultation.silence : 'deemed-consent';
    return [
      {
        type: 'consultation-started',
        payload: { consultationId: id, kind: p.kind, party: p.party, sentOn: p.sentOn },
        notice: {
          kind: p.kind,
          party: p.party,
          workingDays: period.workingDays,
          answerBy: dueOf(state, id),
          ...(p.address && p.kind === 'third-party' ? { address: p.address } : {}),
          ...(currentRules
            ? {
                rule: cite(period.citation),
                silence,
                ...(p.kind === 'third-party' ? { objection: rules.thirdPartyConsultation.objection } : {}),
              }
            : {}),
        } as NoticeDetails,
        sent: { on: p.sentOn, consultationId: id },
      },
    ];
  },
);

/** Returns the automatic expiry the answer corrects, if it was entered after one. */
export const recordConsultationAnswer = step<
  Acting & { consultationId: string; result: 'agree' | 'object'; receivedOn: IsoDate; summary?: string },
  Consultation['answer']
>(
  (state, p, ctx) => {
    const consultation = state.consultations.find((c) => c.id === p.consultationId)!;
    const expired = consultation.answer;
    if (!expired) {
      const answer = { result: p.result, receivedOn: p.receivedOn, ...(p.summary ? { summary: p.summary } : {}) };
      endConsultation(state, p.consultationId, answer, '收到征求意见答复');
      return null;
    }
    // Entered after the automatic expiry, received before it: the true date replaces the
    // expiry's in the clocks; the event log keeps both (the expiry and this correction).
    const reason = `收到征求意见答复（${ctx.today}补录，更正${expired.receivedOn}的到期记录）`;
    consultation.answer = {
      result: p.result,
      receivedOn: p.receivedOn,
      ...(p.summary ? { summary: p.summary } : {}),
      correctsExpiry: {
        result: expired.result as 'no-answer' | 'deemed-consent',
        due: expired.receivedOn,
        enteredOn: ctx.today,
        enteredBy: p.actor.username,
      },
    };
    redate(state, consultation.id, 'stopped', p.receivedOn, reason);
    redate(state, 'reply', 'resumed', p.receivedOn, reason, consultation.id);
    return expired;
  },
  (_state, p, _ctx, expired) => {
    const answer = { consultationId: p.consultationId, result: p.result, receivedOn: p.receivedOn, summary: p.summary ?? null };
    return expired
      ? [
          {
            type: 'consultation-answer-recorded-late',
            payload: { ...answer, replaces: { result: expired.result, expiredOn: expired.receivedOn } },
          },
        ]
      : [{ type: 'consultation-answered', payload: answer }];
  },
);

export const suspend = step<Acting & { reason: string; on: IsoDate }>(
  (state, p) => {
    state.suspension = { reason: p.reason, since: p.on };
    clockEvent(state, 'reply', { type: 'paused', date: p.on, pauseId: 'suspension', reason: `中止：${p.reason}` });
  },
  (_state, p) => [
    { type: 'suspended', payload: { reason: p.reason, on: p.on }, notice: { kind: 'suspension', reason: p.reason, since: p.on } },
  ],
);

export const resume = step<Acting & { on: IsoDate }>(
  (state, p) => {
    state.suspension = null;
    clockEvent(state, 'reply', { type: 'resumed', date: p.on, pauseId: 'suspension', reason: '中止事由消除，恢复办理' });
  },
  (state, p) => [
    { type: 'resumed', payload: { on: p.on }, notice: { kind: 'resumption', resumedOn: p.on, newDue: dueOf(state, 'reply') } },
  ],
);

export type FeeNoticeRequest = { basis: FeeBasis; pages?: number; count?: number; noticeOn: IsoDate };

/** What the fee is computed from (the computation needs the database: an activity). */
export function feeQuery(state: ApplicationState, p: FeeNoticeRequest) {
  return {
    caseNo: state.caseNo,
    idNumber: state.intake.applicant.idNumber,
    basis: p.basis,
    pages: p.pages ?? 0,
    count: p.count ?? 1,
    // 109号 第四条 counts the applications received in the natural month of this one's receipt.
    receivedOn: state.firstReceivedOn ?? state.receivedOn ?? p.noticeOn,
  };
}

export const issueFeeNotice = step<Acting & FeeNoticeRequest & { computation: FeeComputation }>(
  (state, p, ctx) => {
    const { computation } = p;
    state.fee = { computation, noticeOn: p.noticeOn, paidOn: null, waived: computation.total === 0 };
    if (computation.total > 0) {
      if (!ctx.currentRules) {
        openClock(state, 'fee-payment', 'fee-payment', '缴费期限', 'application.feePayment', true, {
          type: 'started',
          date: p.noticeOn,
          workingDays: ctx.rules.feePayment.workingDays,
          reason: '发出收费通知',
        });
      }
      // Current rules: payment is due N WD from the day after the applicant receives the notice
      // (109号: 收到收费通知次日起): the clock opens at the recorded delivery.
      clockEvent(state, 'reply', { type: 'paused', date: p.noticeOn, pauseId: 'fee', reason: '等待缴费' });
    }
  },
  (state, { computation, noticeOn }, { rules, currentRules }) => [
    {
      type: 'fee-notice-issued',
      payload: { computation, noticeOn },
      ...(computation.total > 0
        ? {
            notice: {
              kind: 'fee',
              computation,
              payBy: dueOf(state, 'fee-payment'),
              workingDays: rules.feePayment.workingDays,
              ...(currentRules ? { rule: cite(rules.feePayment.citation) } : {}),
              ...(state.feeWaiver && !state.feeWaiver.approved ? { waiverRefused: state.feeWaiver.reasons } : {}),
            },
          }
        : {}),
      sent: { on: noticeOn },
    },
  ],
);

export const recordFeePayment = step<Acting & { paidOn: IsoDate }>(
  (state, p) => {
    state.fee!.paidOn = p.paidOn;
    closeClock(state, 'fee-payment', p.paidOn, '已缴费');
    clockEvent(state, 'reply', { type: 'resumed', date: p.paidOn, pauseId: 'fee', reason: '申请人已缴费' });
  },
  (_state, p) => [{ type: 'fee-paid', payload: { paidOn: p.paidOn } }],
);

export const requestExtension = clocklessStep<Acting & { workingDays: number; reason: string }>(
  (state, p, ctx) => {
    state.extension = {
      workingDays: p.workingDays,
      reason: p.reason,
      requestedBy: p.actor.username,
      requestedOn: ctx.today,
      approvedBy: null,
      approvedOn: null,
    };
  },
  (_state, p) => [{ type: 'extension-requested', payload: { workingDays: p.workingDays, reason: p.reason } }],
);

/** Returns the reply's due date before the extension. */
export const approveExtension = step<Acting, IsoDate | null>(
  (state, p, ctx) => {
    const extension = state.extension!;
    const originalDue = dueOf(state, 'reply');
    extension.approvedBy = p.actor.username;
    extension.approvedOn = ctx.today;
    clockEvent(state, 'reply', {
      type: 'extended',
      date: ctx.today,
      workingDays: extension.workingDays,
      reason: `经批准延期答复：${extension.reason}`,
    });
    return originalDue;
  },
  (state, _p, { rules, currentRules }, originalDue) => {
    const extension = state.extension!;
    const reply = clockOf(state, 'reply')?.derived;
    const newDue = dueOf(state, 'reply');
    // §33 requires written notice of every extension, also one approved while the clock is
    // stopped: then the notice states the remaining days, counted on once the pause ends.
    const paused =
      currentRules && reply?.status === 'paused'
        ? { remainingWorkingDays: reply.remainingWorkingDays, reasons: pauseReasons(state) }
        : null;
    return [
      {
        type: 'extension-approved',
        payload: { workingDays: extension.workingDays, originalDue, newDue, ...(paused ? { paused } : {}) },
        ...(originalDue || paused
          ? {
              notice: {
                kind: 'extension',
                workingDays: extension.workingDays,
                reason: extension.reason,
                originalDue,
                newDue,
                ...(currentRules ? { rule: cite(rules.extension.citation), approvedBy: rules.extension.approvedBy } : {}),
                ...(paused ? { paused } : {}),
              },
            }
          : {}),
      },
    ];
  },
);

export const decideFeeWaiver = clocklessStep<Acting & { approved: boolean; reasons: string }>(
  (state, p, ctx) => {
    state.feeWaiver = { approved: p.approved, reasons: p.reasons, decidedBy: p.actor.username, decidedOn: ctx.today };
  },
  (state, p) => [
    {
      type: 'fee-waiver-decided',
      payload: { approved: p.approved, reasons: p.reasons },
      notice: { kind: 'fee-waiver', approved: p.approved, reasons: p.reasons, requestReason: state.intake.feeWaiverReason ?? null },
    },
  ],
);

/** Returns the notice delivered. */
export const recordNoticeDelivery = step<
  Acting & { docNo: string; method: NoticeDeliveryMethod; deliveredOn: IsoDate; trackingNo?: string; proof?: string },
  IssuedNotice
>(
  (state, p, ctx) => {
    const notice = state.notices.find((n) => n.docNo === p.docNo)!;
    notice.delivery = {
      method: p.method,
      deliveredOn: p.deliveredOn,
      ...(p.trackingNo ? { trackingNo: p.trackingNo } : {}),
      ...(p.proof ? { proof: p.proof } : {}),
      recordedBy: p.actor.username,
      recordedOn: ctx.today,
    };
    if (ctx.currentRules) startPeriodOnDelivery(state, notice, p.deliveredOn, ctx.rules);
    return notice;
  },
  (_state, p, _ctx, notice) => [
    {
      type: 'notice-delivered',
      payload: {
        docNo: p.docNo,
        kind: notice.kind,
        method: p.method,
        deliveredOn: p.deliveredOn,
        trackingNo: p.trackingNo ?? null,
        proof: p.proof ?? null,
      },
    },
  ],
);

export const requestReasons = clocklessStep<Acting & { explanation: string }>(
  (state, p, ctx) => {
    state.excessive = { reasonsRequestedOn: ctx.today, explanation: p.explanation, ruling: null };
  },
  (_state, p) => [
    { type: 'reasons-requested', payload: { explanation: p.explanation }, notice: { kind: 'reasons-request', explanation: p.explanation } },
  ],
);

export const ruleExcessiveRequest = step<
  Acting & { reasonable: boolean; explanation: string; reasonsReceivedOn?: IsoDate; laterWorkingDays?: number }
>(
  (state, p, ctx) => {
    const on = ctx.today;
    state.excessive!.ruling = {
      reasonable: p.reasonable,
      explanation: p.explanation,
      ruledBy: p.actor.username,
      ruledOn: on,
      ...(p.reasonsReceivedOn ? { reasonsReceivedOn: p.reasonsReceivedOn } : {}),
      ...(p.laterWorkingDays ? { laterWorkingDays: p.laterWorkingDays } : {}),
    };
    if (p.reasonable && p.laterWorkingDays) {
      // §35: reasonable, but not answerable within §33's period: a reasonable later date, told
      // to the applicant, replaces the reply period.
      closeClock(state, 'reply', on, '依条例第三十五条确定延迟答复的合理期限');
      openClock(state, 'deferred-reply', 'deferred-reply', '延迟答复期限', 'application.excessiveRequest', true, {
        type: 'started',
        date: on,
        workingDays: p.laterWorkingDays,
        reason: '依条例第三十五条确定延迟答复的合理期限',
      });
    }
  },
  (state, p) => [
    {
      type: 'excessive-request-ruled',
      payload: { ...state.excessive!.ruling },
      ...(p.reasonable && p.laterWorkingDays
        ? {
            notice: {
              kind: 'deferred-reply',
              explanation: p.explanation,
              laterWorkingDays: p.laterWorkingDays,
              newDue: dueOf(state, 'deferred-reply')!,
            },
          }
        : {}),
    },
  ],
);

export const withdraw = step<Acting & { on: IsoDate; reason: string }>(
  (state, p) => finish(state, 'other.other', p.on, '申请人撤回申请'),
  (_state, p) => [{ type: 'withdrawn', payload: { on: p.on, reason: p.reason, outcome: 'other.other' } }],
);

// ---- timers: reminders, overdue escalations and expiries ---------------------------------

/** A clock that arms timers: open, derived, running, with a due moment. */
export const armed = (c: CaseClock): c is CaseClock & { dueAt: string; derived: DerivedClock } =>
  !c.closed && !!c.dueAt && !!c.derived && c.derived.status === 'running';

/** Epoch ms of the earliest reminder or expiry not yet handled, or null. */
export const nextTimer = (state: ApplicationState): number | null => nextTimerInstant(state.clocks);

/** Whether a reminder of an armed clock is due by `nowMs` and not sent yet. */
export const reminderDue = (c: CaseClock, r: CaseClock['reminders'][number], nowMs: number): boolean =>
  Date.parse(r.at) <= nowMs && !c.remindersSent.includes(reminderKey(c, r.workingDaysBefore));

/** Whether a clock's due moment has passed by `nowMs` and its expiry is not handled yet. */
export const expiryDue = (c: CaseClock, nowMs: number): boolean =>
  armed(c) && Date.parse(c.dueAt) <= nowMs && c.overdueHandledFor !== c.derived.due;

/** Who hears of a clock: the assignee first; when overdue, also the department head and the supervisor. */
export function notifyFor(
  state: ApplicationState,
  c: CaseClock,
  overdue: boolean,
  ctx: Pick<TransitionContext, 'officeDepartmentCode'>,
): string[] {
  const base = state.assignee ? [`user:${state.assignee}`] : state.departmentCode ? [`department:${state.departmentCode}`] : ['role:clerk'];
  if (c.kind === 'step' && !overdue) return base;
  return overdue ? [...base, `department-head:${state.departmentCode ?? ctx.officeDepartmentCode ?? 'gkb'}`, 'role:supervisor'] : base;
}

/** A reminder sent: remembered for this due date (a moved due date re-arms it). */
export function remind(state: ApplicationState, c: CaseClock, workingDaysBefore: number, ctx: TransitionContext): EventDraft {
  c.remindersSent.push(reminderKey(c, workingDaysBefore));
  return {
    type: 'clock-reminder',
    payload: { clockId: c.id, label: c.label, due: c.derived!.due, workingDaysBefore, notify: notifyFor(state, c, false, ctx) },
  };
}

/**
 * A clock's due date passed: a correction or payment period ends the case (deemed abandoned),
 * a consultation ends with the party's silence, any other clock is escalated as overdue.
 * `rederive`: whether the clocks moved (and are derived again before the event is recorded).
 */
export function expire(state: ApplicationState, c: CaseClock, ctx: TransitionContext): { rederive: boolean; event: EventDraft } {
  const due = c.derived!.due!;
  c.overdueHandledFor = due;
  switch (c.kind) {
    case 'correction-period':
      finish(state, 'other.correction-overdue', due, '申请人逾期未补正，视为放弃申请');
      return { rederive: true, event: { type: 'abandoned', payload: { reason: 'correction-overdue', due, outcome: state.outcome } } };
    case 'fee-payment':
      finish(state, 'other.fee-unpaid', due, '申请人逾期未缴纳费用，视为放弃申请');
      return { rederive: true, event: { type: 'abandoned', payload: { reason: 'fee-unpaid', due, outcome: state.outcome } } };
    case 'third-party':
    case 'other-agency': {
      // §34: another agency's silence is consent; a third party's is what the profile says (桦甸: consent).
      const consents = c.kind === 'other-agency' || (ctx.currentRules && ctx.rules.thirdPartyConsultation.silence === 'deemed-consent');
      const result = consents ? 'deemed-consent' : 'no-answer';
      endConsultation(
        state,
        c.id,
        { result, receivedOn: due },
        c.kind === 'other-agency'
          ? '被征求意见机关逾期未提出意见，视为同意公开'
          : consents
            ? '第三方逾期未提出意见，视作同意公开'
            : '第三方逾期未提出意见，由本机关依法决定',
      );
      return { rederive: true, event: { type: 'consultation-expired', payload: { consultationId: c.id, result, due } } };
    }
    default:
      return {
        rederive: false,
        event: { type: 'clock-overdue', payload: { clockId: c.id, label: c.label, due, notify: notifyFor(state, c, true, ctx) } },
      };
  }
}
