/**
 * Admin imports of a year's holidays and make-up working days, for years the published
 * data does not cover yet: JSON, or ICS in the shape chinese-days and most Chinese holiday
 * calendars publish (all-day events whose summary ends in （休） or （班）).
 */
import ICAL from 'ical.js';
import { z } from 'zod';
import { addDays, daysBetween, type IsoDate, isIsoDate, yearOf } from './dates';
import { dayKindConflict, type ImportedYear } from './working-days';

export const importedDaySchema = z.object({
  date: z.string().refine(isIsoDate, 'must be a real date YYYY-MM-DD'),
  kind: z.enum(['holiday', 'makeup-workday']),
  name: z.string().max(50).optional(),
});

export const importedYearJsonSchema = z.object({
  days: z.array(importedDaySchema).max(366),
});

export class CalendarImportError extends Error {
  constructor(
    message: string,
    readonly details: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }
}

/** Checks every day belongs to the year, is not listed twice, and fits its weekday. */
export function validateImportedYear(year: number, days: ImportedYear['days']): ImportedYear {
  const problems: Array<{ field: string; message: string }> = [];
  const seen = new Set<IsoDate>();
  days.forEach((day, index) => {
    const field = `days[${index}].date`;
    if (yearOf(day.date) !== year) problems.push({ field, message: `${day.date} is not in ${year}` });
    if (seen.has(day.date)) problems.push({ field, message: `${day.date} is listed twice` });
    seen.add(day.date);
    const conflict = dayKindConflict(day.date, day.kind);
    if (conflict) problems.push({ field: `days[${index}].kind`, message: conflict });
  });
  if (problems.length > 0) throw new CalendarImportError(`the ${year} calendar has ${problems.length} problem(s)`, problems);
  return { year, days: [...days].sort((a, b) => a.date.localeCompare(b.date)) };
}

function kindFromText(text: string): 'holiday' | 'makeup-workday' | null {
  if (/[(（]\s*班\s*[)）]|调休上班|补班/.test(text)) return 'makeup-workday';
  if (/[(（]\s*休\s*[)）]|放假|休息/.test(text)) return 'holiday';
  return null;
}

/** Expands the all-day events of an ICS file into the days of one year. */
export function parseIcsYear(year: number, ics: string): ImportedYear {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(ics));
  } catch (error) {
    throw new CalendarImportError('not a valid iCalendar file', [{ field: 'body', message: String((error as Error).message) }]);
  }
  const days: Array<{ date: IsoDate; kind: 'holiday' | 'makeup-workday'; name?: string }> = [];
  const problems: Array<{ field: string; message: string }> = [];
  root.getAllSubcomponents('vevent').forEach((component, index) => {
    const event = new ICAL.Event(component);
    const summary = event.summary ?? '';
    const description = String(component.getFirstPropertyValue('description') ?? '');
    const kind = kindFromText(summary) ?? kindFromText(description);
    if (!kind || !event.startDate || !event.startDate.isDate) {
      problems.push({ field: `VEVENT[${index}]`, message: `not an all-day 休/班 event: ${summary}` });
      return;
    }
    const start = event.startDate.toString();
    const end = event.endDate ? event.endDate.toString() : addDays(start, 1);
    const name = summary.replace(/[(（].*$/, '').trim();
    for (let date = start; daysBetween(date, end) > 0; date = addDays(date, 1)) {
      if (yearOf(date) === year) days.push({ date, kind, ...(name ? { name } : {}) });
    }
  });
  if (problems.length > 0) throw new CalendarImportError('the iCalendar file has events that are not holidays or make-up days', problems);
  return validateImportedYear(year, days);
}
