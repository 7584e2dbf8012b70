/**
 * One public-opinion incident (舆情回应) or rumour clarification (澄清虚假或不完整信息), from
 * intake to closure with an evaluation: `incident-<id>`.
 *
 * Clocks run in wall-clock minutes (domain.md §5), so the workflow derives them itself with
 * the pure minute clock (no calendar, no activity): the upward report and the response run
 * from the first-seen time with the grade's periods; a regrade re-derives both; a missed
 * clock writes an accountability record (who, which clock, and by how much once the step is
 * done). While open, a rolling-update reminder goes out at the profile's interval after the
 * last release. Each step is an update validated against the state and persisted with its
 * event in one transaction by an activity.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ActivityOptions, LocalActivityOptions, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import type { Actor } from '../domain/case';
import { deriveMinuteClock, type Instant, type MinuteClockEvent, minutesLate } from '../domain/incidents/clock';
import { type IncidentActionName, incidentChecks, periodsFor, releaseMeetsResponse, updateIntervalOf } from '../domain/incidents/rules';
import {
  type IncidentClock,
  type IncidentClockId,
  type IncidentGradeLevel,
  type IncidentState,
  RELEASE_CHANNELS,
} from '../domain/incidents/types';
import { CaseState, Department, DueAt } from '../temporal-config/search-attributes';
import * as m from './incident-messages';
import { CaseRuntime, nowIso, type StepResult, SYSTEM_ACTOR as SYSTEM } from './runtime/case-runtime';
import { ruleProfileOf } from './runtime/profile';

const ACTIVITY_OPTIONS: ActivityOptions & LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
// Persistence runs as a local activity (idempotent; no task-queue round trip per step or fired
// clock); executions recorded before that change replay with the ordinary one.
const remote = proxyActivities<Activities>(ACTIVITY_OPTIONS);
const local = proxyLocalActivities<Activities>(ACTIVITY_OPTIONS);

const CLOCK_LABELS: Record<IncidentClockId, string> = { report: '报送时限', response: '回应时限' };
const MINUTE_MS = 60_000;

export async function incident(input: m.IncidentInput): Promise<IncidentState> {
  const { intake } = input;
  const profile = ruleProfileOf(input);
  const interval = updateIntervalOf(profile);
  const registeredAt = nowIso();
  const state: IncidentState = {
    id: input.id,
    kind: input.kind,
    ruleProfile: { id: profile.id, version: profile.version },
    grade: input.grade,
    gradeHistory: [{ grade: input.grade, at: registeredAt, by: input.registeredBy.username, reason: '登记定级' }],
    stage: 'registered',
    closed: false,
    intake,
    registeredBy: input.registeredBy.username,
    registeredByDepartment: input.registeredBy.departmentCode,
    registeredAt,
    departmentCode: null,
    assignee: null,
    assessment: null,
    plan: null,
    consents: [],
    approval: null,
    releases: [],
    reports: [],
    evaluation: null,
    clocks: [],
    updates: { intervalMinutes: interval.minutes, defaulted: interval.defaulted, lastReminderAt: null },
    accountability: [],
    seq: 0,
  };

  const runtime = new CaseRuntime(state);

  // ---- clocks (pure: derived here from their events) ---------------------------------------
  const clock = (id: IncidentClockId): IncidentClock => state.clocks.find((c) => c.id === id)!;

  function openClocks(grade: IncidentGradeLevel): void {
    const periods = periodsFor(profile, grade);
    for (const id of ['report', 'response'] as const) {
      const { period, rule, citation } = periods[id];
      const events: MinuteClockEvent[] = [{ type: 'started', at: intake.firstSeenAt, period, reason: `发现舆情（${grade}）` }];
      state.clocks.push({ id, label: CLOCK_LABELS[id], rule, citation, events, derived: deriveMinuteClock(events), missHandledFor: null });
    }
  }

  function regradeClocks(grade: IncidentGradeLevel, reason: string): void {
    const periods = periodsFor(profile, grade);
    for (const c of state.clocks) {
      if (c.derived.status !== 'running') continue;
      const { period, rule, citation } = periods[c.id];
      c.events.push({ type: 'regraded', at: nowIso(), period, reason: `调整为${grade}：${reason}` });
      c.rule = rule;
      c.citation = citation;
      c.derived = deriveMinuteClock(c.events);
    }
  }

  /** Stops a running clock; a late stop completes (or creates) its accountability record. */
  function stopClock(id: IncidentClockId, at: Instant, reason: string): void {
    const c = clock(id);
    if (c.derived.status !== 'running') return;
    c.events.push({ type: 'stopped', at, reason });
    c.derived = deriveMinuteClock(c.events);
    const late = c.derived.lateMinutes ?? 0;
    // A miss already recorded is completed, even when the step turns out to have been done in
    // time but recorded afterwards (lateness 0); a late stop never recorded as missed is added.
    const open = state.accountability.find((a) => a.clockId === id && a.satisfiedAt === null);
    if (open) {
      open.satisfiedAt = at;
      open.lateMinutes = minutesLate(at, open.dueAt);
    } else if (late > 0) {
      state.accountability.push({
        ...responsible(),
        clockId: id,
        clockLabel: c.label,
        dueAt: c.derived.dueAt!,
        missedAt: at,
        satisfiedAt: at,
        lateMinutes: late,
      });
    }
  }

  function responsible(): { responsible: string; responsiblePerson: string | null } {
    return state.departmentCode
      ? { responsible: state.departmentCode, responsiblePerson: state.assignee }
      : { responsible: state.registeredByDepartment, responsiblePerson: state.registeredBy };
  }

  function updateSearchAttributes(): void {
    const dues = state.clocks.filter((c) => c.derived.status === 'running' && c.derived.dueAt).map((c) => Date.parse(c.derived.dueAt!));
    upsertSearchAttributes([
      { key: CaseState, value: state.stage },
      ...(state.departmentCode ? [{ key: Department, value: state.departmentCode }] : []),
      ...(dues.length > 0 ? [{ key: DueAt, value: new Date(Math.min(...dues)) }] : []),
    ]);
  }

  // ---- persistence -----------------------------------------------------------------------
  async function emit(type: string, actor: Actor, payload: Record<string, unknown>): Promise<void> {
    state.seq += 1;
    updateSearchAttributes();
    await (patched('local-step-activities') ? local : remote).recordIncidentEvent({
      workflowId: workflowInfo().workflowId,
      agencyCode: input.agencyCode,
      event: { seq: state.seq, type, actor, at: nowIso(), payload },
      state,
    });
  }

  // ---- steps ------------------------------------------------------------------------------
  function step<P extends { actor: Actor }>(
    definition: UpdateDefinition<StepResult, [P]>,
    action: IncidentActionName,
    run: (payload: P) => Promise<void>,
  ): void {
    const check = incidentChecks[action] as (s: IncidentState, p: P, c: { now: number; profile: typeof profile }) => string | null;
    runtime.step(definition, (payload: P) => check(state, payload, { now: Date.now(), profile }), run);
  }

  step(m.regradeUpdate, 'regrade', async (p: m.Regrade) => {
    const from = state.grade;
    state.grade = p.grade;
    state.gradeHistory.push({ grade: p.grade, at: nowIso(), by: p.actor.username, reason: p.reason });
    regradeClocks(p.grade, p.reason);
    await emit('regraded', p.actor, { from, to: p.grade, reason: p.reason, dues: dues() });
  });

  step(m.assignIncidentUpdate, 'assign', async (p: m.AssignIncident) => {
    state.departmentCode = p.departmentCode;
    state.assignee = p.assignee ?? null;
    if (state.stage === 'registered') state.stage = 'assigned';
    await emit('assigned', p.actor, { departmentCode: p.departmentCode, assignee: p.assignee ?? null });
  });

  step(m.assessUpdate, 'assess', async (p: m.Assess) => {
    state.stage = 'assessed';
    state.assessment = { text: p.text, by: p.actor.username, at: nowIso() };
    await emit('assessed', p.actor, { text: p.text });
  });

  step(m.planUpdate, 'plan', async (p: m.Plan) => {
    state.stage = 'planned';
    state.plan = {
      text: p.text,
      involvedDepartments: p.involvedDepartments,
      sensitive: p.sensitive,
      by: p.actor.username,
      at: nowIso(),
      ...(p.issuedInNameOf ? { issuedInNameOf: p.issuedInNameOf } : {}),
    };
    state.consents = state.consents.filter((c) => p.involvedDepartments.includes(c.departmentCode));
    await emit('planned', p.actor, { ...state.plan });
  });

  step(m.recordConsentUpdate, 'recordConsent', async (p: m.RecordConsent) => {
    state.consents.push({ departmentCode: p.departmentCode, by: p.actor.username, at: nowIso(), note: p.note });
    await emit('consent-recorded', p.actor, { departmentCode: p.departmentCode, note: p.note });
  });

  step(m.approveUpdate, 'approve', async (p: m.Approve) => {
    state.stage = 'approved';
    state.approval = { level: p.level, by: p.actor.username, at: nowIso(), comments: p.comments };
    await emit('approved', p.actor, { level: p.level, comments: p.comments });
  });

  step(m.releaseUpdate, 'release', async (p: m.ReleaseStep) => {
    const at = p.at ?? nowIso();
    const kind = state.releases.length === 0 ? 'first' : 'follow-up';
    state.releases.push({ kind, channel: p.channel, text: p.text, at, by: p.actor.username });
    state.stage = 'released';
    const meets = releaseMeetsResponse(state.grade, p.channel);
    if (meets) stopClock('response', at, `${RELEASE_CHANNELS[p.channel]}发布`);
    await emit(kind === 'first' ? 'released' : 'follow-up-released', p.actor, {
      channel: p.channel,
      text: p.text,
      at,
      meetsResponseClock: meets,
    });
  });

  step(m.reportUpdate, 'report', async (p: m.Report) => {
    const at = p.at ?? nowIso();
    state.reports.push({ to: p.to, recipient: p.recipient, summary: p.summary, at, by: p.actor.username });
    stopClock('report', at, `报送${p.recipient}`);
    await emit('reported', p.actor, { to: p.to, recipient: p.recipient, summary: p.summary, at });
  });

  step(m.closeIncidentUpdate, 'close', async (p: m.CloseIncident) => {
    const at = nowIso();
    state.evaluation = { text: p.evaluation, by: p.actor.username, at };
    state.stage = 'closed';
    state.closed = true;
    await emit('closed', p.actor, { evaluation: p.evaluation, accountability: state.accountability.length });
  });

  runtime.registrationGate(m.awaitIncidentRegistrationUpdate);
  setHandler(m.incidentStateQuery, () => state);

  // ---- registration -----------------------------------------------------------------------
  await runtime.register(async () => {
    openClocks(input.grade);
    await emit('registered', input.registeredBy, {
      kind: input.kind,
      grade: input.grade,
      source: intake.source,
      firstSeenAt: intake.firstSeenAt,
      dues: dues(),
    });
  });

  // ---- timers: missed clocks and rolling-update reminders (never none: the reminder recurs) ----
  await runtime.runTimers({ nextTimer, fireDueTimers });
  return state;

  function dues(): Record<string, Instant | null> {
    return Object.fromEntries(state.clocks.map((c) => [c.id, c.derived.dueAt]));
  }

  function nextUpdateReminder(): number {
    const last = state.releases.at(-1)?.at;
    const base = Math.max(
      Date.parse(state.registeredAt),
      last ? Date.parse(last) : 0,
      state.updates.lastReminderAt ? Date.parse(state.updates.lastReminderAt) : 0,
    );
    return base + state.updates.intervalMinutes * MINUTE_MS;
  }

  /** Epoch ms of the earliest unhandled miss or the next rolling-update reminder. */
  function nextTimer(): number {
    let earliest = nextUpdateReminder();
    for (const c of state.clocks) {
      if (c.derived.status !== 'running' || !c.derived.dueAt || c.missHandledFor === c.derived.dueAt) continue;
      earliest = Math.min(earliest, Date.parse(c.derived.dueAt));
    }
    return earliest;
  }

  async function fireDueTimers(): Promise<void> {
    const now = Date.now();
    for (const c of state.clocks) {
      if (c.derived.status !== 'running' || !c.derived.dueAt || c.missHandledFor === c.derived.dueAt) continue;
      if (Date.parse(c.derived.dueAt) > now) continue;
      c.missHandledFor = c.derived.dueAt;
      const entry = {
        ...responsible(),
        clockId: c.id,
        clockLabel: c.label,
        dueAt: c.derived.dueAt,
        missedAt: nowIso(),
        satisfiedAt: null,
        lateMinutes: null,
      };
      state.accountability.push(entry);
      await emit('clock-missed', SYSTEM, {
        clockId: c.id,
        label: c.label,
        dueAt: c.derived.dueAt,
        grade: state.grade,
        responsible: entry.responsible,
        responsiblePerson: entry.responsiblePerson,
        notify: [state.departmentCode ? `department-head:${state.departmentCode}` : 'role:clerk', 'role:leader', 'role:supervisor'],
      });
    }
    if (nextUpdateReminder() <= now) {
      state.updates.lastReminderAt = nowIso();
      await emit('update-reminder', SYSTEM, {
        intervalMinutes: state.updates.intervalMinutes,
        lastReleaseAt: state.releases.at(-1)?.at ?? null,
        message: state.releases.length === 0 ? '舆情尚未发布权威信息，请尽快回应' : '请持续发布处置进展',
        notify: [state.departmentCode ? `department:${state.departmentCode}` : 'role:clerk'],
      });
    }
  }
}
