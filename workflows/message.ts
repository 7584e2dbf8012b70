/**
 * One citizen message (政民互动): `message-<id>`, from registration to a reply within the
 * limit of its type (seed 004 第六条), counted in working days from the day it was received.
 * Assignment and transfers never send a complaint to the department it complains about
 * (第七条); a hard case or complaint may be extended once up to its upper limit. The clock is
 * derived by the same activity and calendar as applications' clocks; a missed limit writes an
 * accountability record.
 */
import { notYetDerived } from '../domain/clocks/case-clock';
import { ApplicationFailure, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import type { Actor } from '../domain/case';
import type { ClockEvent } from '../domain/clocks/working-day-clock';
import { minutesLate } from '../domain/incidents/clock';
import { limitFor, type MessageActionName, messageChecks } from '../domain/messages/rules';
import { MESSAGE_TYPES, type MessageState } from '../domain/messages/types';
import { CaseState, Department, DueAt } from '../temporal-config/search-attributes';
import * as m from './message-messages';
import { CaseRuntime, nowIso, type StepResult, SYSTEM_ACTOR as SYSTEM, today } from './runtime/case-runtime';
import { ruleProfileOf } from './runtime/profile';

const { deriveClocks, recordMessageEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['InvalidClockEvents'] },
});

/** One reminder, the working day before the limit. */
const REMINDER_WORKING_DAYS_BEFORE = [1];

