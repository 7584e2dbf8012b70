/**
 * The defence clock a dispute opens on the day the copy arrives (domain.md §6). Pure module.
 *
 * - Reconsideration (行政复议): the profile's working days (seed 003: 10 WD); 行政复议法 (2023)
 *   counts its short periods in working days.
 * - Lawsuit (行政诉讼): 行政诉讼法 第六十七条, evidence and defence to the court within 15 days
 *   of receiving the complaint copy, in calendar days (the last day moved past a rest day or
 *   holiday); the profile's working-day limit still binds when it ends earlier: the stricter
 *   applies, and the clock's derivation names which one did.
 */
import type { AnyClockEvent } from '../clocks/working-day-clock';
import { NATIONAL_LITIGATION_DEFENCE } from '../rulesets/profiles/shared';
import type { RuleProfile } from '../rulesets/schema';
import type { DisputeFiling, DisputeKind } from './types';

export const isLitigation = (kind: DisputeKind): boolean => kind !== 'reconsideration';

export interface DefenceClockSpec {
  label: string;
  rule: string;
  /** Whether the law (not only the agency's rulebook) sets the period. */
  statutory: boolean;
  start: AnyClockEvent;
}

/** The reconsideration's clock, exactly as every dispute opened it before lawsuits ran in calendar days. */
export function reconsiderationDefenceClock(filing: DisputeFiling, rules: RuleProfile['disputes']): DefenceClockSpec {
  return {
    label: '拟定答辩状期限',
    rule: 'disputes.defenceDraft',
    statutory: false,
    start: {
      type: 'started',
      date: filing.receivedOn,
      workingDays: rules.defenceDraft.workingDays,
      reason: '收到行政复议申请书（起诉状）副本',
    },
  };
}

/** A lawsuit's clock: the law's calendar days, limited by the profile's working days. */
export function litigationDefenceClock(filing: DisputeFiling, rules: RuleProfile['disputes']): DefenceClockSpec {
  // A profile handed over before the field existed (an older API during a deploy) still gets the law.
  const law = rules.litigationDefence ?? NATIONAL_LITIGATION_DEFENCE;
  return {
    label: '提交答辩状及证据期限',
    rule: 'disputes.litigationDefence, disputes.defenceDraft',
    statutory: true,
    start: {
      type: 'started',
      date: filing.receivedOn,
      calendarDays: law.calendarDays,
      reason: `收到起诉状副本（${law.citation.source}${law.citation.article}）`,
      workingDayLimit: { workingDays: rules.defenceDraft.workingDays, reason: '本机关规定拟定答辩状' },
    },
  };
}
