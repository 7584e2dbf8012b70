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
 * Calendar-day clocks (a `started` event with `calendarDays`): litigation periods, e.g.
 * 行政诉讼法 第六十七条 "收到起诉状副本之日起十五日内". Counted by the rules on periods that
 * the Act takes from the Civil Procedure Law (行政诉讼法 第一百零一条) as the Supreme People's
 * Court applies them: the start day is not counted, holidays inside the period are not
 * skipped, and a last day that is a rest day or holiday moves to the next working day (a
 * make-up working day 调休上班 is a working day and stays).
 * - workingDayLimit: the agency's own limit in working days, counted under §2 alongside; the
 *   earlier due date applies (domain.md §6: the stricter limit), and the derivation says which.
 * - paused(P) … resumed(R): the calendar days in (S, P] are consumed, the rest count from R
 *   (the working-day limit pauses with it, under §2).
 * - extended(M calendar days): the period grows by M days, counted from its start, the last
 *   day again moved past a rest day; the working-day limit is not extended and still applies
 *   when it ends earlier.
 * - restarted(S', N?): the period and its working-day limit both start again from S'.
 * A calendar-day clock takes only calendar-day `extended` / `restarted` events, and a
 * working-day clock only working-day ones.
 *
 * Pure: the calendar arrives as a WorkingDayCalendar built from data.
 */
import type { IsoDate } from '../calendar/dates';
import { addDays, dayOfWeek, daysBetween } from '../calendar/dates';
import type { DayInfo, WorkingDayCalendar } from '../calendar/working-days';

export type ClockEvent =
  | { type: 'started'; date: IsoDate; workingDays: number; reason: string }
  | { type: 'paused'; date: IsoDate; pauseId: string; reason: string }
  | { type: 'resumed'; date: IsoDate; pauseId: string; reason: string }
  | { type: 'extended'; date: IsoDate; workingDays: number; reason: string }
  | { type: 'restarted'; date: IsoDate; workingDays?: number; reason: string }
  | { type: 'stopped'; date: IsoDate; reason: string };

/** Events of a calendar-day clock that differ from a working-day clock's; pauses and stops are shared. */
export type CalendarDayClockEvent =
  | {
      type: 'started';
      date: IsoDate;
      calendarDays: number;
      reason: string;
      /** The agency's own limit in working days from the same start; the earlier due date applies. */
      workingDayLimit?: { workingDays: number; reason: string };
    }
  | { type: 'extended'; date: IsoDate; calendarDays: number; reason: string }
  | { type: 'restarted'; date: IsoDate; calendarDays?: number; reason: string };

/** Any clock's event: working-day clocks use ClockEvent only. */
export type AnyClockEvent = ClockEvent | CalendarDayClockEvent;

export interface DerivationStep {
  event: AnyClockEvent;
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
  /**
   * Only on calendar-day clocks, where total / consumed / remaining "WorkingDays" count
   * calendar days instead (working-day clocks carry no unit, as before).
   */
  unit?: 'calendar-days';
  /** Only on a calendar-day clock with a working-day limit: each limit's due date and the one applied. */
  limits?: { calendarDaysDue: IsoDate | null; workingDaysDue: IsoDate | null; applied: 'calendar-days' | 'working-days' | null };
}

const isCalendarDayEvent = (event: AnyClockEvent): event is CalendarDayClockEvent => 'calendarDays' in event;

/** Derives a clock from its events in order; throws on an event that makes no sense. */
export function deriveClock(events: readonly AnyClockEvent[], calendar: WorkingDayCalendar): DerivedClock {
  return events.some(isCalendarDayEvent)
    ? deriveCalendarDayClock(events, calendar)
    : deriveWorkingDayClock(events as readonly ClockEvent[], calendar);
}

function deriveWorkingDayClock(events: readonly ClockEvent[], calendar: WorkingDayCalendar): DerivedClock {
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

/** Longest run of rest days a last day can be moved across before the calendar is deemed broken. */
const MAX_REST_DAYS = 60;

function restDayName(info: DayInfo): string {
  if (info.kind === 'holiday') return `法定节假日${info.name ? `（${info.name}）` : ''}`;
  return `休息日（星期${dayOfWeek(info.date) === 6 ? '六' : '日'}）`;
}

/** A calendar-day clock (see the header): the arithmetic of 行政诉讼法 periods. */
function deriveCalendarDayClock(events: readonly AnyClockEvent[], calendar: WorkingDayCalendar): DerivedClock {
  let total = 0;
  let consumed = 0;
  let limit: { total: number; consumed: number; reason: string } | null = null;
  let anchor: IsoDate | null = null;
  let status: DerivedClock['status'] = 'not-started';
  let provisional = false;
  const activePauses = new Set<string>();
  const steps: DerivationStep[] = [];

  /** The running clock's last day before and after moving past rest days, the limit's due date, and which applies. */
  const current = () => {
    if (status !== 'running' || anchor === null) return null;
    const nominal = addDays(anchor, Math.max(0, total - consumed));
    const nominalDay = calendar.day(nominal);
    let info = nominalDay;
    provisional ||= info.provisional;
    for (let moved = 0; !info.working; moved += 1) {
      if (moved >= MAX_REST_DAYS) throw new Error(`no working day within ${MAX_REST_DAYS} days after ${nominal}`);
      info = calendar.day(addDays(info.date, 1));
      provisional ||= info.provisional;
    }
    const calendarDaysDue = info.date;
    let workingDaysDue: IsoDate | null = null;
    if (limit) {
      const result = calendar.addWorkingDays(anchor, Math.max(0, limit.total - limit.consumed));
      provisional ||= result.provisional;
      workingDaysDue = result.due;
    }
    // On a tie the law's period is named: the agency's limit adds nothing.
    const applied =
      workingDaysDue !== null && daysBetween(workingDaysDue, calendarDaysDue) > 0 ? ('working-days' as const) : ('calendar-days' as const);
    return {
      nominal,
      nominalDay,
      calendarDaysDue,
      workingDaysDue,
      applied,
      due: applied === 'working-days' ? workingDaysDue! : calendarDaysDue,
    };
  };
  const dueNow = (): IsoDate | null => current()?.due ?? null;
  /** How the due date follows from the remaining days: the last day, its move past rest days, and the stricter limit. */
  const dueText = (): string => {
    const c = current();
    if (!c) return '';
    let text = `：期限届满日${c.nominal}`;
    if (c.nominal !== c.calendarDaysDue) text += `为${restDayName(c.nominalDay)}，顺延至${c.calendarDaysDue}`;
    if (limit && c.workingDaysDue) {
      const chosen = c.applied === 'calendar-days' ? `${total}日期限` : `${limit.total}个工作日期限`;
      text += `；${limit.reason}${limit.total}个工作日，届满于${c.workingDaysDue}；两者从严（取其早），适用${chosen}，截止${c.due}`;
    }
    return text;
  };
  const record = (event: AnyClockEvent, explanation: string) => {
    steps.push({ event, explanation, due: dueNow(), consumed, total });
  };
  /** Calendar days (and the limit's working days) in (anchor, date]. */
  const consume = (date: IsoDate) => {
    if (daysBetween(anchor!, date) <= 0) return; // a pause dated on or before the anchor consumes nothing
    consumed += daysBetween(anchor!, date);
    if (limit) limit.consumed += calendar.countWorkingDays(anchor!, date);
  };
  const limitLeft = () =>
    limit ? `（${limit.reason}已用${limit.consumed}个工作日，剩余${Math.max(0, limit.total - limit.consumed)}个工作日）` : '';

  for (const event of events) {
    switch (event.type) {
      case 'started':
        if (status !== 'not-started') throw new Error(`clock already started (${event.date})`);
        if (!('calendarDays' in event)) throw new Error('a working-day clock takes no calendar-day events');
        total = event.calendarDays;
        limit = event.workingDayLimit
          ? { total: event.workingDayLimit.workingDays, consumed: 0, reason: event.workingDayLimit.reason }
          : null;
        anchor = event.date;
        status = 'running';
        record(
          event,
          `${event.date} ${event.reason}，起算${total}日（当日不计入；期限届满日为休息日或法定节假日的，顺延至节假日后第一个工作日）${dueText()}`,
        );
        break;
      case 'restarted':
        if (status === 'not-started' || status === 'stopped') throw new Error(`cannot restart a ${status} clock`);
        if ('workingDays' in event) throw new Error('a calendar-day clock restarts in calendar days');
        if ('calendarDays' in event && event.calendarDays !== undefined) total = event.calendarDays;
        consumed = 0;
        if (limit) limit.consumed = 0;
        anchor = event.date;
        activePauses.clear();
        status = 'running';
        record(event, `${event.date} ${event.reason}，期限重新起算${total}日（当日不计入）${dueText()}`);
        break;
      case 'paused':
        if (status === 'not-started' || status === 'stopped') throw new Error(`cannot pause a ${status} clock`);
        if (activePauses.has(event.pauseId)) throw new Error(`pause ${event.pauseId} is already active`);
        activePauses.add(event.pauseId);
        if (status === 'running') {
          consume(event.date);
          status = 'paused';
          record(event, `${event.date} ${event.reason}，计时中止：已用${consumed}日，剩余${Math.max(0, total - consumed)}日${limitLeft()}`);
        } else {
          record(event, `${event.date} ${event.reason}（计时已中止，继续中止）`);
        }
        break;
      case 'resumed':
        if (!activePauses.delete(event.pauseId)) throw new Error(`pause ${event.pauseId} is not active`);
        if (activePauses.size === 0) {
          anchor = event.date;
          status = 'running';
          record(event, `${event.date} ${event.reason}，自次日起继续计算剩余${Math.max(0, total - consumed)}日${dueText()}`);
        } else {
          record(event, `${event.date} ${event.reason}（仍有其他中止事由，计时继续中止）`);
        }
        break;
      case 'extended': {
        if (status === 'not-started' || status === 'stopped') throw new Error(`cannot extend a ${status} clock`);
        if (!('calendarDays' in event)) throw new Error('a calendar-day clock is extended in calendar days');
        const before = dueNow();
        total += event.calendarDays;
        record(event, `${event.date} ${event.reason}，延长${event.calendarDays}日${before ? `（原期限${before}）` : ''}${dueText()}`);
        break;
      }
      case 'stopped':
        if (status === 'not-started') throw new Error('cannot stop a clock that has not started');
        if (status === 'running') consume(event.date);
        record(event, `${event.date} ${event.reason}，计时结束`);
        status = 'stopped';
        activePauses.clear();
        break;
    }
  }

  const c = current();
  return {
    status,
    totalWorkingDays: total,
    consumedWorkingDays: consumed,
    remainingWorkingDays: Math.max(0, total - consumed),
    countingFrom: anchor,
    due: c?.due ?? null,
    provisional,
    calendarVersion: calendar.version,
    steps,
    unit: 'calendar-days',
    ...(limit
      ? { limits: { calendarDaysDue: c?.calendarDaysDue ?? null, workingDaysDue: c?.workingDaysDue ?? null, applied: c?.applied ?? null } }
      : {}),
  };
}
