/**
 * Disputes over a reply (domain.md §6): a reconsideration (行政复议) or a lawsuit (行政诉讼),
 * handled under seed 003's procedure: defence within 10 WD of receiving the copy (a lawsuit:
 * 15 calendar days, or the 10 WD if earlier, domain/disputes/clocks.ts), the
 * department's evidence within 5 WD of it being forwarded, an optional coordination meeting,
 * the hearing, the result and its enforcement. Pure module.
 */
import type { IsoDate } from '../calendar/dates';
import type { AnyClockEvent, DerivedClock } from '../clocks/working-day-clock';
import type { Actor } from '../case';

/** The three column groups of annual-report table 4. */
export const DISPUTE_KINDS = {
  reconsideration: '行政复议',
  'litigation-direct': '行政诉讼（未经复议直接起诉）',
  'litigation-after-reconsideration': '行政诉讼（复议后起诉）',
} as const;
export type DisputeKind = keyof typeof DISPUTE_KINDS;

/** Results as table 4 counts them; a dispute without one is 尚未审结. */
export const DISPUTE_RESULTS = {
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
} as const;
export type DisputeResult = keyof typeof DISPUTE_RESULTS;
export const PENDING_LABEL = '尚未审结';

export const DISPUTE_STAGES = {
  received: '已收到副本',
  'defence-submitted': '已提交答辩状',
  enforcing: '执行中',
  closed: '已结案',
} as const;
export type DisputeStage = keyof typeof DISPUTE_STAGES;

export type DisputeClockKind = 'defence' | 'evidence';

export interface DisputeClock {
  id: DisputeClockKind;
  kind: DisputeClockKind;
  label: string;
  rule: string;
  statutory: boolean;
  /** Working-day events, or calendar-day ones for a lawsuit's defence clock. */
  events: AnyClockEvent[];
  derived: DerivedClock | null;
  dueAt: string | null;
  reminders: Array<{ workingDaysBefore: number; date: IsoDate; at: string }>;
  remindersSent: string[];
  overdueHandledFor: IsoDate | null;
  closed: boolean;
  closedReason?: string;
}

export interface DisputeFiling {
  /** The application whose reply is disputed. */
  caseNo: string;
  kind: DisputeKind;
  /** Day the office received the copy of the reconsideration application or complaint. */
  receivedOn: IsoDate;
  /** 复议机关 or 人民法院. */
  body: string;
  /** The body's own case number (案号), when known. */
  bodyReference?: string;
  /** The applicant's claims (请求事项). */
  claims: string;
  /** Business department that holds the evidence; its 5 WD clock starts when forwarded. */
  departmentCode?: string;
}

export interface DisputeState {
  disputeNo: string;
  filing: DisputeFiling;
  ruleProfile: { id: string; version: string };
  stage: DisputeStage;
  departmentCode: string | null;
  forwardedOn: IsoDate | null;
  evidence: Array<{ items: string[]; submittedOn: IsoDate; by: string; secrecyNote?: string }>;
  defence: { summary: string; submittedOn: IsoDate; by: string } | null;
  meetings: Array<{ on: IsoDate; participants: string[]; conclusion: string; by: string }>;
  hearings: Array<{ on: IsoDate; representative: string; notes: string; by: string }>;
  result: { result: DisputeResult; on: IsoDate; summary: string; documentNo?: string; by: string; withdrawn: boolean } | null;
  enforcement: { on: IsoDate; actions: string; by: string } | null;
  closed: boolean;
  clocks: DisputeClock[];
  seq: number;
}

export type DisputeActor = Actor;
