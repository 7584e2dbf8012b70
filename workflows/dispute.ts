/**
 * One dispute over a reply, `dispute-<disputeNo>`: a reconsideration or a lawsuit, from the
 * day the copy arrives to the enforcement of the result (seed 003's procedure, domain.md §6).
 *
 * Two clocks: the defence (答辩状: 10 WD from receipt for a reconsideration; for a lawsuit 15
 * calendar days under 行政诉讼法 第六十七条, or the 10 WD when they end earlier, see
 * domain/disputes/clocks.ts) and the business department's evidence (5 WD from forwarding).
 * Steps are updates validated by domain/disputes/rules.ts; each is persisted with its event
 * in one transaction. Reminders
 * and overdue escalations come from one timer for the next owed instant.
 */
import { notYetDerived, stopOpenClock } from '../domain/clocks/case-clock';
import { patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import type { IsoDate } from '../domain/calendar/dates';
import { nextTimerInstant, owedTimers } from '../domain/clocks/timers';
import type { AnyClockEvent } from '../domain/clocks/working-day-clock';
import type { Actor } from '../domain/case';
import { isLitigation, litigationDefenceClock, reconsiderationDefenceClock } from '../domain/disputes/clocks';
import { type DisputeAction, disputeChecks } from '../domain/disputes/rules';
import type { DisputeClock, DisputeClockKind, DisputeState } from '../domain/disputes/types';
import { CaseState, Department, DueAt } from '../temporal-config/search-attributes';
import * as m from './dispute-messages';
import { CaseRuntime, type StepResult, SYSTEM_ACTOR as SYSTEM, today } from './runtime/case-runtime';
import { ruleProfileOf } from './runtime/profile';

const { deriveClocks, recordDisputeEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['InvalidClockEvents'] },
});

/** Patch: lawsuits' defence clock in calendar days instead of the profile's working days. */
const LITIGATION_CALENDAR_DAYS = 'dispute-litigation-calendar-days';

