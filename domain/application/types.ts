/**
 * The application for disclosure (依申请公开): intake data, stages, clocks and notices, as
 * plain types shared by the workflow, activities and API. Pure module.
 */
import type { IsoDate } from '../calendar/dates';
import type { DerivedClock, ClockEvent } from '../clocks/working-day-clock';
import type { FeeComputation } from '../fees';
import type { Outcome, Section36Reply } from '../outcomes';
import type { Role } from '../roles';

export const CHANNELS = {
  'in-person': '当面提交',
  'registered-mail': '挂号信',
  'ordinary-mail': '平信',
  online: '网络提交',
  fax: '传真',
  email: '电子邮件',
  oral: '口头提出（代为填写）',
} as const;
export type Channel = keyof typeof CHANNELS;

/**
 * §31: the receipt date. In person (and oral, recorded on the spot): the day submitted;
 * registered mail: the day signed for; ordinary mail, online, fax and email: the day the
 * agency confirms with the applicant — the case waits for the clerk's confirmation.
 */
export function receiptNeedsConfirmation(channel: Channel): boolean {
  return channel === 'ordinary-mail' || channel === 'online' || channel === 'fax' || channel === 'email';
}

/** Applicant categories of the annual report (table 3 columns). */
export const APPLICANT_TYPES = {
  'natural-person': '自然人',
  commercial: '商业企业',
  research: '科研机构',
  'public-interest': '社会公益组织',
  'legal-services': '法律服务机构',
  'other-organisation': '其他',
} as const;
export type ApplicantType = keyof typeof APPLICANT_TYPES;

export const ID_DOCUMENT_TYPES = {
  'resident-id': '居民身份证',
  passport: '护照',
  'hk-macau-permit': '港澳居民来往内地通行证',
  'taiwan-permit': '台湾居民来往大陆通行证',
  'unified-credit-code': '统一社会信用代码',
  other: '其他证件',
} as const;
export type IdDocumentType = keyof typeof ID_DOCUMENT_TYPES;

export interface Applicant {
  type: ApplicantType;
  /** Person's name, or the organisation's name. */
  name: string;
  /** Legal representative / contact person for organisations. */
  contactPerson?: string;
  idType: IdDocumentType;
  idNumber: string;
  phone: string;
  email?: string;
  address: string;
  postcode?: string;
}

export const INFORMATION_FORMS = { paper: '纸质', email: '电子邮件', disc: '光盘' } as const;
export const DELIVERY_METHODS = { post: '邮寄', email: '电子邮件', fax: '传真', 'pick-up': '自行领取' } as const;

export interface ApplicationIntake {
  channel: Channel;
  applicant: Applicant;
  /** 所需信息的名称、文号或便于查询的其他特征性描述 */
  description: string;
  purpose?: string;
  form: keyof typeof INFORMATION_FORMS;
  delivery: keyof typeof DELIVERY_METHODS;
  feeWaiverRequested: boolean;
  feeWaiverReason?: string;
  /** Registered mail: the day it was signed for; in person: today. Null when awaiting confirmation. */
  receivedOn: IsoDate | null;
}

export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
}

export const STAGES = {
  'awaiting-receipt-confirmation': '待确认收到',
  registered: '已登记',
  'correction-requested': '待补正',
  accepted: '已受理',
  assigned: '承办中',
  proposed: '承办意见已提出',
  'secrecy-review': '保密审查中',
  decided: '已拟定答复',
  signed: '已签发',
  delivered: '已送达',
  closed: '已办结',
} as const;
export type Stage = keyof typeof STAGES;

/** Kinds of clock a case carries; a case may hold several consultations at once. */
export type ClockKind =
  | 'reply'
  | 'correction-notice'
  | 'correction-period'
  | 'third-party'
  | 'other-agency'
  | 'secrecy-escalation'
  | 'fee-payment'
  | 'step';

