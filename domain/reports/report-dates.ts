/**
 * The dates the annual report counts an application by (条例 §50), read from the workflow's
 * state as each step is recorded. Pure module.
 *
 * - first receipt: 新收 belongs to the year the application first arrived (§31); a
 *   correction (补正, §30) restarts the reply period and moves `receivedOn`, not that year.
 * - end: 办理结果 belong to the year the case ended for the applicant — reply delivered, the
 *   correction or payment due date that expired (§30, 109号: deemed abandoned), the
 *   withdrawal — not to the day the file is archived.
 *
 * The workflow state carries both (`firstReceivedOn`, `endedOn`); states of workflows that
 * started before it did lack them (or hold null), and this module falls back to what those
 * states hold.
 */
import type { IsoDate } from '../calendar/dates';
import { shanghaiDateOf } from '../calendar/dates';

/** The parts of an application's state this module reads (older states lack the last two). */
export interface ReportDatesSource {
  closed: boolean;
  receivedOn: IsoDate | null;
  delivery: null | { deliveredOn: IsoDate };
  clocks: ReadonlyArray<{ id: string; events: ReadonlyArray<{ type: string; date: IsoDate }> }>;
  firstReceivedOn?: IsoDate | null;
  endedOn?: IsoDate | null;
}

export interface ReportDates {
  firstReceivedOn: IsoDate | null;
  endedOn: IsoDate | null;
  /**
   * False when the state did not give the date: the fallback may know less than the
   * projection already does (an ending event recorded earlier), so the writer keeps the
   * stored value.
   */
  fromState: { firstReceivedOn: boolean; endedOn: boolean };
}

/** The event being recorded with the state (its date ends a legacy case: abandonment, withdrawal). */
export interface ReportDatesEvent {
  type: string;
  at: string;
  payload: Record<string, unknown>;
}

const isoDate = (v: unknown): IsoDate | null => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);

export function reportDatesOf(state: ReportDatesSource, event: ReportDatesEvent): ReportDates {
  // A null in the state also falls back: the fallback only reads facts that mean the same
  // (the reply clock's start, the delivery, the ending event), so it cannot contradict it.
  const firstFromState = state.firstReceivedOn != null;
  const endedFromState = state.endedOn != null;
  return {
    firstReceivedOn: firstFromState ? state.firstReceivedOn! : legacyFirstReceipt(state),
    endedOn: endedFromState ? state.endedOn! : legacyEnd(state, event),
    fromState: { firstReceivedOn: firstFromState, endedOn: endedFromState },
  };
}

/** The reply clock's first event is its start on the original receipt date; a correction adds a 'restarted' after it. */
function legacyFirstReceipt(state: ReportDatesSource): IsoDate | null {
  const started = state.clocks.find((c) => c.id === 'reply')?.events.find((e) => e.type === 'started');
  return started?.date ?? state.receivedOn;
}

function legacyEnd(state: ReportDatesSource, event: ReportDatesEvent): IsoDate | null {
  if (state.delivery) return state.delivery.deliveredOn;
  if (event.type === 'abandoned') return isoDate(event.payload.due);
  if (event.type === 'withdrawn') return isoDate(event.payload.on);
  // A closed case whose ending the state no longer shows: the day it closed, rather than never.
  return state.closed ? shanghaiDateOf(Date.parse(event.at)) : null;
}
