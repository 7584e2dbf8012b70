/**
 * One application for disclosure (依申请公开), from intake to closure: `application-<caseNo>`.
 *
 * Every step arrives as an update from the API (validated against the case's state, so a
 * refused step leaves the case unchanged), changes the state, appends events to the clocks
 * it touches, has the due dates re-derived by an activity (the calendar never enters workflow
 * code), and is persisted with its event and notice in one transaction by another activity.
 * One loop arms a single timer for the next reminder or expiry among all open clocks.
 * What each step does to the state is domain/application/transitions.ts (pure); here is the
 * Temporal wiring: handlers, patches, activities, search attributes and the timer loop.
 */
import {
  ActivityFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions, LocalActivityOptions, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import { type ActionName, type CheckContext, checks } from '../domain/application/rules';
import * as t from '../domain/application/transitions';
import type { ApplicationState, Stage } from '../domain/application/types';
import type { Actor } from '../domain/case';
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
/** Starting the receiving agency's case waits for its registration: retried for as long as a day. */
const { handOverApplication } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', nonRetryableErrorTypes: ['UnknownAgency', 'HandOverToSelf'] },
  scheduleToCloseTimeout: '1 day',
});

/**
 * What a closed application's run returns: the case's id and how it ended. The state it ended
 * in is in PostgreSQL and in the history's last step; repeating it in the completion event was
 * a tenth of a closed case's history. Executions recorded before 2026-12 return the whole state.
 */
export type ApplicationResult = Pick<ApplicationState, 'caseNo' | 'stage' | 'closed' | 'outcome' | 'endedOn' | 'seq'>;

