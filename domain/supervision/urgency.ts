/**
 * How urgent a running clock is, the same on the screen, in the filters and in the counts:
 * overdue once its due instant has passed; due soon within 2 working days (working-day
 * clocks) or 60 minutes (minute clocks, 舆情); otherwise running. Paused clocks stand apart.
 */
import { endOfDayShanghai, type IsoDate, shanghaiDateOf } from '../calendar/dates';

export const DUE_SOON_WORKING_DAYS = 2;
export const DUE_SOON_MINUTES = 60;

export const URGENCIES = ['overdue', 'due-soon', 'running', 'paused'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** The instants one screen's urgencies are judged against (one reading of the clock per request). */
export interface Moment {
  now: Date;
  today: IsoDate;
  /** Working-day clocks due by the end of this day are due soon. */
  dueSoonBy: Date;
  /** Minute clocks due before this instant are due soon. */
  dueSoonMinutesBy: Date;
}

export function momentOf(calendar: { addWorkingDays(from: IsoDate, n: number): { due: IsoDate } }, now = new Date()): Moment {
  const today = shanghaiDateOf(now.getTime());
  return {
    now,
    today,
    dueSoonBy: endOfDayShanghai(calendar.addWorkingDays(today, DUE_SOON_WORKING_DAYS).due),
    dueSoonMinutesBy: new Date(now.getTime() + DUE_SOON_MINUTES * 60_000),
  };
}