export async function message(input: m.MessageInput): Promise<MessageState> {
  const { intake } = input;
  const profile = ruleProfileOf(input);
  const limit = limitFor(profile, intake.type);
  if (!limit) throw ApplicationFailure.nonRetryable(`profile ${profile.id} has no limit for ${intake.type}`, 'NoMessageLimit');
  const state: MessageState = {
    id: input.id,
    ruleProfile: { id: profile.id, version: profile.version },
    stage: 'registered',
    closed: false,
    intake,
    writer: input.writer,
    departmentCode: null,
    assignee: null,
    transfers: [],
    extension: null,
    reply: null,
    clock: {
      id: 'reply',
      label: `${MESSAGE_TYPES[intake.type]}类留言回复时限`,
      rule: `citizenMessages.limits.${intake.type}`,
      events: [
        { type: 'started', date: intake.receivedOn, workingDays: limit.workingDays, reason: `收到${MESSAGE_TYPES[intake.type]}类留言` },
      ],
      ...notYetDerived(),
    },
    accountability: [],
    seq: 0,
  };
  const c = state.clock;

  const runtime = new CaseRuntime(state);

  async function refreshClock(): Promise<void> {
    const [result] = await deriveClocks({
      clocks: [{ id: c.id, events: c.events }],
      reminderWorkingDaysBefore: REMINDER_WORKING_DAYS_BEFORE,
    });
    c.derived = result!.derived;
    c.dueAt = result!.dueAt;
    const now = Date.now();
    c.reminders = result!.reminders.filter(
      (r) => Date.parse(r.at) > now || c.remindersSent.includes(`${result!.derived.due}/${r.workingDaysBefore}`),
    );
  }

  function clockEvent(event: ClockEvent): void {
    if (c.closed) return;
    c.events.push(event);
    if (event.type === 'stopped') c.closed = true;
  }

  async function emit(type: string, actor: Actor, payload: Record<string, unknown>): Promise<void> {
    state.seq += 1;
    upsertSearchAttributes([
      { key: CaseState, value: state.stage },
      ...(state.departmentCode ? [{ key: Department, value: state.departmentCode }] : []),
      ...(c.dueAt ? [{ key: DueAt, value: new Date(c.dueAt) }] : []),
    ]);
    await recordMessageEvent({
      workflowId: workflowInfo().workflowId,
      agencyCode: input.agencyCode,
      event: { seq: state.seq, type, actor, at: nowIso(), payload },
      state,
    });
  }

  function step<P extends { actor: Actor }>(
    definition: UpdateDefinition<StepResult, [P]>,
    action: MessageActionName,
    run: (payload: P) => Promise<void>,
  ): void {
    const check = messageChecks[action] as (s: MessageState, p: P, ctx: { profile: typeof profile }) => string | null;
    runtime.step(definition, (payload: P) => check(state, payload, { profile }), run);
  }

  step(m.assignMessageUpdate, 'assign', async (p: m.AssignMessage) => {
    state.stage = 'assigned';
    state.departmentCode = p.departmentCode;
    state.assignee = p.assignee ?? null;
    await emit('assigned', p.actor, { departmentCode: p.departmentCode, assignee: p.assignee ?? null });
  });

  step(m.transferMessageUpdate, 'transfer', async (p: m.TransferMessage) => {
    const from = state.departmentCode!;
    state.transfers.push({ from, to: p.departmentCode, reason: p.reason, by: p.actor.username, on: today() });
    state.departmentCode = p.departmentCode;
    state.assignee = null;
    await emit('transferred', p.actor, { from, to: p.departmentCode, reason: p.reason });
  });

  step(m.extendMessageUpdate, 'extend', async (p: m.ExtendMessage) => {
    const from = c.derived!.totalWorkingDays;
    const originalDue = c.derived!.due;
    state.extension = { fromWorkingDays: from, toWorkingDays: p.toWorkingDays, reason: p.reason, by: p.actor.username, on: today() };
    // The limit counts from receipt: extending 15 → 30 WD adds 15 WD to the period.
    clockEvent({
      type: 'extended',
      date: today(),
      workingDays: p.toWorkingDays - from,
      reason: `经批准延长办理时限至${p.toWorkingDays}个工作日：${p.reason}`,
    });
    await refreshClock();
    await emit('extended', p.actor, {
      fromWorkingDays: from,
      toWorkingDays: p.toWorkingDays,
      reason: p.reason,
      originalDue,
      newDue: c.derived!.due,
    });
  });

  step(m.replyMessageUpdate, 'reply', async (p: m.ReplyMessage) => {
    const at = nowIso();
    const dueAt = c.dueAt;
    const due = c.derived?.due ?? null;
    state.stage = 'replied';
    state.reply = { text: p.text, by: p.actor.username, on: today(), at, due };
    clockEvent({ type: 'stopped', date: today(), reason: '已回复留言人' });
    await refreshClock();
    const late = dueAt ? minutesLate(at, dueAt) : 0;
    const open = state.accountability.find((a) => a.satisfiedAt === null);
    if (open) {
      open.satisfiedAt = at;
      open.lateMinutes = late;
    }
    await emit('replied', p.actor, { text: p.text, due, lateMinutes: late });
  });

  step(m.closeMessageUpdate, 'close', async (p: m.CloseMessage) => {
    state.stage = 'closed';
    state.closed = true;
    await emit('closed', p.actor, {});
  });

  runtime.registrationGate(m.awaitMessageRegistrationUpdate);
  setHandler(m.messageStateQuery, () => state);
  runtime.calendarSignal(m.messageCalendarChangedSignal);

  await runtime.register(async () => {
    await refreshClock();
    await emit('registered', input.registeredBy, {
      type: intake.type,
      channel: intake.channel,
      receivedOn: intake.receivedOn,
      confidential: intake.confidential,
      due: c.derived!.due,
    });
  });

  await runtime.runTimers({
    nextTimer,
    fireDueTimers,
    recompute: async () => {
      const before = c.derived?.due;
      await refreshClock();
      if (before !== c.derived?.due) await emit('clocks-recomputed', SYSTEM, { due: c.derived?.due ?? null });
    },
  });
  return state;

  function nextTimer(): number | null {
    if (c.closed || !c.dueAt || !c.derived || c.derived.status !== 'running') return null;
    const candidates = c.reminders
      .filter((r) => !c.remindersSent.includes(`${c.derived!.due}/${r.workingDaysBefore}`))
      .map((r) => Date.parse(r.at));
    if (c.overdueHandledFor !== c.derived.due) candidates.push(Date.parse(c.dueAt));
    return candidates.length === 0 ? null : Math.min(...candidates);
  }

  async function fireDueTimers(): Promise<void> {
    const now = Date.now();
    if (c.closed || !c.dueAt || !c.derived || c.derived.status !== 'running') return;
    const notify = state.assignee
      ? [`user:${state.assignee}`]
      : state.departmentCode
        ? [`department:${state.departmentCode}`]
        : ['role:clerk'];
    for (const r of c.reminders) {
      const key = `${c.derived.due}/${r.workingDaysBefore}`;
      if (Date.parse(r.at) <= now && !c.remindersSent.includes(key)) {
        c.remindersSent.push(key);
        await emit('clock-reminder', SYSTEM, {
          clockId: c.id,
          label: c.label,
          due: c.derived.due,
          workingDaysBefore: r.workingDaysBefore,
          notify,
        });
      }
    }
    if (Date.parse(c.dueAt) <= now && c.overdueHandledFor !== c.derived.due) {
      c.overdueHandledFor = c.derived.due;
      const entry = {
        clockId: c.id,
        clockLabel: c.label,
        responsible: state.departmentCode ?? input.registeredBy.departmentCode,
        responsiblePerson: state.departmentCode ? state.assignee : input.registeredBy.username,
        dueAt: c.dueAt,
        missedAt: nowIso(),
        satisfiedAt: null,
        lateMinutes: null,
      };
      state.accountability.push(entry);
      await emit('clock-overdue', SYSTEM, {
        clockId: c.id,
        label: c.label,
        due: c.derived.due,
        responsible: entry.responsible,
        notify: [...notify, `department-head:${state.departmentCode ?? input.registeredBy.departmentCode}`, 'role:supervisor'],
      });
    }
  }
}
