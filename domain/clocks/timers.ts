/**
 * Which reminder or expiry a set of working-day clocks owes next. Pure, so a workflow can
 * arm one timer for the earliest instant and, when it fires, know exactly what to send;
 * a reminder or expiry is keyed by the due date it belongs to, so a moved due date re-arms it.
 */
import type { IsoDate } from '../calendar/dates';
import type { DerivedClock } from './working-day-clock';

export interface TimedClock {
  id: string;
  closed: boolean;
  derived: DerivedClock | null;
  dueAt: string | null;
  reminders: Array<{ workingDaysBefore: number; date: IsoDate; at: string }>;
  remindersSent: string[];
  overdueHandledFor: IsoDate | null;
}

export type OwedTimer<C extends TimedClock> =
  { kind: 'reminder'; clock: C; workingDaysBefore: number; key: string } | { kind: 'overdue'; clock: C; due: IsoDate };

const armed = (c: TimedClock): boolean => !c.closed && c.dueAt !== null && c.derived?.status === 'running';
/** 09:00 Asia/Shanghai on a date, when reminders go out (Shanghai keeps +08:00 all year). */
export const reminderInstant = (date: IsoDate): string => `${date}T01:00:00.000Z`;

export const reminderKey = (c: TimedClock, workingDaysBefore: number): string => `${c.derived?.due}/${workingDaysBefore}`;

/** Epoch ms of the earliest reminder or expiry not yet handled, or null. */
export function nextTimerInstant(clocks: readonly TimedClock[]): number | null {
  let earliest: number | null = null;
  for (const c of clocks) {
    if (!armed(c)) continue;
    const candidates = c.reminders
      .filter((r) => !c.remindersSent.includes(reminderKey(c, r.workingDaysBefore)))
      .map((r) => Date.parse(r.at));
    if (c.overdueHandledFor !== c.derived!.due) candidates.push(Date.parse(c.dueAt!));
    for (const t of candidates) if (earliest === null || t < earliest) earliest = t;
  }
  return earliest;
}

/** Every reminder and expiry whose instant has come by `now`, reminders before expiries. */
export function owedTimers<C extends TimedClock>(clocks: readonly C[], now: number): Array<OwedTimer<C>> {
  const owed: Array<OwedTimer<C>> = [];
  for (const c of clocks) {
    if (!armed(c)) continue;
    for (const r of c.reminders) {
      const key = reminderKey(c, r.workingDaysBefore);
      if (Date.parse(r.at) <= now && !c.remindersSent.includes(key))
        owed.push({ kind: 'reminder', clock: c, workingDaysBefore: r.workingDaysBefore, key });
    }
    if (Date.parse(c.dueAt!) <= now && c.overdueHandledFor !== c.derived!.due)
      owed.push({ kind: 'overdue', clock: c, due: c.derived!.due! });
  }
  return owed;
}
