/**
 * An oracle for tests whose dates move with the test server's clock: the State Council's 2026
 * holiday schedule written out by hand (国务院办公厅关于2026年部分节假日安排的通知), and for
 * later years the rule a case without official data follows (weekends; 1 January, 1 May and
 * 1 October off). Deliberately naive, day-by-day counting, sharing no code with
 * domain/calendar: a test that compares against it cannot agree with a bug in the product's
 * arithmetic. Fixed-date tests write their expected dates out instead.
 */

/** Weekdays off in 2026. */
const HOLIDAYS_2026 = new Set([
  '2026-01-01',
  '2026-01-02', // 元旦
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20',
  '2026-02-23', // 春节
  '2026-04-06', // 清明节
  '2026-05-01',
  '2026-05-04',
  '2026-05-05', // 劳动节
  '2026-06-19', // 端午节
  '2026-09-25', // 中秋节
  '2026-10-01',
  '2026-10-02',
  '2026-10-05',
  '2026-10-06',
  '2026-10-07', // 国庆节
]);

/** Weekend days worked in 2026 (调休上班). */
const MAKE_UP_DAYS_2026 = new Set(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string): boolean {
  const weekend = dayOfWeek(date) === 0 || dayOfWeek(date) === 6;
  if (date.startsWith('2026-')) return MAKE_UP_DAYS_2026.has(date) || (!weekend && !HOLIDAYS_2026.has(date));
  if (date < '2026-01-01') throw new Error(`the hand calendar starts in 2026: ${date}`);
  return !weekend && !['01-01', '05-01', '10-01'].includes(date.slice(5));
}

/** The n-th working day strictly after `from` (domain.md §2). */
export function addWorkingDays(from: string, n: number): string {
  let date = from;
  for (let left = n; left > 0;) {
    date = nextDay(date);
    if (isWorkingDay(date)) left -= 1;
  }
  return date;
}

/** The n-th working day strictly before `to`. */
export function workingDaysBefore(to: string, n: number): string {
  let date = to;
  for (let left = n; left > 0;) {
    date = previousDay(date);
    if (isWorkingDay(date)) left -= 1;
  }
  return date;
}

/** Working days in (from, to]. */
export function countWorkingDays(from: string, to: string): number {
  let count = 0;
  for (let date = nextDay(from); date <= to; date = nextDay(date)) if (isWorkingDay(date)) count += 1;
  return count;
}
