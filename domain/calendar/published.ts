/**
 * The State Council's published holiday arrangements, as carried by the `chinese-days`
 * package (holidays, 调休 days off, and make-up working days). Not for workflow code: the
 * data is large; workflows receive due dates from activities instead.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';
import type { IsoDate } from './dates';
import type { DeclaredDay } from './working-days';

interface ChineseDaysJson {
  /** date → 'English name,中文名,length' for every day off of a holiday period. */
  holidays: Record<IsoDate, string>;
  /** date → same, for weekend days declared working days (调休上班). */
  workdays: Record<IsoDate, string>;
}

export const PUBLISHED_SOURCE = `chinese-days@${chineseDaysPackage.version}`;

function chineseName(entry: string): string | undefined {
  return entry.split(',')[1];
}

function loadPublished(): { years: number[]; days: Record<IsoDate, DeclaredDay> } {
  const data = chineseDaysData as ChineseDaysJson;
  const days: Record<IsoDate, DeclaredDay> = {};
  const years = new Set<number>();
  for (const [date, entry] of Object.entries(data.holidays)) {
    const name = chineseName(entry);
    days[date] = { kind: 'holiday', origin: 'chinese-days', ...(name ? { name } : {}) };
    years.add(Number(date.slice(0, 4)));
  }
  for (const [date, entry] of Object.entries(data.workdays)) {
    const name = chineseName(entry);
    days[date] = { kind: 'makeup-workday', origin: 'chinese-days', ...(name ? { name: `${name}调休上班` } : {}) };
    years.add(Number(date.slice(0, 4)));
  }
  return { years: [...years].sort((a, b) => a - b), days };
}

export const PUBLISHED_CALENDAR = loadPublished();
