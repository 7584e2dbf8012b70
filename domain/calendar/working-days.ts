/**
 * The working-day calendar and the counting convention of shared/domain.md §2:
 * "within N working days from S" ends on the N-th working day strictly after S; S itself is
 * never counted, whatever kind of day it is. Pure module: the data arrives as a
 * CalendarData value, so workflows may use it with data an activity handed them.
 */
import { addDays, dayOfWeek, daysBetween, type IsoDate, yearOf } from './dates';

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';

/** Where a day's kind came from, outermost layer winning. */
export type DayOrigin = 'weekday-rule' | 'provisional-rule' | 'chinese-days' | 'import' | 'override';

export interface DeclaredDay {
  kind: DayKind;
  /** Holiday name, e.g. 国庆节, or the admin's reason for an override. */
  name?: string;
  origin: Exclude<DayOrigin, 'weekday-rule' | 'provisional-rule'>;
}

export interface CalendarData {
  /** Identifies the exact data: the chinese-days release plus the last stored calendar revision. */
  version: string;
  /** Years whose holidays and make-up days are known (published or imported by an admin). */
  officialYears: readonly number[];
  /** Every day that is not what its weekday alone would make it. */
  days: Readonly<Record<IsoDate, DeclaredDay>>;
}

export interface DayInfo {
  date: IsoDate;
  kind: DayKind;
  working: boolean;
  name?: string;
  origin: DayOrigin;
  /** True when the year has no official data and the kind rests on assumptions. */
  provisional: boolean;
}

export interface DueDate {
  from: IsoDate;
  days: number;
  due: IsoDate;
  /** True when any counted day falls in a year without official data. */
  provisional: boolean;
  calendarVersion: string;
}

/** Holidays assumed for years without official data: fixed dates only (lunar ones are unknowable ahead). */
const PROVISIONAL_FIXED_HOLIDAYS: Readonly<Record<string, string>> = {
  '01-01': '元旦',
  '05-01': '劳动节',
  '10-01': '国庆节',
};

const WORKING_KINDS: ReadonlySet<DayKind> = new Set(['workday', 'makeup-workday']);

export function isWeekend(date: IsoDate): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

/** Upper bound on a single lookup, so a typo cannot make the server walk a century. */
export const MAX_WORKING_DAYS = 3650;
export const MAX_LISTED_DAYS = 1830;

export class WorkingDayCalendar {
  private readonly officialYears: ReadonlySet<number>;

  constructor(readonly data: CalendarData) {
    this.officialYears = new Set(data.officialYears);
  }

  get version(): string {
    return this.data.version;
  }

  isOfficialYear(year: number): boolean {
    return this.officialYears.has(year);
  }

  day(date: IsoDate): DayInfo {
    const provisional = !this.officialYears.has(yearOf(date));
    const declared = this.data.days[date];
    if (declared) {
      return {
        date,
        kind: declared.kind,
        working: WORKING_KINDS.has(declared.kind),
        ...(declared.name ? { name: declared.name } : {}),
        origin: declared.origin,
        // An admin's explicit word on a day is not an assumption, even in an unknown year.
        provisional: provisional && declared.origin !== 'override',
      };
    }
    if (provisional) {
      const fixed = PROVISIONAL_FIXED_HOLIDAYS[date.slice(5)];
      if (fixed) {
        return { date, kind: 'holiday', working: false, name: fixed, origin: 'provisional-rule', provisional };
      }
    }
    const weekend = isWeekend(date);
    return {
      date,
      kind: weekend ? 'weekend' : 'workday',
      working: !weekend,
      origin: provisional ? 'provisional-rule' : 'weekday-rule',
      provisional,
    };
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.day(date).working;
  }

  /** The N-th working day strictly after `from` (N = 0 answers `from` itself). */
  addWorkingDays(from: IsoDate, days: number): DueDate {
    if (!Number.isInteger(days) || days < 0 || days > MAX_WORKING_DAYS) {
      throw new RangeError(`days must be an integer from 0 to ${MAX_WORKING_DAYS}, got ${days}`);
    }
    let date = from;
    let remaining = days;
    let provisional = false;
    while (remaining > 0) {
      date = addDays(date, 1);
      const info = this.day(date);
      provisional ||= info.provisional;
      if (info.working) remaining -= 1;
    }
    return { from, days, due: date, provisional, calendarVersion: this.version };
  }

  /** The k-th working day strictly before `date` (for reminders "k working days before due"). */
  workingDaysBefore(date: IsoDate, k: number): IsoDate {
    if (!Number.isInteger(k) || k < 1 || k > MAX_WORKING_DAYS) throw new RangeError(`k must be from 1 to ${MAX_WORKING_DAYS}`);
    let current = date;
    for (let remaining = k; remaining > 0;) {
      current = addDays(current, -1);
      if (this.isWorkingDay(current)) remaining -= 1;
    }
    return current;
  }

  /** Working days in (from, to]; 0 when `to` is not after `from`. */
  countWorkingDays(from: IsoDate, to: IsoDate): number {
    let count = 0;
    for (let date = addDays(from, 1); daysBetween(date, to) >= 0; date = addDays(date, 1)) {
      if (this.isWorkingDay(date)) count += 1;
    }
    return count;
  }

  /** Every day in [from, to], inclusive. */
  listDays(from: IsoDate, to: IsoDate): DayInfo[] {
    const span = daysBetween(from, to);
    if (span < 0) throw new RangeError(`'to' (${to}) is before 'from' (${from})`);
    if (span >= MAX_LISTED_DAYS) throw new RangeError(`at most ${MAX_LISTED_DAYS} days can be listed at once`);
    const days: DayInfo[] = [];
    for (let i = 0; i <= span; i += 1) days.push(this.day(addDays(from, i)));
    return days;
  }
}

/** One year's holidays and make-up days as an admin imports them (JSON or ICS). */
export interface ImportedYear {
  year: number;
  days: ReadonlyArray<{ date: IsoDate; kind: 'holiday' | 'makeup-workday'; name?: string }>;
}

export interface CalendarOverride {
  date: IsoDate;
  kind: DayKind;
  reason: string;
}

/**
 * Layers the calendar: published data, then imported years (each replaces that whole year),
 * then single-day overrides.
 */
export function composeCalendarData(input: {
  version: string;
  published: { years: readonly number[]; days: Readonly<Record<IsoDate, DeclaredDay>> };
  importedYears?: readonly ImportedYear[];
  overrides?: readonly CalendarOverride[];
}): CalendarData {
  const days: Record<IsoDate, DeclaredDay> = { ...input.published.days };
  const years = new Set(input.published.years);
  for (const imported of input.importedYears ?? []) {
    for (const date of Object.keys(days)) {
      if (yearOf(date) === imported.year) delete days[date];
    }
    for (const day of imported.days) {
      days[day.date] = { kind: day.kind, origin: 'import', ...(day.name ? { name: day.name } : {}) };
    }
    years.add(imported.year);
  }
  for (const override of input.overrides ?? []) {
    days[override.date] = { kind: override.kind, name: override.reason, origin: 'override' };
  }
  return { version: input.version, officialYears: [...years].sort((a, b) => a - b), days };
}

/** Why a day kind cannot apply to a date, or null when it can. */
export function dayKindConflict(date: IsoDate, kind: DayKind): string | null {
  const weekend = isWeekend(date);
  if ((kind === 'weekend' || kind === 'makeup-workday') && !weekend) {
    return `${date} is a weekday and cannot be a ${kind}`;
  }
  if (kind === 'workday' && weekend) {
    return `${date} falls on a weekend: use makeup-workday`;
  }
  return null;
}