export async function dispute(input: m.DisputeInput): Promise<DisputeState> {
  const { filing } = input;
  const profile = ruleProfileOf(input);
  const rules = profile.disputes;
  const state: DisputeState = {
    disputeNo: input.disputeNo,
    filing,
    ruleProfile: { id: profile.id, version: profile.version },
    stage: 'received',
    departmentCode: null,
    forwardedOn: null,
    evidence: [],
    defence: null,
    meetings: [],
    hearings: [],
    result: null,
    enforcement: null,
    closed: false,
    clocks: [],
    seq: 0,
  };

  const runtime = new CaseRuntime(state);

  // ---- clocks ---------------------------------------------------------------------------
  const clock = (id: DisputeClockKind) => state.clocks.find((c) => c.id === id);

  function openClock(id: DisputeClockKind, label: string, rule: string, start: AnyClockEvent, statutory = false): void {
    state.clocks.push({
      id,
      kind: id,
      label,
      rule,
      statutory,
      events: [start],
      ...notYetDerived(),
    });
  }

  const stopClock = (id: DisputeClockKind, date: IsoDate, reason: string): void => stopOpenClock(clock(id), date, reason);

  async function refreshClocks(): Promise<void> {
    const derived = await deriveClocks({
      clocks: state.clocks.map((c) => ({ id: c.id, events: c.events })),
      reminderWorkingDaysBefore: profile.application.remindersWorkingDaysBefore,
    });
    const now = Date.now();
    for (const result of derived) {
      const target = clock(result.id as DisputeClockKind)!;
      target.derived = result.derived;
      target.dueAt = result.dueAt;
      target.reminders = result.reminders.filter(
        (r) => Date.parse(r.at) > now || target.remindersSent.includes(`${result.derived.due}/${r.workingDaysBefore}`),
      );
    }
    const defence = clock('defence');
    upsertSearchAttributes([
      { key: CaseState, value: state.stage },
      ...(state.departmentCode ? [{ key: Department, value: state.departmentCode }] : []),
      ...(defence?.dueAt && !defence.closed ? [{ key: DueAt, value: new Date(defence.dueAt) }] : []),
    ]);
  }

  async function emit(type: string, actor: Actor, payload: Record<string, unknown>): Promise<void> {
    state.seq += 1;
    await recordDisputeEvent({
      workflowId: workflowInfo().workflowId,
      agencyCode: input.agencyCode,
      event: { seq: state.seq, type, actor, at: new Date().toISOString(), payload },
      state,
    });
  }

  function forwardTo(departmentCode: string, on: IsoDate, reason: string): void {
    state.departmentCode = departmentCode;
    state.forwardedOn = on;
    openClock('evidence', '业务科室提供证据期限', 'disputes.departmentEvidence', {
      type: 'started',
      date: on,
      workingDays: rules.departmentEvidence.workingDays,
      reason,
    });
  }

  function close(on: IsoDate, reason: string): void {
    state.closed = true;
    state.stage = 'closed';
    for (const c of state.clocks) stopClock(c.id, on, reason);
  }

  // ---- steps ------------------------------------------------------------------------------
  function step<P extends { actor: Actor; on: IsoDate }>(
    definition: UpdateDefinition<StepResult, [P]>,
    action: DisputeAction,
    run: (p: P) => Promise<void>,
  ): void {
    runtime.step(definition, (p: P) => disputeChecks[action](state, p as unknown as Record<string, unknown>, today()), run);
  }

  step(m.forwardUpdate, 'forward', async (p: m.Forward) => {
    forwardTo(p.departmentCode, p.on, '转交行政复议申请书（起诉状）副本');
    await refreshClocks();
    await emit('forwarded', p.actor, { departmentCode: p.departmentCode, on: p.on });
  });

  step(m.submitEvidenceUpdate, 'submitEvidence', async (p: m.SubmitEvidence) => {
    state.evidence.push({
      items: p.items,
      submittedOn: p.on,
      by: p.actor.username,
      ...(p.secrecyNote ? { secrecyNote: p.secrecyNote } : {}),
    });
    stopClock('evidence', p.on, '业务科室已提供证据');
    await refreshClocks();
    await emit('evidence-submitted', p.actor, {
      items: p.items,
      on: p.on,
      secrecyNote: p.secrecyNote ?? null,
      supplementary: state.evidence.length > 1,
    });
  });

  step(m.submitDefenceUpdate, 'submitDefence', async (p: m.SubmitDefence) => {
    state.defence = { summary: p.summary, submittedOn: p.on, by: p.actor.username };
    state.stage = 'defence-submitted';
    stopClock('defence', p.on, '答辩状已提交');
    await refreshClocks();
    await emit('defence-submitted', p.actor, { summary: p.summary, on: p.on });
  });

  step(m.holdMeetingUpdate, 'holdMeeting', async (p: m.HoldMeeting) => {
    state.meetings.push({ on: p.on, participants: p.participants, conclusion: p.conclusion, by: p.actor.username });
    await emit('meeting-held', p.actor, { on: p.on, participants: p.participants, conclusion: p.conclusion });
  });

  step(m.recordHearingUpdate, 'recordHearing', async (p: m.RecordHearing) => {
    state.hearings.push({ on: p.on, representative: p.representative, notes: p.notes, by: p.actor.username });
    await emit('hearing-held', p.actor, { on: p.on, representative: p.representative, notes: p.notes });
  });

  step(m.recordResultUpdate, 'recordResult', async (p: m.RecordResult) => {
    state.result = {
      result: p.result,
      on: p.on,
      summary: p.summary,
      by: p.actor.username,
      withdrawn: false,
      ...(p.documentNo ? { documentNo: p.documentNo } : {}),
    };
    // A result that leaves nothing to do closes the dispute; one that corrects the reply (or orders otherwise) must be enforced.
    if (p.result === 'upheld') close(p.on, '复议决定（判决）维持原答复');
    else state.stage = 'enforcing';
    await refreshClocks();
    await emit('result-recorded', p.actor, { result: p.result, on: p.on, summary: p.summary, documentNo: p.documentNo ?? null });
  });

  step(m.recordEnforcementUpdate, 'recordEnforcement', async (p: m.RecordEnforcement) => {
    state.enforcement = { on: p.on, actions: p.actions, by: p.actor.username };
    close(p.on, '已执行');
    await refreshClocks();
    await emit('enforced', p.actor, { on: p.on, actions: p.actions });
  });

  step(m.withdrawUpdate, 'withdraw', async (p: m.Withdraw) => {
    state.result = { result: 'other', on: p.on, summary: p.reason, by: p.actor.username, withdrawn: true };
    close(p.on, '申请人撤回复议申请（撤诉）');
    await refreshClocks();
    await emit('withdrawn', p.actor, { on: p.on, reason: p.reason });
  });

  runtime.registrationGate(m.awaitFilingUpdate);
  setHandler(m.disputeStateQuery, () => state);
  runtime.calendarSignal(m.calendarChangedSignal);

  // ---- filing -----------------------------------------------------------------------------
  await runtime.register(async () => {
    // A lawsuit's clock runs in calendar days (行政诉讼法 第六十七条); disputes filed before this
    // change keep their 10 WD clock, and their timers, when replayed.
    const defence =
      isLitigation(filing.kind) && patched(LITIGATION_CALENDAR_DAYS)
        ? litigationDefenceClock(filing, rules)
        : reconsiderationDefenceClock(filing, rules);
    openClock('defence', defence.label, defence.rule, defence.start, defence.statutory);
    if (filing.departmentCode) forwardTo(filing.departmentCode, filing.receivedOn, '收到副本当日转交业务科室');
    await refreshClocks();
    await emit('filed', input.filedBy, { ...filing });
  });

  // ---- timers ------------------------------------------------------------------------------
  await runtime.runTimers({
    nextTimer: () => nextTimerInstant(state.clocks),
    fireDueTimers: fireOwedTimers,
    recompute: async () => {
      const dues = () => state.clocks.map((c) => `${c.id}:${c.derived?.due}`).join();
      const before = dues();
      await refreshClocks();
      if (dues() !== before)
        await emit('clocks-recomputed', SYSTEM, { dues: Object.fromEntries(state.clocks.map((c) => [c.id, c.derived?.due ?? null])) });
    },
  });
  return state;

  async function fireOwedTimers(): Promise<void> {
    for (const owed of owedTimers<DisputeClock>(state.clocks, Date.now())) {
      const c = owed.clock;
      if (owed.kind === 'reminder') {
        c.remindersSent.push(owed.key);
        await emit('clock-reminder', SYSTEM, {
          clockId: c.id,
          label: c.label,
          due: c.derived!.due,
          workingDaysBefore: owed.workingDaysBefore,
          notify: notifyFor(c, false),
        });
      } else {
        c.overdueHandledFor = owed.due;
        await emit('clock-overdue', SYSTEM, { clockId: c.id, label: c.label, due: owed.due, notify: notifyFor(c, true) });
      }
    }
  }

  /** The evidence clock is the department's; the defence is the OGI office's (政务公开科). */
  function notifyFor(c: DisputeClock, overdue: boolean): string[] {
    const owner = c.kind === 'evidence' && state.departmentCode ? `department:${state.departmentCode}` : 'role:clerk';
    return overdue
      ? [
          owner,
          `department-head:${c.kind === 'evidence' ? state.departmentCode : (input.officeDepartmentCode ?? 'gkb')}`,
          'role:supervisor',
        ]
      : [owner];
  }
}