export async function application(input: m.ApplicationInput): Promise<ApplicationState | ApplicationResult> {
  const profile = ruleProfileOf(input);
  const rules = profile.application;
  /**
   * Executions started from here on take one patch that stands for every earlier one (and
   * for the lean history below): each patch costs every history a marker and an upsert of
   * TemporalChangeVersion, about 0.8 KB. Executions recorded before ask for each patch as they
   * did; asked first, before any await, so a replay sees it exactly where it was recorded.
   */
  const since202612 = patched('application-2026-12');
  const hasPatch = (id: string): boolean => since202612 || patched(id);
  /**
   * The rules of issue 15 (clocks from delivery, step start events, re-armed step clocks,
   * stricter checks): executions recorded before them replay exactly as they ran.
   */
  const currentRules = hasPatch('legal-rules-2026');
  let chosen: typeof remote | null = null;
  const activities = (): typeof remote => (chosen ??= hasPatch('local-step-activities') ? local : remote);
  const state = t.newApplicationState(input, profile);
  const runtime = new CaseRuntime(state);
  /** What the transitions read; `today` is workflow time when the step applies. */
  const context = (): t.TransitionContext => ({ rules, currentRules, today: today(), officeDepartmentCode: input.officeDepartmentCode });

  // ---- clocks ---------------------------------------------------------------------------
  /**
   * The events each clock was last derived from. Lean derivation (patch `lean-clock-derivation`):
   * only clocks whose events changed since are derived again, and no activity runs when none did.
   * Executions recorded before derive every clock at every step, as they did.
   */
  const derivedFrom = new Map<string, string>();
  let lean: boolean | undefined;
  const isLean = (): boolean => (lean ??= hasPatch('lean-clock-derivation'));

  /** Re-derives the clocks whose events changed (all of them after a calendar change) with the current calendar. */
  async function refreshClocks(everyClock = false): Promise<void> {
    const stale = t.clocksToDerive(state, everyClock || !isLean() ? null : derivedFrom);
    if (stale.length > 0) {
      // Compact (since202612): without what the workflow puts back itself (the steps it holds,
      // the steps' events, the reminders' instants).
      const derived = await activities().deriveClocks({
        clocks: stale.map((c) => {
          const held = since202612 ? t.heldSteps(c, derivedFrom.get(c.id)) : undefined;
          return { id: c.id, events: c.events, ...(held ? { heldSteps: held } : {}) };
        }),
        reminderWorkingDaysBefore: rules.remindersWorkingDaysBefore,
        ...(since202612 ? { compact: true as const } : {}),
      });
      for (const c of stale) derivedFrom.set(c.id, JSON.stringify(c.events));
      t.applyDerivation(state, derived, Date.now());
    }
    updateSearchAttributes(t.clockOf(state, 'reply')?.dueAt ?? null);
  }

  let searchAttributesSet = '';
  /** Lean history (since202612): an upsert carries only the attributes whose value changed. */
  const upserted = new Map<string, string>();
  function updateSearchAttributes(replyDueAt: string | null): void {
    const now = `${state.stage}|${state.departmentCode}|${replyDueAt}`;
    if (isLean() && now === searchAttributesSet) return; // unchanged: no command, no history event
    searchAttributesSet = now;
    const attributes = [
      { key: CaseState, value: state.stage },
      ...(state.departmentCode ? [{ key: Department, value: state.departmentCode }] : []),
      ...(replyDueAt ? [{ key: DueAt, value: new Date(replyDueAt) }] : []),
    ];
    if (!since202612) return upsertSearchAttributes(attributes);
    const text = (value: string | Date) => (value instanceof Date ? value.toISOString() : value);
    const changed = attributes.filter(({ key, value }) => upserted.get(key.name) !== text(value));
    for (const { key, value } of changed) upserted.set(key.name, text(value));
    if (changed.length > 0) upsertSearchAttributes(changed);
  }

  // ---- persistence -----------------------------------------------------------------------
  /** Records an event with its notice (numbered by the activity) in one transaction. */
  async function emit(actor: Actor, draft: t.EventDraft): Promise<void> {
    state.seq += 1;
    const issue = draft.notice ? t.noticeIssue(draft.notice, today(), draft.sent) : undefined;
    const { docNo } = await activities().recordApplicationEvent({
      workflowId: workflowInfo().workflowId,
      agencyCode: input.agencyCode,
      event: { seq: state.seq, type: draft.type, actor, at: new Date().toISOString(), payload: draft.payload },
      state,
      ...(draft.notice ? { notice: draft.notice, issue } : {}),
    });
    if (issue && docNo) t.noticeNumbered(state, draft, issue, docNo);
  }

  // ---- steps ------------------------------------------------------------------------------
  /** Applies a step's transition, re-derives the clocks it moved, and records its events. */
  async function run<P extends { actor: Actor }, A>(transition: t.Transition<P, A>, payload: P): Promise<void> {
    const ctx = context();
    const applied = transition.apply(state, payload, ctx);
    if (transition.rederive) await refreshClocks();
    for (const draft of transition.events(state, payload, ctx, applied)) await emit(payload.actor, draft);
  }

  const refusal =
    <P>(action: ActionName) =>
    (payload: P): string | null =>
      (checks[action] as (s: ApplicationState, p: P, c: CheckContext) => string | null)(state, payload, {
        profile,
        today: today(),
        currentRules,
      });

  function step<P extends { actor: Actor }, A>(
    definition: UpdateDefinition<StepResult, [P]>,
    action: ActionName,
    transition: t.Transition<P, A>,
  ): void {
    runtime.step(definition, refusal<P>(action), (payload: P) => run(transition, payload));
  }

  step(m.confirmReceiptUpdate, 'confirmReceipt', t.confirmReceipt);
  step(m.requestCorrectionUpdate, 'requestCorrection', t.requestCorrection);
  step(m.submitCorrectionUpdate, 'submitCorrection', t.submitCorrection);
  step(m.acceptUpdate, 'accept', t.accept);
  step(m.assignUpdate, 'assign', t.assign);
  step(m.proposeUpdate, 'propose', t.propose);
  step(m.reviewSecrecyUpdate, 'reviewSecrecy', t.reviewSecrecy);
  step(m.answerSecrecyEscalationUpdate, 'answerSecrecyEscalation', t.answerSecrecyEscalation);
  step(m.extendSecrecyEscalationUpdate, 'extendSecrecyEscalation', t.extendSecrecyEscalation);
  step(m.decideUpdate, 'decide', t.decide);
  step(m.signOffUpdate, 'signOff', t.signOff);
  step(m.deliverUpdate, 'deliver', t.deliver);
  step(m.closeUpdate, 'close', t.close);
  step(m.startConsultationUpdate, 'startConsultation', t.startConsultation);
  step(m.recordConsultationAnswerUpdate, 'recordConsultationAnswer', t.recordConsultationAnswer);
  step(m.suspendUpdate, 'suspend', t.suspend);
  step(m.resumeUpdate, 'resume', t.resume);
  // The fee is computed from the applicant's other applications this month: an activity first.
  runtime.step(m.issueFeeNoticeUpdate, refusal<m.IssueFeeNotice>('issueFeeNotice'), async (p) =>
    run(t.issueFeeNotice, { ...p, computation: await computeFee(t.feeQuery(state, p)) }),
  );
  step(m.recordFeePaymentUpdate, 'recordFeePayment', t.recordFeePayment);
  step(m.requestExtensionUpdate, 'requestExtension', t.requestExtension);
  step(m.approveExtensionUpdate, 'approveExtension', t.approveExtension);
  step(m.decideFeeWaiverUpdate, 'decideFeeWaiver', t.decideFeeWaiver);
  step(m.recordNoticeDeliveryUpdate, 'recordNoticeDelivery', t.recordNoticeDelivery);
  step(m.requestReasonsUpdate, 'requestReasons', t.requestReasons);
  step(m.ruleExcessiveRequestUpdate, 'ruleExcessiveRequest', t.ruleExcessiveRequest);
  step(m.withdrawUpdate, 'withdraw', t.withdraw);

  runtime.registrationGate(m.awaitRegistrationUpdate);
  setHandler(m.applicationStateQuery, () => state);
  runtime.calendarSignal(m.calendarChangedSignal);

  // ---- registration -----------------------------------------------------------------------
  await runtime.register(async () => {
    const possibleDuplicates =
      input.possibleDuplicates ??
      (await activities().findPossibleDuplicates({
        caseNo: state.caseNo,
        idNumber: input.intake.applicant.idNumber,
        description: input.intake.description,
        windowDays: rules.duplicateWindowDays,
      }));
    const ctx = context();
    t.register(state, possibleDuplicates, ctx);
    await refreshClocks();
    await emit(input.submittedBy, t.registered(state, ctx));
  });

  // ---- timers: reminders, overdue escalations and expiries --------------------------------
  await runtime.runTimers({
    nextTimer: () => t.nextTimer(state),
    fireDueTimers: async () => {
      const now = Date.now();
      const ctx = context();
      for (const c of [...state.clocks]) {
        if (!t.armed(c)) continue;
        for (const r of c.reminders) if (t.reminderDue(c, r, now)) await emit(SYSTEM, t.remind(state, c, r.workingDaysBefore, ctx));
        if (t.expiryDue(c, now)) {
          const expiry = t.expire(state, c, ctx);
          if (expiry.rederive) await refreshClocks();
          await emit(SYSTEM, expiry.event);
        }
      }
    },
    recompute: async () => {
      const before = t.dueDates(state);
      await refreshClocks(true);
      if (t.dueDates(state) !== before) await emit(SYSTEM, t.clocksRecomputed(state));
    },
  });

  // ---- §36(五) on the platform: the closed case goes to the competent agency it named ----
  const handOverTo = t.handOverDue(state);
  if (handOverTo && hasPatch('hand-over')) {
    try {
      const to = await handOverApplication({ caseNo: state.caseNo, agencyCode: input.agencyCode, toAgencyCode: handOverTo, on: today() });
      await emit(SYSTEM, t.handedOver(state, to));
    } catch (error) {
      // The reply already named the agency; the clerk forwards the application by hand.
      await emit(SYSTEM, {
        type: 'hand-over-failed',
        payload: {
          toAgencyCode: handOverTo,
          reason: error instanceof ActivityFailure && error.cause ? error.cause.message : String(error),
        },
      });
    }
  }
  if (!since202612) return state;
  const { caseNo, stage, closed, outcome, endedOn, seq } = state;
  return { caseNo, stage, closed, outcome, endedOn, seq };
}

export type { Stage };
