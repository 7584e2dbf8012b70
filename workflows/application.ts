/**
 * One application for disclosure (依申请公开), from intake to closure: `application-<caseNo>`.
 *
 * Every step arrives as an update from the API (validated against the case's state, so a
 * refused step leaves the case unchanged), changes the state, appends events to the clocks
 * it touches, has the due dates re-derived by an activity (the calendar never enters workflow
 * code), and is persisted with its event and notice in one transaction by another activity.
 * One loop arms a single timer for the next reminder or expiry among all open clocks.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ActivityOptions, LocalActivityOptions, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import type { NoticeDetails } from '../activities/notices';
import type { IsoDate } from '../domain/calendar/dates';
import type { ClockEvent } from '../domain/clocks/working-day-clock';
import { type ActionName, type CheckContext, checks } from '../domain/application/rules';
import {
  type Actor,
  type ApplicationState,
  type CaseClock,
  CHANNELS,
  type ClockKind,
  addresseeOf,
  type IssuedNotice,
  issuedNotice,
  NOTICE_KINDS,
  type NoticeIssue,
  type NoticeDeliveryMethod,
  receiptNeedsConfirmation,
  type Stage,
} from '../domain/application/types';
import type { Outcome } from '../domain/outcomes';
import type { ApplicationStep, Citation, StepStartEvent } from '../domain/rulesets/schema';
import { CaseState, Department, DueAt } from '../temporal-config/search-attributes';
import * as m from './application-messages';
import { CaseRuntime, SYSTEM_ACTOR as SYSTEM, type StepResult, today } from './runtime/case-runtime';
import { ruleProfileOf } from './runtime/profile';

const ACTIVITY_OPTIONS: ActivityOptions & LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['InvalidClockEvents'] },
};
const remote = proxyActivities<Activities>(ACTIVITY_OPTIONS);
/**
 * The three activities every step runs (duplicates check, clock derivation, persistence) run
 * as local activities: inside the workflow task, with no round trip through Temporal's task
 * queue each: 2.5× the intake capacity on the benchmark machine (bench/README.md). All three
 * are idempotent, which a local activity's retry requires.
 * Executions recorded before this change replay with ordinary activities (the patch marker).
 */
const local = proxyLocalActivities<Activities>(ACTIVITY_OPTIONS);
const { computeFee } = remote;

/** Where executions recorded before step clocks named their start event opened each step (old profiles carry no `startsAt`). */
const LEGACY_STEP_START: Record<ApplicationStep, StepStartEvent> = {
  register: 'receipt',
  'formal-review': 'receipt',
  'transfer-to-department': 'acceptance',
  'department-proposal': 'assignment',
  'sign-off': 'decision',
};

/** '《政府信息公开条例》第三十三条' from a profile citation, for the notices. */
function cite(citation: Citation): string {
  return `《${citation.source.replace(/（[^（）]*\d{4}[^（）]*）$/, '')}》${citation.article}`;
}

