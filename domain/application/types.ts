/**
 * The application for disclosure (依申请公开): intake data, stages, clocks and notices, as
 * plain types shared by the workflow, activities and API. Pure module.
 */
import type { IsoDate } from '../calendar/dates';
import type { DerivedClock, ClockEvent } from '../clocks/working-day-clock';
import type { FeeComputation } from '../fees';
import type { Outcome, Section36Reply } from '../outcomes';

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

export type { Actor } from '../case';

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
  /** Seed 002: information decided to be disclosed is provided within N WD. */
  | 'provide'
  /** 条例§35: a reasonable later reply date set for an excessive request. */
  | 'deferred-reply'
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
  /** The letter's document number, for its delivery record (its answer period runs from the party's receipt, §32/§34). */
  letterDocNo?: string;
  answer: null | {
    result: 'agree' | 'object' | 'no-answer' | 'deemed-consent';
    receivedOn: IsoDate;
    summary?: string;
    /** Set when the answer was entered after the automatic expiry, with a true date before it. */
    correctsExpiry?: { result: 'no-answer' | 'deemed-consent'; due: IsoDate; enteredOn: IsoDate; enteredBy: string };
  };
}

/** How a notice reached its addressee (送达方式). */
export const NOTICE_DELIVERY_METHODS = {
  'in-person': '直接送达',
  post: '邮寄送达',
  email: '电子邮件送达',
  fax: '传真送达',
  publication: '公告送达',
} as const;
export type NoticeDeliveryMethod = keyof typeof NOTICE_DELIVERY_METHODS;

export interface NoticeDelivery {
  method: NoticeDeliveryMethod;
  /** The day the addressee received it: periods "from receipt" start the day after. */
  deliveredOn: IsoDate;
  /** Post: the tracking number (EMS / registered mail). */
  trackingNo?: string;
  /** e.g. 送达回证 signed by the applicant, EMS delivery record, e-mail server receipt. */
  proof?: string;
  recordedBy: string;
  recordedOn: IsoDate;
}

/** A notice issued on the case and whether it has reached its addressee. */
export interface IssuedNotice {
  docNo: string;
  kind: NoticeKind;
  issuedOn: IsoDate;
  addressee: 'applicant' | 'third-party' | 'other-agency';
  consultationId?: string;
  delivery: NoticeDelivery | null;
}

/** Who a notice is addressed to, and its own date where the clerk records one (a letter's sentOn, a fee notice's noticeOn). */
export type NoticeIssue = Pick<IssuedNotice, 'addressee' | 'issuedOn' | 'consultationId'>;

/** The record of a notice just numbered, written by the workflow and by the projection alike. */
export function issuedNotice(docNo: string, kind: NoticeKind, issue: NoticeIssue): IssuedNotice {
  return {
    docNo,
    kind,
    issuedOn: issue.issuedOn,
    addressee: issue.addressee,
    ...(issue.consultationId ? { consultationId: issue.consultationId } : {}),
    delivery: null,
  };
}

export function addresseeOf(kind: NoticeKind): IssuedNotice['addressee'] {
  return kind === 'third-party' || kind === 'third-party-disclosure'
    ? 'third-party'
    : kind === 'other-agency'
      ? 'other-agency'
      : 'applicant';
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
  /** §36(五) with the competent agency on the same platform: the application is handed over to it when this case closes. */
  referralAgencyCode?: string;
  decidedBy: string;
  decidedOn: IsoDate;
}

export interface FeeState {
  computation: FeeComputation;
  noticeOn: IsoDate;
  paidOn: IsoDate | null;
  waived: boolean;
}

/** A leader's decision on the applicant's request for a fee waiver (109号 第八条). */
export interface FeeWaiverDecision {
  approved: boolean;
  reasons: string;
  decidedBy: string;
  decidedOn: IsoDate;
}

/** 条例§35: a request whose number or frequency is clearly unreasonable. */
export interface ExcessiveRequest {
  reasonsRequestedOn: IsoDate;
  explanation: string;
  ruling: null | {
    reasonable: boolean;
    /** When the applicant's reasons arrived (absent: none were given). */
    reasonsReceivedOn?: IsoDate;
    explanation: string;
    /** Reasonable but not answerable in time: the later reply period, in WD from the ruling. */
    laterWorkingDays?: number;
    ruledBy: string;
    ruledOn: IsoDate;
  };
}

export interface ApplicationState {
  caseNo: string;
  queryCode: string;
  ruleProfile: { id: string; version: string };
  stage: Stage;
  closed: boolean;
  outcome: Outcome | null;
  intake: ApplicationIntake;
  /** The receipt date the reply clock counts from (moved by a correction, §30). */
  receivedOn: IsoDate | null;
  /** The first receipt date, never moved by a correction: the annual report's 新收 year and the fee month count by it. */
  firstReceivedOn: IsoDate | null;
  /** The day the case ended: reply delivered, abandonment's expired due date, or withdrawal (annual report's 办理结果). */
  endedOn: IsoDate | null;
  departmentCode: string | null;
  assignee: string | null;
  correction: null | { items: string[]; periodWorkingDays: number; requestedOn: IsoDate; correctedOn: IsoDate | null };
  proposal: null | { outcome: Outcome; summary: string; reasons: string; by: string; on: IsoDate };
  secrecy: SecrecyReview;
  decision: Decision | null;
  consultations: Consultation[];
  suspension: null | { reason: string; since: IsoDate };
  fee: FeeState | null;
  feeWaiver: FeeWaiverDecision | null;
  excessive: ExcessiveRequest | null;
  /** Every notice issued, with its delivery record (or null while undelivered). */
  notices: IssuedNotice[];
  extension: null | {
    workingDays: number;
    reason: string;
    requestedBy: string;
    requestedOn: IsoDate;
    approvedBy: string | null;
    approvedOn: IsoDate | null;
  };
  delivery: null | { method: string; deliveredOn: IsoDate; trackingNo?: string; proof?: string };
  clocks: CaseClock[];
  possibleDuplicates: string[];
  /** Number of the last recorded event. */
  seq: number;
  /** This case came from another agency on the platform (§36(五) hand-over): its receipt here is the hand-over's day. */
  handOverFrom?: HandOver;
  /** This case went to another agency on the platform when it closed. */
  handedOverTo?: HandOver;
}

/** One side of a hand-over between two agencies of the platform. */
export interface HandOver {
  agencyCode: string;
  agencyName: string;
  caseNo: string;
  on: IsoDate;
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
  'fee-waiver': '信息处理费减免申请决定书',
  'reasons-request': '要求说明理由通知书',
  'deferred-reply': '延迟答复告知书',
  'third-party-disclosure': '公开决定告知书',
  reply: '政府信息公开申请答复书',
} as const;
export type NoticeKind = keyof typeof NOTICE_KINDS;