export interface CaseClock {
  id: string;
  kind: ClockKind;
  /** Chinese label, e.g. 答复期限, 第三方意见征询（某公司）. */
  label: string;
  /** Statutory clocks bind the agency; internal ones come from the profile's step clocks. */
  statutory: boolean;
  /** Which profile period the clock follows, e.g. 'application.reply'. */
  rule: string;
  events: ClockEvent[];
  /** Filled by the derivation activity. */
  derived: DerivedClock | null;
  dueAt: string | null;
  /** Reminder instants (09:00 Asia/Shanghai on the k-th working day before due). */
  reminders: Array<{ workingDaysBefore: number; date: IsoDate; at: string }>;
  /** Reminders already sent, as 'due/k' so a moved due date re-arms them. */
  remindersSent: string[];
  /** The due date whose expiry (overdue escalation or expiry action) was handled. */
  overdueHandledFor: IsoDate | null;
  /** Finished clocks keep their record but arm no timers. */
  closed: boolean;
  closedReason?: string;
}

export interface Consultation {
  id: string;
  kind: 'third-party' | 'other-agency';
  party: string;
  address?: string;
  sentOn: IsoDate;
  answer: null | { result: 'agree' | 'object' | 'no-answer' | 'deemed-consent'; receivedOn: IsoDate; summary?: string };
}

export interface SecrecyReview {
  firstLevel: null | { conclusion: 'pass' | 'fail' | 'cannot-determine'; by: string; on: IsoDate; notes: string };
  secondLevel: null | { conclusion: 'pass' | 'fail' | 'cannot-determine'; by: string; on: IsoDate; notes: string };
  escalation: null | {
    authority: string;
    sentOn: IsoDate;
    extendedBy: number;
    answer: null | { conclusion: 'may-disclose' | 'secret'; on: IsoDate; notes: string };
  };
}

export interface Decision {
  outcome: Outcome;
  /** Set when the reply is one of §36's that is counted under `outcome`. */
  section36?: Section36Reply;
  reasons: string;
  legalBasis: string;
  /** Where the information can be found (already public) or which agency holds it. */
  referral?: string;
  decidedBy: string;
  decidedOn: IsoDate;
}

export interface FeeState {
  computation: FeeComputation;
  noticeOn: IsoDate;
  paidOn: IsoDate | null;
  waived: boolean;
}

export interface ApplicationState {
  caseNo: string;
  queryCode: string;
  ruleProfile: { id: string; version: string };
  stage: Stage;
  closed: boolean;
  outcome: Outcome | null;
  intake: ApplicationIntake;
  receivedOn: IsoDate | null;
  departmentCode: string | null;
  assignee: string | null;
  correction: null | { items: string[]; periodWorkingDays: number; requestedOn: IsoDate; correctedOn: IsoDate | null };
  proposal: null | { outcome: Outcome; summary: string; reasons: string; by: string; on: IsoDate };
  secrecy: SecrecyReview;
  decision: Decision | null;
  consultations: Consultation[];
  suspension: null | { reason: string; since: IsoDate };
  fee: FeeState | null;
  extension: null | { workingDays: number; reason: string; requestedBy: string; requestedOn: IsoDate; approvedBy: string | null; approvedOn: IsoDate | null };
  delivery: null | { method: string; deliveredOn: IsoDate };
  clocks: CaseClock[];
  possibleDuplicates: string[];
  /** Number of the last recorded event. */
  seq: number;
}

/** Notices of §3, each generated into a numbered, dated document on the case. */
export const NOTICE_KINDS = {
  receipt: '政府信息公开申请登记回执',
  correction: '补正申请告知书',
  extension: '延期答复告知书',
  'third-party': '第三方意见征询函',
  'other-agency': '政府信息公开征求意见函',
  suspension: '中止办理告知书',
  resumption: '恢复办理告知书',
  fee: '收费通知书',
  reply: '政府信息公开申请答复书',
} as const;
export type NoticeKind = keyof typeof NOTICE_KINDS;