export async function application(input: m.ApplicationInput): Promise<ApplicationState> {
  const { intake } = input;
  const profile = ruleProfileOf(input);
  const rules = profile.application;
  /**
   * The rules of issue 15 (clocks from delivery, step start events, re-armed step clocks,
   * stricter checks): executions recorded before them replay exactly as they ran.
   */
  const currentRules = patched('legal-rules-2026');
  let chosen: typeof remote | null = null;
  const activities = (): typeof remote => (chosen ??= patched('local-step-activities') ? local : remote);
  const state: ApplicationState = {
    caseNo: input.caseNo,
    queryCode: input.queryCode,
    ruleProfile: { id: profile.id, version: profile.version },
    stage: receiptNeedsConfirmation(intake.channel) || !intake.receivedOn ? 'awaiting-receipt-confirmation' : 'registered',
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
  };

  const runtime = new CaseRuntime(state);

  // ---- clocks ---------------------------------------------------------------------------
  const clock = (id: string): CaseClock | undefined => state.clocks.find((c) => c.id === id);

  function openClock(id: string, kind: ClockKind, label: string, rule: string, statutory: boolean, start: ClockEvent): void {
    state.clocks.push({
      id,
      kind,
      label,
      rule,
      statutory,
      events: [start],
      derived: null,
      dueAt: null,
      reminders: [],
      remindersSent: [],
      overdueHandledFor: null,
      closed: false,
    });
  }

  function clockEvent(id: string, event: ClockEvent): void {
    const target = clock(id);
    if (target && !target.closed) target.events.push(event);
  }

  function closeClock(id: string, date: IsoDate, reason: string): void {
    const target = clock(id);
    if (!target || target.closed) return;
    target.events.push({ type: 'stopped', date, reason });
    target.closed = true;
    target.closedReason = reason;
  }

  /** The step clock now open for a step: `step:<step>`, or `step:<step>#n` once re-armed. */
  const openStepClock = (step: ApplicationStep): CaseClock | undefined =>
    state.clocks.find((c) => !c.closed && (c.id === `step:${step}` || c.id.startsWith(`step:${step}#`)));

  function startStep(step: ApplicationStep, date: IsoDate, reason: string): void {
    const period = rules.internalSteps.find((s) => s.step === step);
    if (!period) return;
    const earlier = state.clocks.filter((c) => c.id === `step:${step}` || c.id.startsWith(`step:${step}#`));
    if (earlier.length > 0 && (!currentRules || earlier.some((c) => !c.closed))) return;
    // A step sent back (secrecy review failed, reassigned) gets a new clock from that day.
    const id = earlier.length === 0 ? `step:${step}` : `step:${step}#${earlier.length + 1}`;
    openClock(id, 'step', STEP_LABELS[step], `application.internalSteps.${step}`, false, {
      type: 'started',
      date,
      workingDays: period.workingDays,
      reason,
    });
  }

  /** Opens the step clocks that count from `event` (each profile names its own, seeds 003 and 004). */
  function startStepsAt(event: StepStartEvent, date: IsoDate, reason: string): void {
    for (const s of rules.internalSteps) {
      if ((currentRules ? (s.startsAt ?? LEGACY_STEP_START[s.step]) : LEGACY_STEP_START[s.step]) === event) startStep(s.step, date, reason);
    }
  }

  function closeStep(step: ApplicationStep, date: IsoDate, reason: string): void {
    if (!currentRules) return closeClock(`step:${step}`, date, reason);
    const open = openStepClock(step);
    if (open) closeClock(open.id, date, reason);
  }

  /**
   * The events each clock was last derived from. Lean derivation (patch `lean-clock-derivation`):
   * only clocks whose events changed since are derived again, and no activity runs when none did.
   * Executions recorded before derive every clock at every step, as they did.
   */
  const derivedFrom = new Map<string, string>();
  let lean: boolean | undefined;
  const isLean = (): boolean => (lean ??= patched('lean-clock-derivation'));

  /** Re-derives the clocks whose events changed (all of them after a calendar change) with the current calendar. */
  async function refreshClocks(everyClock = false): Promise<void> {
    const stale = state.clocks.filter(
      (c) => c.events.length > 0 && (everyClock || !isLean() || derivedFrom.get(c.id) !== JSON.stringify(c.events)),
    );
    if (stale.length === 0) return updateSearchAttributes(clock('reply')?.dueAt ?? null);
    const derived = await activities().deriveClocks({
      clocks: stale.map((c) => ({ id: c.id, events: c.events })),
      reminderWorkingDaysBefore: rules.remindersWorkingDaysBefore,
    });
    for (const c of stale) derivedFrom.set(c.id, JSON.stringify(c.events));
    const now = Date.now();
    for (const result of derived) {
      const target = clock(result.id)!;
      target.derived = result.derived;
      target.dueAt = result.dueAt;
      // A reminder whose moment has already passed for this due date is stale, not owed.
      target.reminders = result.reminders.filter(
        (r) => Date.parse(r.at) > now || target.remindersSent.includes(`${result.derived.due}/${r.workingDaysBefore}`),
      );
    }
    updateSearchAttributes(clock('reply')?.dueAt ?? null);
  }

  let searchAttributesSet = '';
  function updateSearchAttributes(replyDueAt: string | null): void {
    const now = `${state.stage}|${state.departmentCode}|${replyDueAt}`;
    if (isLean() && now === searchAttributesSet) return; // unchanged: no command, no history event
    searchAttributesSet = now;
    upsertSearchAttributes([
      { key: CaseState, value: state.stage },
      ...(state.departmentCode ? [{ key: Department, value: state.departmentCode }] : []),
      ...(replyDueAt ? [{ key: DueAt, value: new Date(replyDueAt) }] : []),
    ]);
  }

  // ---- persistence -----------------------------------------------------------------------
  /** `sent`: the notice's own date where the clerk records it (a letter's sentOn, a fee notice's noticeOn). */
  async function emit(
    type: string,
    actor: Actor,
    payload: Record<string, unknown>,
    notice?: NoticeDetails,
    sent: { on?: IsoDate; consultationId?: string } = {},
  ): Promise<string | null> {
    state.seq += 1;
    const issue: NoticeIssue | undefined = notice
      ? {
          addressee: addresseeOf(notice.kind),
          issuedOn: sent.on ?? today(),
          ...(sent.consultationId ? { consultationId: sent.consultationId } : {}),
        }
      : undefined;
    const { docNo } = await activities().recordApplicationEvent({
      workflowId: workflowInfo().workflowId,
      agencyCode: input.agencyCode,
      event: { seq: state.seq, type, actor, at: new Date().toISOString(), payload },
      state,
      ...(notice ? { notice, issue } : {}),
    });
    if (notice && docNo) state.notices.push(issuedNotice(docNo, notice.kind, issue!));
    return docNo;
  }

  function finish(outcome: Outcome, date: IsoDate, reason: string): void {
    state.outcome = outcome;
    state.closed = true;
    state.stage = 'closed';
    state.endedOn = date;
    for (const c of state.clocks) closeClock(c.id, date, reason);
  }

  const dueOf = (id: string): IsoDate | null => clock(id)?.derived?.due ?? null;

  // ---- steps ------------------------------------------------------------------------------
  function step<P extends { actor: Actor }>(
    definition: UpdateDefinition<StepResult, [P]>,
    action: ActionName,
    run: (payload: P) => Promise<void>,
  ): void {
    const check = checks[action] as (s: ApplicationState, p: P, c: CheckContext) => string | null;
    runtime.step(definition, (payload: P) => check(state, payload, { profile, today: today(), currentRules }), run);
  }

  function startReplyClock(date: IsoDate, reason: string): void {
    state.receivedOn = date;
    state.firstReceivedOn ??= date;
    openClock('reply', 'reply', '答复期限', 'application.reply', true, {
      type: 'started',
      date,
      workingDays: rules.reply.workingDays,
      reason,
    });
    openClock('correction-notice', 'correction-notice', '补正告知期限', 'application.correctionNotice', true, {
      type: 'started',
      date,
      workingDays: rules.correctionNotice.workingDays,
      reason,
    });
    startStepsAt('receipt', date, reason);
  }

  function receiptNotice(): NoticeDetails {
    return {
      kind: 'receipt',
      channel: intake.channel,
      replyWorkingDays: rules.reply.workingDays,
      replyDue: dueOf('reply'),
      awaitingConfirmation: state.receivedOn === null,
      ...(currentRules ? { replyRule: cite(rules.reply.citation) } : {}),
    };
  }

  step(m.confirmReceiptUpdate, 'confirmReceipt', async (p: m.ConfirmReceipt) => {
    state.stage = 'registered';
    startReplyClock(p.receivedOn, '确认收到申请');
    closeStep('register', today(), '已登记');
    await refreshClocks();
    await emit('receipt-confirmed', p.actor, { receivedOn: p.receivedOn }, receiptNotice());
  });

  step(m.requestCorrectionUpdate, 'requestCorrection', async (p: m.RequestCorrection) => {
    const on = today();
    state.stage = 'correction-requested';
    state.correction = { items: p.items, periodWorkingDays: p.periodWorkingDays, requestedOn: on, correctedOn: null };
    closeClock('correction-notice', on, '已告知补正');
    closeStep('formal-review', on, '已告知补正');
    clockEvent('reply', { type: 'paused', date: on, pauseId: 'correction', reason: '告知补正' });
    if (!currentRules) {
      openClock('correction-period', 'correction-period', '补正期限', 'application.correction', true, {
        type: 'started',
        date: on,
        workingDays: p.periodWorkingDays,
        reason: '告知补正',
      });
    }
    // Current rules: the period runs from the day after the applicant receives the notice
    // (§30 "自收到之日起"), so its clock opens when the delivery is recorded.
    await refreshClocks();
    await emit(
      'correction-requested',
      p.actor,
      { items: p.items, periodWorkingDays: p.periodWorkingDays },
      {
        kind: 'correction',
        items: p.items,
        periodWorkingDays: p.periodWorkingDays,
        correctBy: dueOf('correction-period'),
        ...(currentRules ? { rule: cite(rules.correctionNotice.citation) } : {}),
      },
    );
  });

  step(m.submitCorrectionUpdate, 'submitCorrection', async (p: m.SubmitCorrection) => {
    state.stage = 'registered';
    state.correction!.correctedOn = p.receivedOn;
    closeClock('correction-period', p.receivedOn, '收到补正');
    clockEvent('reply', { type: 'restarted', date: p.receivedOn, reason: '收到补正后的申请' });
    if (currentRules) {
      // Step clocks counted from receipt count from the corrected application's receipt too.
      for (const s of rules.internalSteps.filter((step) => (step.startsAt ?? LEGACY_STEP_START[step.step]) === 'receipt')) {
        const open = openStepClock(s.step);
        if (open) clockEvent(open.id, { type: 'restarted', date: p.receivedOn, reason: '收到补正后的申请' });
      }
    }
    state.receivedOn = p.receivedOn;
    await refreshClocks();
    await emit(
      'correction-received',
      p.actor,
      { receivedOn: p.receivedOn, ...(p.materials ? { materials: p.materials } : {}) },
      receiptNotice(),
    );
  });

  step(m.acceptUpdate, 'accept', async (p: m.Accept) => {
    const on = today();
    state.stage = 'accepted';
    closeClock('correction-notice', on, '已受理');
    closeStep('formal-review', on, '已受理');
    startStepsAt('acceptance', on, '受理');
    await refreshClocks();
    await emit('accepted', p.actor, {});
  });

  step(m.assignUpdate, 'assign', async (p: m.Assign) => {
    const on = today();
    const reassigned = state.departmentCode !== null;
    state.stage = 'assigned';
    state.departmentCode = p.departmentCode;
    state.assignee = p.assignee ?? null;
    state.proposal = null;
    state.secrecy = { firstLevel: null, secondLevel: null, escalation: null };
    closeStep('transfer-to-department', on, '已交办');
    if (currentRules && reassigned) {
      // The new department gets its own clock from the day it receives the file.
      closeStep('department-proposal', on, '重新交办');
      startStep('department-proposal', on, '重新交办承办科室');
    } else startStepsAt('assignment', on, '交办承办科室');
    await refreshClocks();
    await emit(reassigned ? 'reassigned' : 'assigned', p.actor, { departmentCode: p.departmentCode, assignee: p.assignee ?? null });
  });

  step(m.proposeUpdate, 'propose', async (p: m.Propose) => {
    const on = today();
    state.stage = 'proposed';
    state.proposal = { outcome: p.outcome, summary: p.summary, reasons: p.reasons, by: p.actor.username, on };
    closeStep('department-proposal', on, '已提出承办意见');
    await refreshClocks();
    await emit('proposed', p.actor, { outcome: p.outcome, summary: p.summary, reasons: p.reasons });
  });

  step(m.reviewSecrecyUpdate, 'reviewSecrecy', async (p: m.ReviewSecrecy) => {
    const on = today();
    const review = { conclusion: p.conclusion, by: p.actor.username, on, notes: p.notes };
    if (p.level === 1) state.secrecy.firstLevel = review;
    else state.secrecy.secondLevel = review;
    state.stage = 'secrecy-review';
    if (p.conclusion === 'fail') {
      // Secrets found: back to the department to revise its proposal.
      state.stage = 'assigned';
      state.proposal = null;
      state.secrecy = { firstLevel: null, secondLevel: null, escalation: null };
      startStep('department-proposal', on, '保密审查未通过，退回修改');
    }
    if (p.conclusion === 'cannot-determine' && (!currentRules || !clock('secrecy-escalation'))) {
      state.secrecy.escalation = { authority: p.authority!, sentOn: on, extendedBy: 0, answer: null };
      openClock('secrecy-escalation', 'secrecy-escalation', `保密审查请示（${p.authority}）`, 'application.secrecyEscalation', true, {
        type: 'started',
        date: on,
        workingDays: rules.secrecyEscalation.workingDays,
        reason: '报请保密工作部门确定',
      });
    }
    await refreshClocks();
    await emit('secrecy-reviewed', p.actor, { level: p.level, conclusion: p.conclusion, notes: p.notes, authority: p.authority ?? null });
  });

  step(m.answerSecrecyEscalationUpdate, 'answerSecrecyEscalation', async (p: m.AnswerSecrecyEscalation) => {
    state.secrecy.escalation!.answer = { conclusion: p.conclusion, on: p.answeredOn, notes: p.notes };
    closeClock('secrecy-escalation', p.answeredOn, '保密工作部门已答复');
    await refreshClocks();
    await emit('secrecy-escalation-answered', p.actor, { conclusion: p.conclusion, answeredOn: p.answeredOn, notes: p.notes });
  });

  step(m.extendSecrecyEscalationUpdate, 'extendSecrecyEscalation', async (p: m.ExtendSecrecyEscalation) => {
    state.secrecy.escalation!.extendedBy = p.workingDays;
    clockEvent('secrecy-escalation', { type: 'extended', date: today(), workingDays: p.workingDays, reason: '保密工作部门延长答复期限' });
    await refreshClocks();
    await emit('secrecy-escalation-extended', p.actor, { workingDays: p.workingDays });
  });

  step(m.decideUpdate, 'decide', async (p: m.Decide) => {
    const on = today();
    state.stage = 'decided';
    state.decision = {
      outcome: p.outcome,
      reasons: p.reasons,
      legalBasis: p.legalBasis,
      decidedBy: p.actor.username,
      decidedOn: on,
      ...(p.section36 ? { section36: p.section36 } : {}),
      ...(p.referral ? { referral: p.referral } : {}),
    };
    startStepsAt('decision', on, '拟定答复');
    const provide = rules.provideAfterDecision;
    if (currentRules && provide && (p.outcome === 'disclosed' || p.outcome === 'partially-disclosed') && !p.section36) {
      openClock('provide', 'provide', '决定公开后提供信息期限', 'application.provideAfterDecision', true, {
        type: 'started',
        date: on,
        workingDays: provide.workingDays,
        reason: '决定公开',
      });
    }
    await refreshClocks();
    await emit('decided', p.actor, { ...state.decision });
  });

  step(m.signOffUpdate, 'signOff', async (p: m.SignOff) => {
    state.stage = 'signed';
    closeStep('sign-off', today(), '已签发');
    await refreshClocks();
    await emit('signed', p.actor, {}, { kind: 'reply', decision: state.decision! });
    const decision = state.decision!;
    if (currentRules && (decision.outcome === 'disclosed' || decision.outcome === 'partially-disclosed')) {
      // §32: disclosing over a third party's objection, the agency tells it in writing what and why.
      for (const c of state.consultations.filter((x) => x.kind === 'third-party' && x.answer?.result === 'object')) {
        await emit(
          'third-party-disclosure-notified',
          p.actor,
          { consultationId: c.id, party: c.party, outcome: decision.outcome },
          {
            kind: 'third-party-disclosure',
            party: c.party,
            ...(c.address ? { address: c.address } : {}),
            outcome: decision.outcome,
            reasons: decision.reasons,
            rule: cite(rules.thirdPartyConsultation.citation),
          },
          { consultationId: c.id },
        );
      }
    }
  });

  step(m.deliverUpdate, 'deliver', async (p: m.Deliver) => {
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
        recordedOn: today(),
      };
    for (const c of state.clocks) closeClock(c.id, p.deliveredOn, '答复已送达');
    await refreshClocks();
    await emit('delivered', p.actor, { method: p.method, deliveredOn: p.deliveredOn });
  });

  step(m.closeUpdate, 'close', async (p: m.Close) => {
    state.stage = 'closed';
    state.closed = true;
    await emit('closed', p.actor, { outcome: state.outcome });
  });

  step(m.startConsultationUpdate, 'startConsultation', async (p: m.StartConsultation) => {
    const id = `${p.kind}-${state.consultations.filter((c) => c.kind === p.kind).length + 1}`;
    state.consultations.push({
      id,
      kind: p.kind,
      party: p.party,
      sentOn: p.sentOn,
      answer: null,
      ...(p.address ? { address: p.address } : {}),
    });
    const period = p.kind === 'third-party' ? rules.thirdPartyConsultation : rules.otherAgencyConsultation;
    const label = p.kind === 'third-party' ? `第三方意见征询（${p.party}）` : `征求其他机关意见（${p.party}）`;
    if (!currentRules) {
      openClock(
        id,
        p.kind,
        label,
        p.kind === 'third-party' ? 'application.thirdPartyConsultation' : 'application.otherAgencyConsultation',
        true,
        {
          type: 'started',
          date: p.sentOn,
          workingDays: period.workingDays,
          reason: '发出征求意见函',
        },
      );
    }
    // Current rules: the party answers within N WD of *receiving* the letter (§32, §34): its
    // clock opens when the letter's delivery is recorded. The reply clock stops from sending.
    clockEvent('reply', { type: 'paused', date: p.sentOn, pauseId: id, reason: label });
    await refreshClocks();
    const silence = p.kind === 'third-party' ? rules.thirdPartyConsultation.silence : 'deemed-consent';
    const docNo = await emit(
      'consultation-started',
      p.actor,
      { consultationId: id, kind: p.kind, party: p.party, sentOn: p.sentOn },
      {
        kind: p.kind,
        party: p.party,
        workingDays: period.workingDays,
        answerBy: dueOf(id),
        ...(p.address && p.kind === 'third-party' ? { address: p.address } : {}),
        ...(currentRules
          ? {
              rule: cite(period.citation),
              silence,
              ...(p.kind === 'third-party' ? { objection: rules.thirdPartyConsultation.objection } : {}),
            }
          : {}),
      } as NoticeDetails,
      { on: p.sentOn, consultationId: id },
    );
    if (docNo) state.consultations.find((c) => c.id === id)!.letterDocNo = docNo;
  });

  function endConsultation(id: string, result: NonNullable<ApplicationState['consultations'][number]['answer']>, reason: string): void {
    const consultation = state.consultations.find((c) => c.id === id)!;
    consultation.answer = result;
    closeClock(id, result.receivedOn, reason);
    clockEvent('reply', { type: 'resumed', date: result.receivedOn, pauseId: id, reason });
  }

  step(m.recordConsultationAnswerUpdate, 'recordConsultationAnswer', async (p: m.RecordConsultationAnswer) => {
    const consultation = state.consultations.find((c) => c.id === p.consultationId)!;
    const expired = consultation.answer;
    if (expired) {
      // Entered after the automatic expiry, received before it: the true date replaces the
      // expiry's in the clocks; the event log keeps both (the expiry and this correction).
      const reason = `收到征求意见答复（${today()}补录，更正${expired.receivedOn}的到期记录）`;
      consultation.answer = {
        result: p.result,
        receivedOn: p.receivedOn,
        ...(p.summary ? { summary: p.summary } : {}),
        correctsExpiry: {
          result: expired.result as 'no-answer' | 'deemed-consent',
          due: expired.receivedOn,
          enteredOn: today(),
          enteredBy: p.actor.username,
        },
      };
      redate(consultation.id, 'stopped', p.receivedOn, reason);
      redate('reply', 'resumed', p.receivedOn, reason, consultation.id);
      await refreshClocks();
      await emit('consultation-answer-recorded-late', p.actor, {
        consultationId: p.consultationId,
        result: p.result,
        receivedOn: p.receivedOn,
        summary: p.summary ?? null,
        replaces: { result: expired.result, expiredOn: expired.receivedOn },
      });
      return;
    }
    endConsultation(
      p.consultationId,
      { result: p.result, receivedOn: p.receivedOn, ...(p.summary ? { summary: p.summary } : {}) },
      '收到征求意见答复',
    );
    await refreshClocks();
    await emit('consultation-answered', p.actor, {
      consultationId: p.consultationId,
      result: p.result,
      receivedOn: p.receivedOn,
      summary: p.summary ?? null,
    });
  });

  /** Moves a recorded clock event to its true date (a late-entered answer); the case event log keeps the correction. */
  function redate(clockId: string, type: 'stopped' | 'resumed', date: IsoDate, reason: string, pauseId?: string): void {
    const target = clock(clockId);
    if (!target) return;
    let index = -1;
    target.events.forEach((e, i) => {
      if (e.type === type && (pauseId === undefined || (e.type === 'resumed' && e.pauseId === pauseId))) index = i;
    });
    if (index < 0) return;
    target.events[index] = { ...target.events[index]!, date, reason } as ClockEvent;
    if (type === 'stopped') target.closedReason = reason;
  }

  step(m.suspendUpdate, 'suspend', async (p: m.Suspend) => {
    state.suspension = { reason: p.reason, since: p.on };
    clockEvent('reply', { type: 'paused', date: p.on, pauseId: 'suspension', reason: `中止：${p.reason}` });
    await refreshClocks();
    await emit('suspended', p.actor, { reason: p.reason, on: p.on }, { kind: 'suspension', reason: p.reason, since: p.on });
  });

  step(m.resumeUpdate, 'resume', async (p: m.Resume) => {
    state.suspension = null;
    clockEvent('reply', { type: 'resumed', date: p.on, pauseId: 'suspension', reason: '中止事由消除，恢复办理' });
    await refreshClocks();
    await emit('resumed', p.actor, { on: p.on }, { kind: 'resumption', resumedOn: p.on, newDue: dueOf('reply') });
  });

  step(m.issueFeeNoticeUpdate, 'issueFeeNotice', async (p: m.IssueFeeNotice) => {
    const computation = await computeFee({
      caseNo: state.caseNo,
      idNumber: intake.applicant.idNumber,
      basis: p.basis,
      pages: p.pages ?? 0,
      count: p.count ?? 1,
      // 109号 第四条 counts the applications received in the natural month of this one's receipt.
      receivedOn: state.firstReceivedOn ?? state.receivedOn ?? p.noticeOn,
    });
    state.fee = { computation, noticeOn: p.noticeOn, paidOn: null, waived: computation.total === 0 };
    if (computation.total > 0) {
      if (!currentRules) {
        openClock('fee-payment', 'fee-payment', '缴费期限', 'application.feePayment', true, {
          type: 'started',
          date: p.noticeOn,
          workingDays: rules.feePayment.workingDays,
          reason: '发出收费通知',
        });
      }
      // Current rules: payment is due N WD from the day after the applicant receives the notice
      // (109号: 收到收费通知次日起): the clock opens at the recorded delivery.
      clockEvent('reply', { type: 'paused', date: p.noticeOn, pauseId: 'fee', reason: '等待缴费' });
    }
    await refreshClocks();
    await emit(
      'fee-notice-issued',
      p.actor,
      { computation, noticeOn: p.noticeOn },
      computation.total > 0
        ? {
            kind: 'fee',
            computation,
            payBy: dueOf('fee-payment'),
            workingDays: rules.feePayment.workingDays,
            ...(currentRules ? { rule: cite(rules.feePayment.citation) } : {}),
            ...(state.feeWaiver && !state.feeWaiver.approved ? { waiverRefused: state.feeWaiver.reasons } : {}),
          }
        : undefined,
      { on: p.noticeOn },
    );
  });

  step(m.recordFeePaymentUpdate, 'recordFeePayment', async (p: m.RecordFeePayment) => {
    state.fee!.paidOn = p.paidOn;
    closeClock('fee-payment', p.paidOn, '已缴费');
    clockEvent('reply', { type: 'resumed', date: p.paidOn, pauseId: 'fee', reason: '申请人已缴费' });
    await refreshClocks();
    await emit('fee-paid', p.actor, { paidOn: p.paidOn });
  });

  step(m.requestExtensionUpdate, 'requestExtension', async (p: m.RequestExtension) => {
    state.extension = {
      workingDays: p.workingDays,
      reason: p.reason,
      requestedBy: p.actor.username,
      requestedOn: today(),
      approvedBy: null,
      approvedOn: null,
    };
    await emit('extension-requested', p.actor, { workingDays: p.workingDays, reason: p.reason });
  });

  step(m.approveExtensionUpdate, 'approveExtension', async (p: m.ApproveExtension) => {
    const on = today();
    const extension = state.extension!;
    const originalDue = dueOf('reply');
    extension.approvedBy = p.actor.username;
    extension.approvedOn = on;
    clockEvent('reply', { type: 'extended', date: on, workingDays: extension.workingDays, reason: `经批准延期答复：${extension.reason}` });
    await refreshClocks();
    const reply = clock('reply')?.derived;
    // §33 requires written notice of every extension, also one approved while the clock is
    // stopped: then the notice states the remaining days, counted on once the pause ends.
    const paused =
      currentRules && reply?.status === 'paused' ? { remainingWorkingDays: reply.remainingWorkingDays, reasons: pauseReasons() } : null;
    await emit(
      'extension-approved',
      p.actor,
      { workingDays: extension.workingDays, originalDue, newDue: dueOf('reply'), ...(paused ? { paused } : {}) },
      originalDue || paused
        ? {
            kind: 'extension',
            workingDays: extension.workingDays,
            reason: extension.reason,
            originalDue,
            newDue: dueOf('reply'),
            ...(currentRules ? { rule: cite(rules.extension.citation), approvedBy: rules.extension.approvedBy } : {}),
            ...(paused ? { paused } : {}),
          }
        : undefined,
    );
  });

  /** Why the reply clock stands still now, for a notice. */
  function pauseReasons(): string[] {
    const reasons: string[] = [];
    for (const c of state.consultations.filter((x) => !x.answer))
      reasons.push(c.kind === 'third-party' ? `征求第三方（${c.party}）意见` : `征求${c.party}意见`);
    if (state.suspension) reasons.push(`中止办理：${state.suspension.reason}`);
    if (state.fee && !state.fee.paidOn && !state.fee.waived) reasons.push('等待缴纳信息处理费');
    if (state.stage === 'correction-requested') reasons.push('等待补正');
    return reasons;
  }

  step(m.decideFeeWaiverUpdate, 'decideFeeWaiver', async (p: m.DecideFeeWaiver) => {
    state.feeWaiver = { approved: p.approved, reasons: p.reasons, decidedBy: p.actor.username, decidedOn: today() };
    await emit(
      'fee-waiver-decided',
      p.actor,
      { approved: p.approved, reasons: p.reasons },
      {
        kind: 'fee-waiver',
        approved: p.approved,
        reasons: p.reasons,
        requestReason: intake.feeWaiverReason ?? null,
      },
    );
  });

  step(m.recordNoticeDeliveryUpdate, 'recordNoticeDelivery', async (p: m.RecordNoticeDelivery) => {
    const notice = state.notices.find((n) => n.docNo === p.docNo)!;
    notice.delivery = {
      method: p.method,
      deliveredOn: p.deliveredOn,
      ...(p.trackingNo ? { trackingNo: p.trackingNo } : {}),
      ...(p.proof ? { proof: p.proof } : {}),
      recordedBy: p.actor.username,
      recordedOn: today(),
    };
    if (currentRules) startPeriodOnDelivery(notice, p.deliveredOn);
    await refreshClocks();
    await emit('notice-delivered', p.actor, {
      docNo: p.docNo,
      kind: notice.kind,
      method: p.method,
      deliveredOn: p.deliveredOn,
      trackingNo: p.trackingNo ?? null,
      proof: p.proof ?? null,
    });
  });

  /** The periods that run from the addressee's receipt of a notice start the day after it. */
  function startPeriodOnDelivery(notice: IssuedNotice, deliveredOn: IsoDate): void {
    const reason = `${NOTICE_KINDS[notice.kind]}（${notice.docNo}）送达`;
    if (notice.kind === 'correction' && state.stage === 'correction-requested' && !clock('correction-period')) {
      openClock('correction-period', 'correction-period', '补正期限', 'application.correction', true, {
        type: 'started',
        date: deliveredOn,
        workingDays: state.correction!.periodWorkingDays,
        reason,
      });
    }
    if (notice.kind === 'fee' && state.fee && !state.fee.paidOn && !clock('fee-payment')) {
      openClock('fee-payment', 'fee-payment', '缴费期限', 'application.feePayment', true, {
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
      !clock(consultation.id)
    ) {
      const thirdParty = consultation.kind === 'third-party';
      openClock(
        consultation.id,
        consultation.kind,
        thirdParty ? `第三方意见征询（${consultation.party}）` : `征求其他机关意见（${consultation.party}）`,
        thirdParty ? 'application.thirdPartyConsultation' : 'application.otherAgencyConsultation',
        true,
        {
          type: 'started',
          date: deliveredOn,
          workingDays: (thirdParty ? rules.thirdPartyConsultation : rules.otherAgencyConsultation).workingDays,
          reason,
        },
      );
    }
  }

  step(m.requestReasonsUpdate, 'requestReasons', async (p: m.RequestReasons) => {
    state.excessive = { reasonsRequestedOn: today(), explanation: p.explanation, ruling: null };
    await emit('reasons-requested', p.actor, { explanation: p.explanation }, { kind: 'reasons-request', explanation: p.explanation });
  });

  step(m.ruleExcessiveRequestUpdate, 'ruleExcessiveRequest', async (p: m.RuleExcessiveRequest) => {
    const on = today();
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
      closeClock('reply', on, '依条例第三十五条确定延迟答复的合理期限');
      openClock('deferred-reply', 'deferred-reply', '延迟答复期限', 'application.excessiveRequest', true, {
        type: 'started',
        date: on,
        workingDays: p.laterWorkingDays,
        reason: '依条例第三十五条确定延迟答复的合理期限',
      });
    }
    await refreshClocks();
    await emit(
      'excessive-request-ruled',
      p.actor,
      { ...state.excessive!.ruling },
      p.reasonable && p.laterWorkingDays
        ? { kind: 'deferred-reply', explanation: p.explanation, laterWorkingDays: p.laterWorkingDays, newDue: dueOf('deferred-reply')! }
        : undefined,
    );
  });

  step(m.withdrawUpdate, 'withdraw', async (p: m.Withdraw) => {
    finish('other.other', p.on, '申请人撤回申请');
    await refreshClocks();
    await emit('withdrawn', p.actor, { on: p.on, reason: p.reason, outcome: 'other.other' });
  });

  runtime.registrationGate(m.awaitRegistrationUpdate);
  setHandler(m.applicationStateQuery, () => state);
  runtime.calendarSignal(m.calendarChangedSignal);

  // ---- registration -----------------------------------------------------------------------
  await runtime.register(async () => {
    state.possibleDuplicates = await activities().findPossibleDuplicates({
      caseNo: state.caseNo,
      idNumber: intake.applicant.idNumber,
      description: intake.description,
      windowDays: rules.duplicateWindowDays,
    });
    if (state.stage === 'registered') {
      startReplyClock(intake.receivedOn!, `收到申请（${CHANNELS[intake.channel]}）`);
      closeStep('register', today(), '已登记');
    }
    await refreshClocks();
    await emit(
      'submitted',
      input.submittedBy,
      { channel: intake.channel, receivedOn: state.receivedOn, possibleDuplicates: state.possibleDuplicates },
      receiptNotice(),
    );
  });

  // ---- timers: reminders, overdue escalations and expiries --------------------------------
  await runtime.runTimers({
    nextTimer,
    fireDueTimers,
    recompute: async () => {
      const before = state.clocks.map((c) => `${c.id}:${c.derived?.due}`).join();
      await refreshClocks(true);
      const after = state.clocks.map((c) => `${c.id}:${c.derived?.due}`).join();
      if (before !== after)
        await emit('clocks-recomputed', SYSTEM, { dues: Object.fromEntries(state.clocks.map((c) => [c.id, c.derived?.due ?? null])) });
    },
  });
  return state;

  /** Epoch ms of the earliest reminder or expiry not yet handled, or null. */
  function nextTimer(): number | null {
    let earliest: number | null = null;
    for (const c of state.clocks) {
      if (c.closed || !c.dueAt || !c.derived || c.derived.status !== 'running') continue;
      const candidates = c.reminders
        .filter((r) => !c.remindersSent.includes(reminderKey(c, r.workingDaysBefore)))
        .map((r) => Date.parse(r.at));
      if (c.overdueHandledFor !== c.derived.due) candidates.push(Date.parse(c.dueAt));
      for (const t of candidates) if (earliest === null || t < earliest) earliest = t;
    }
    return earliest;
  }

  async function fireDueTimers(): Promise<void> {
    const now = Date.now();
    for (const c of [...state.clocks]) {
      if (c.closed || !c.dueAt || !c.derived || c.derived.status !== 'running') continue;
      for (const r of c.reminders) {
        const key = reminderKey(c, r.workingDaysBefore);
        if (Date.parse(r.at) <= now && !c.remindersSent.includes(key)) {
          c.remindersSent.push(key);
          await emit('clock-reminder', SYSTEM, {
            clockId: c.id,
            label: c.label,
            due: c.derived.due,
            workingDaysBefore: r.workingDaysBefore,
            notify: notifyFor(c, false),
          });
        }
      }
      if (Date.parse(c.dueAt) <= now && c.overdueHandledFor !== c.derived.due) {
        await expire(c);
      }
    }
  }

  async function expire(c: CaseClock): Promise<void> {
    const due = c.derived!.due!;
    c.overdueHandledFor = due;
    switch (c.kind) {
      case 'correction-period':
        finish('other.correction-overdue', due, '申请人逾期未补正，视为放弃申请');
        await refreshClocks();
        await emit('abandoned', SYSTEM, { reason: 'correction-overdue', due, outcome: state.outcome });
        return;
      case 'fee-payment':
        finish('other.fee-unpaid', due, '申请人逾期未缴纳费用，视为放弃申请');
        await refreshClocks();
        await emit('abandoned', SYSTEM, { reason: 'fee-unpaid', due, outcome: state.outcome });
        return;
      case 'third-party':
      case 'other-agency': {
        // §34: another agency's silence is consent; a third party's is what the profile says (桦甸: consent).
        const consents = c.kind === 'other-agency' || (currentRules && rules.thirdPartyConsultation.silence === 'deemed-consent');
        const result = consents ? 'deemed-consent' : 'no-answer';
        endConsultation(
          c.id,
          { result, receivedOn: due },
          c.kind === 'other-agency'
            ? '被征求意见机关逾期未提出意见，视为同意公开'
            : consents
              ? '第三方逾期未提出意见，视作同意公开'
              : '第三方逾期未提出意见，由本机关依法决定',
        );
        await refreshClocks();
        await emit('consultation-expired', SYSTEM, { consultationId: c.id, result, due });
        return;
      }
      default:
        await emit('clock-overdue', SYSTEM, { clockId: c.id, label: c.label, due, notify: notifyFor(c, true) });
    }
  }

  function reminderKey(c: CaseClock, workingDaysBefore: number): string {
    return `${c.derived?.due}/${workingDaysBefore}`;
  }

  /** Who hears of a clock: the assignee first; when overdue, also the department head and the supervisor. */
  function notifyFor(c: CaseClock, overdue: boolean): string[] {
    const base = state.assignee
      ? [`user:${state.assignee}`]
      : state.departmentCode
        ? [`department:${state.departmentCode}`]
        : ['role:clerk'];
    if (c.kind === 'step' && !overdue) return base;
    return overdue ? [...base, `department-head:${state.departmentCode ?? input.officeDepartmentCode ?? 'gkb'}`, 'role:supervisor'] : base;
  }
}

/** The reply's delivery methods as notice delivery methods (the reply is a notice too). */
const DELIVERY_AS_NOTICE_METHOD: Record<string, NoticeDeliveryMethod> = {
  post: 'post',
  email: 'email',
  fax: 'fax',
  'pick-up': 'in-person',
};

const STEP_LABELS: Record<ApplicationStep, string> = {
  register: '登记期限',
  'formal-review': '形式审查期限',
  'transfer-to-department': '转交承办科室期限',
  'department-proposal': '承办科室提出答复意见期限',
  'sign-off': '签发期限',
};

export type { Stage };
