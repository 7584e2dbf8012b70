/**
 * A working-day clock derived from its recorded events, never stored and overwritten: the
 * due date is recomputed from the event list each time, with a line of derivation per event,
 * so a case can always show how its due date came about (domain.md §2).
 *
 * - started(S, N): "within N working days from S" — S itself is never counted.
 * - paused(P) … resumed(R): the working days in (S, P] are consumed; counting resumes with
 *   the first working day after R for the days that remain. Overlapping pauses (a third-party
 *   letter while a fee is awaited) stop the clock once and resume it when the last one ends.
 * - extended(M): the due date moves to the M-th working day after the current due date.
 * - restarted(S'): a correction (补正) restarts the whole period from S'.
 *
 * Pure: the calendar arrives as a WorkingDayCalendar built from data.
 */
import type { IsoDate } from '../calendar/dates';
import { daysBetween } from '../calendar/dates';
import type { WorkingDayCalendar } from '../calendar/working-days';

export type ClockEvent =
  | { type: 'started'; date: IsoDate; workingDays: number; reason: string }
  | { type: 'paused'; date: IsoDate; pauseId: string; reason: string }
  | { type: 'resumed'; date: IsoDate; pauseId: string; reason: string }
  | { type: 'extended'; date: IsoDate; workingDays: number; reason: string }
  | { type: 'restarted'; date: IsoDate; workingDays?: number; reason: string }
  | { type: 'stopped'; date: IsoDate; reason: string };

export interface DerivationStep {
  event: ClockEvent;
  /** What the event did to the clock, in Chinese, for the case page and notices. */
  explanation: string;
  /** Due date after this event (null while paused or stopped). */
  due: IsoDate | null;
  consumed: number;
  total: number;
}

export interface DerivedClock {
  status: 'not-started' | 'running' | 'paused' | 'stopped';
  /** Period length including extensions. */
  totalWorkingDays: number;
  /** Working days used up so far (up to the last pause, or up to `asOf` when given). */
  consumedWorkingDays: number;
  remainingWorkingDays: number;
  /** The date counting continues from (S, or the resume date R). */
  countingFrom: IsoDate | null;
  due: IsoDate | null;
  provisional: boolean;
  calendarVersion: string;
  steps: DerivationStep[];
}

/** Derives a clock from its events in order; throws on an event that makes no sense. */
export function deriveClock(events: readonly ClockEvent[], calendar: WorkingDayCalendar): DerivedClock {
  let total = 0;
  let consumed = 0;
  let anchor: IsoDate | null = null;
  let status: DerivedClock['status'] = 'not-started';
  let provisional = false;
  const activePauses = new Set<string>();
  const steps: DerivationStep[] = [];

  const dueNow = (): IsoDate | null => {
    if (status !== 'running' || anchor === null) return null;
    const result = calendar.addWorkingDays(anchor, Math.max(0, total - consumed));
    provisional ||= result.provisional;
    return result.due;
  };
  const record = (event: ClockEvent, explanation: string) => {
    steps.push({ event, explanation, due: dueNow(), consumed, total });
  };

  for (const event of events) {
    switch (event.type) {
      case 'started':
        if (status !== 'not-started') throw new Error(`clock already started (${event.date})`);
        total = event.workingDays;
        anchor = event.date;
        status = 'running';
        record(event, `${event.date} ${event.reason}，起算${total}个工作日（当日不计入）`);
        break;
      case 'restarted':
        if (status === 'not-started' || status === 'stopped') throw new Error(`cannot restart a ${status} clock`);
        total = event.workingDays ?? total;
        consumed = 0;
        anchor = event.date;
        activePauses.clear();
        status = 'running';
        record(event, `${event.date} ${event.reason}，期限重新起算${total}个工作日`);
        break;
      case 'paused': {
        if (status === 'not-started' || status === 'stopped') throw new Error(`cannot pause a ${status} clock`);
        if (activePauses.has(event.pauseId)) throw new Error(`pause ${event.pauseId} is already active`);
        activePauses.add(event.pauseId);
        if (status === 'running') {
          // A pause dated before the anchor (same-day letter) consumes nothing.
          const used = daysBetween(anchor!, event.date) > 0 ? calendar.countWorkingDays(anchor!, event.date) : 0;
          consumed += used;
          status = 'paused';
          record(event, `${event.date} ${event.reason}，计时中止：已用${consumed}个工作日，剩余${Math.max(0, total - consumed)}个工作日`);
        } else {
          record(event, `${event.date} ${event.reason}（计时已中止，继续中止）`);
        }
        break;
      }
      case 'resumed':
        if (!activePauses.delete(event.pauseId)) throw new Error(`pause ${event.pauseId} is not active`);
        if (activePauses.size === 0) {
          anchor = event.date;
          status = 'running';
          record(event, `${event.date} ${event.reason}，自次日起继续计算剩余${Math.max(0, total - consumed)}个工作日`);
        } else {
          record(event, `${event.date} ${event.reason}（仍有其他中止事由，计时继续中止）`);
        }
        break;
      case 'extended': {
        if (status === 'not-started' || status === 'stopped') throw new Error(`cannot extend a ${status} clock`);
        const before = dueNow();
        total += event.workingDays;
        record(event, `${event.date} ${event.reason}，延长${event.workingDays}个工作日${before ? `（原期限${before}）` : ''}`);
        break;
      }
      case 'stopped':
        if (status === 'not-started') throw new Error('cannot stop a clock that has not started');
        if (status === 'running') {
          const used = daysBetween(anchor!, event.date) > 0 ? calendar.countWorkingDays(anchor!, event.date) : 0;
          consumed += used;
        }
        record(event, `${event.date} ${event.reason}，计时结束`);
        status = 'stopped';
        activePauses.clear();
        break;
    }
  }

  const due = dueNow();
  return {
    status,
    totalWorkingDays: total,
    consumedWorkingDays: consumed,
    remainingWorkingDays: Math.max(0, total - consumed),
    countingFrom: anchor,
    due,
    provisional,
    calendarVersion: calendar.version,
    steps,
  };
}
