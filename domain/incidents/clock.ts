/**
 * A wall-clock clock for public-opinion work (domain.md §5): these periods run in minutes and
 * hours, day and night, not in working days. As with the working-day clock, the due instant is
 * derived from the recorded events each time, with a line of Chinese per event, never stored
 * and overwritten:
 *
 * - started(at, period): the period runs from `at` (the time the incident was first seen).
 * - regraded(at, period): the incident's grade changed; the due instant is re-derived from the
 *   original start with the new grade's period (an upgrade may put it in the past: missed).
 *   Only a running clock is regraded: a step already done was judged under the grade then in force.
 * - stopped(at): the step the clock watches was done; lateness is measured against the due
 *   instant in force at that moment.
 *
 * A period is either N minutes or "the same day" (黄岩's important incidents): 24:00
 * Asia/Shanghai on the calendar day the clock started.
 *
 * Pure: safe in workflow code.
 */
import { endOfDayShanghai, shanghaiDateOf } from '../calendar/dates';

/** An ISO-8601 instant, e.g. 2026-11-21T11:30:00.000Z. */
export type Instant = string;

export type MinutePeriodSpec = { kind: 'minutes'; minutes: number } | { kind: 'same-day' };

export type MinuteClockEvent =
  | { type: 'started'; at: Instant; period: MinutePeriodSpec; reason: string }
  | { type: 'regraded'; at: Instant; period: MinutePeriodSpec; reason: string }
  | { type: 'stopped'; at: Instant; reason: string };

export interface MinuteDerivationStep {
  event: MinuteClockEvent;
  explanation: string;
  /** Due instant after this event. */
  dueAt: Instant | null;
}

export interface DerivedMinuteClock {
  status: 'not-started' | 'running' | 'stopped';
  startedAt: Instant | null;
  period: MinutePeriodSpec | null;
  dueAt: Instant | null;
  stoppedAt: Instant | null;
  /** Whole minutes the step was done after its due instant (0 when on time), once stopped. */
  lateMinutes: number | null;
  steps: MinuteDerivationStep[];
}

const MINUTE_MS = 60_000;

/** Whole minutes `at` is past `due`: 0 when on time, at least 1 when late at all (rounded). */
export function minutesLate(at: Instant | number, due: Instant | number): number {
  const ms = (typeof at === 'number' ? at : Date.parse(at)) - (typeof due === 'number' ? due : Date.parse(due));
  return ms <= 0 ? 0 : Math.max(1, Math.round(ms / MINUTE_MS));
}

/** '2026-11-21 19:30' in Asia/Shanghai. */
export function formatShanghai(instant: Instant | number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** '30分钟', '1小时', '24小时', '1小时30分钟'. */
export function describeMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest}分钟`;
  return rest === 0 ? `${hours}小时` : `${hours}小时${rest}分钟`;
}

export function describePeriod(period: MinutePeriodSpec): string {
  return period.kind === 'same-day' ? '当天' : describeMinutes(period.minutes);
}

/** The due instant of a period started at `startedAt`. */
export function dueOf(startedAt: Instant, period: MinutePeriodSpec): Instant {
  if (period.kind === 'same-day') return endOfDayShanghai(shanghaiDateOf(Date.parse(startedAt))).toISOString();
  return new Date(Date.parse(startedAt) + period.minutes * MINUTE_MS).toISOString();
}

function assertInstant(at: string): void {
  if (Number.isNaN(Date.parse(at))) throw new Error(`not an instant: ${at}`);
}

/** Derives a minute clock from its events in order; throws on an event that makes no sense. */
export function deriveMinuteClock(events: readonly MinuteClockEvent[]): DerivedMinuteClock {
  let status: DerivedMinuteClock['status'] = 'not-started';
  let startedAt: Instant | null = null;
  let period: MinutePeriodSpec | null = null;
  let dueAt: Instant | null = null;
  let stoppedAt: Instant | null = null;
  let lateMinutes: number | null = null;
  const steps: MinuteDerivationStep[] = [];

  for (const event of events) {
    assertInstant(event.at);
    switch (event.type) {
      case 'started':
        if (status !== 'not-started') throw new Error(`clock already started (${event.at})`);
        status = 'running';
        startedAt = event.at;
        period = event.period;
        dueAt = dueOf(event.at, event.period);
        steps.push({
          event,
          dueAt,
          explanation: `${formatShanghai(event.at)} ${event.reason}，时限${describePeriod(event.period)}（不分昼夜、节假日），应于${formatShanghai(dueAt)}前完成`,
        });
        break;
      case 'regraded': {
        // A step already done was judged under the grade in force when it was done.
        if (status !== 'running') throw new Error(`cannot regrade a ${status} clock`);
        const before = dueAt!;
        period = event.period;
        dueAt = dueOf(startedAt!, event.period);
        const past = Date.parse(dueAt) < Date.parse(event.at) ? '，该时限在调整时已经届满' : '';
        steps.push({
          event,
          dueAt,
          explanation: `${formatShanghai(event.at)} ${event.reason}，时限改为${describePeriod(event.period)}，自${formatShanghai(startedAt!)}起算，应于${formatShanghai(dueAt)}前完成（原为${formatShanghai(before)}）${past}`,
        });
        break;
      }
      case 'stopped': {
        if (status !== 'running') throw new Error(`cannot stop a ${status} clock`);
        status = 'stopped';
        stoppedAt = event.at;
        lateMinutes = minutesLate(event.at, dueAt!);
        steps.push({
          event,
          dueAt,
          explanation: `${formatShanghai(event.at)} ${event.reason}，计时结束${lateMinutes > 0 ? `，超过时限${describeMinutes(lateMinutes)}` : '，未超过时限'}`,
        });
        break;
      }
    }
  }
  return { status, startedAt, period, dueAt, stoppedAt, lateMinutes, steps };
}
