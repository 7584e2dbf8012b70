/** What every kind's clocks share in their state: a new clock's empty derivation, and stopping one. Pure module. */
import type { IsoDate } from '../calendar/dates';
import type { AnyClockEvent } from './working-day-clock';

/** The fields of a clock not yet derived (the workflow derives it right after opening it). */
export function notYetDerived() {
  return {
    derived: null,
    dueAt: null,
    reminders: [] as never[],
    remindersSent: [] as string[],
    overdueHandledFor: null,
    closed: false,
  };
}

/** Stops an open clock on a date, with the reason on its record; a closed or absent clock is left as it is. */
export function stopOpenClock(
  target: { events: AnyClockEvent[]; closed: boolean; closedReason?: string } | undefined,
  date: IsoDate,
  reason: string,
): void {
  if (!target || target.closed) return;
  target.events.push({ type: 'stopped', date, reason });
  target.closed = true;
  target.closedReason = reason;
}
