/**
 * Outgoing documents (公文) and their disclosure attribute (公开属性, domain.md §4): plain
 * types shared by the document workflow, its activities and the API. Pure module.
 */
import type { IsoDate } from '../calendar/dates';
import type { CaseClock } from '../application/types';

/** The three attributes every outgoing document gets when drafted. */
export const ATTRIBUTES = {
  proactive: '主动公开',
  'on-request': '依申请公开',
  'not-disclosed': '不予公开',
} as const;
export type Attribute = keyof typeof ATTRIBUTES;

/** 《党政机关公文处理工作条例》第八条: the fifteen kinds of 公文. */
export const DOCUMENT_KINDS = [
  '决议',
  '决定',
  '命令',
  '公报',
  '公告',
  '通告',
  '意见',
  '通知',
  '通报',
  '报告',
  '请示',
  '批复',
  '议案',
  '函',
  '纪要',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const STAGES = {
  drafted: '待办公室核定公开属性',
  returned: '已退回拟稿人',
  'secrecy-review': '保密审查中',
  'awaiting-co-issuers': '等待联合发文单位同意',
  'awaiting-sign-off': '待领导签发',
  releasing: '主动公开办理中',
  withheld: '不公开（依申请公开 / 不予公开）',
  released: '已公开',
  /** Published, and a recorded change to it still to be published (seed 004 第十七条). */
  updating: '已公开，变更信息待更新',
} as const;
export type DocumentStage = keyof typeof STAGES;

export const TIME_LIMITS = { 'long-term': '长期公开', 'time-limited': '限时公开' } as const;
export type TimeLimit = keyof typeof TIME_LIMITS;

/** What the drafter registers. */
export interface DocumentRegistration {
  title: string;
  /** 文号, e.g. 黄政办发〔2026〕12号. */
  docNumber: string;
  kind: DocumentKind;
  /** 行政规范性文件: needs a policy interpretation (政策解读) after publication. */
  normative: boolean;
  /** Department code of the issuing (lead) department. */
  issuingDepartment: string;
  /** Co-issuing agencies of a joint document (联合发文); each must agree on the attribute. */
  coIssuers: string[];
  /** The document this one forwards (转发), whose attribute it inherits unless re-decided. */
  forwardedDocId?: string;
  /** Null when the drafter left it out: the office returns the document (domain.md §4). */
  proposedAttribute: Attribute | null;
  /** Written reasons: required for 依申请公开 / 不予公开 and for departing from a forwarded document's attribute. */
  attributeReasons?: string;
  /** The drafter's statement that the text carries 依申请 / 不予公开 content (forbidden in a 主动公开 document, seed 000). */
  containsWithheldContent: boolean;
  /** Catalogue category code '01'…'09' (seed 002). */
  category: string;
  description: string;
  keywords: string[];
  timeLimit: TimeLimit;
}

export type SecrecyConclusion = 'pass' | 'fail' | 'cannot-determine';

export interface SecrecyLevelReview {
  conclusion: SecrecyConclusion;
  by: string;
  on: IsoDate;
  basis: string;
  notes: string;
  participants: string[];
}

export interface DocumentSecrecy {
  firstLevel: SecrecyLevelReview | null;
  secondLevel: SecrecyLevelReview | null;
  escalation: null | {
    authority: string;
    sentOn: IsoDate;
    extendedBy: number;
    answer: null | { conclusion: 'may-disclose' | 'secret'; on: IsoDate; notes: string };
  };
}

export interface OfficeReturn {
  round: number;
  missing: Array<'attribute' | 'reasons' | 'other'>;
  notes: string;
  by: string;
  on: IsoDate;
  resubmittedOn: IsoDate | null;
}

export interface CoIssuerAnswer {
  coIssuer: string;
  agreed: boolean;
  attribute: Attribute;
  notes: string;
  on: IsoDate;
}

export interface Publication {
  channel: string;
  url: string;
  publishedAt: string;
  publishedOn: IsoDate;
}

/**
 * Seed 003 (黄岩) 关于行政规范性文件草案公开征求意见的规定: the draft goes out with its 起草说明
 * (第五条) for at least N WD; the comments and how they were taken up are recorded (第十一条、
 * 第十二条); without it the draft may not go forward (第十三条).
 */
export interface PublicComment {
  startedOn: IsoDate;
  /** Where the draft was published (第三条: 本单位门户网站、区政府门户网站或者新闻媒体). */
  channel: string;
  url: string | null;
  /** 起草说明: necessity, problems addressed, main measures, drafting and basis (第五条). */
  draftingNote: string;
  minimumWorkingDays: number;
  /** The N-th working day after the start: the earliest day the period may end. Derived with the calendar, re-derived when it changes. */
  earliestEndOn: IsoDate | null;
  /** How earliestEndOn came about (the clock derivation's lines). */
  derivation: string[];
  ended: null | { endedOn: IsoDate; commentsReceived: number; commentRecord: string; by: string };
}

/** 第四条: a draft on a matter that may not be disclosed by law, or an emergency, may skip public comment, with an explanation. */
export interface PublicCommentExemption {
  reason: 'not-disclosable' | 'emergency';
  explanation: string;
  by: string;
  on: IsoDate;
}

/** Seed 004 (毕节) 重大行政决策事项预公开制度: the proposal published before the decision, for at most N WD (五). */
export interface PreDisclosure {
  startedOn: IsoDate;
  channel: string;
  url: string | null;
  /** 拟定的方案和理由 (一). */
  summary: string;
  /** Announced length; its end is the pre-disclosure clock's due date. */
  workingDays: number;
  ended: null | { endedOn: IsoDate; feedback: string; by: string };
}

/** A change to published information (条例第二十六条; seed 004 第十七条: updated within 10 WD on the carriers it was published on). */
export interface DocumentChange {
  no: number;
  summary: string;
  changedOn: IsoDate;
  recordedBy: string;
  /** The channels the document was published on when the change was recorded: each must carry the update. */
  carriers: string[];
  updates: Array<{ channel: string; url: string; publishedOn: IsoDate }>;
  completedOn: IsoDate | null;
}

export interface DocumentState {
  docId: string;
  ruleProfile: { id: string; version: string };
  stage: DocumentStage;
  closed: boolean;
  registration: DocumentRegistration;
  /** The forwarded document's attribute, when it has one on record. */
  inherited: null | { docId: string; attribute: Attribute };
  /** Current proposal (drafter), verified by the office, fixed at sign-off. */
  proposedAttribute: Attribute | null;
  attributeReasons: string | null;
  officeVerified: null | { by: string; on: IsoDate };
  returns: OfficeReturn[];
  secrecy: DocumentSecrecy;
  coIssuerAnswers: CoIssuerAnswer[];
  finalAttribute: Attribute | null;
  signedOff: null | { by: string; on: IsoDate; reasons: string | null };
  /** Set when the November self-check converted a withheld document to 主动公开. */
  conversion: null | { from: Attribute; on: IsoDate; reasons: string; by: string; selfCheckId: string | null };
  publications: Publication[];
  interpretation: null | { title: string; url: string; publishedOn: IsoDate };
  deposit: null | { place: string; depositedOn: IsoDate };
  /** 索引号 of the catalogue entry, once released. */
  indexNo: string | null;
  publicComment: PublicComment | null;
  publicCommentExemption: PublicCommentExemption | null;
  preDisclosure: PreDisclosure | null;
  changes: DocumentChange[];
  clocks: CaseClock[];
  seq: number;
}

export type { Actor } from '../case';

/** Kinds of written review record kept (≥ 3 years) in document_reviews. */
export type ReviewKind =
  'office-verification' | 'office-return' | 'secrecy-1' | 'secrecy-2' | 'secrecy-escalation' | 'co-issuer' | 'sign-off' | 'self-check';

/** The written record domain.md §4 asks of each review. */
export interface ReviewRecord {
  kind: ReviewKind;
  /** Title and document number, or a summary. */
  subject: string;
  basis: string;
  conclusion: string;
  reviewer: string;
  reviewedOn: IsoDate;
  participants: string[];
}

/** Years a review record is kept at least (domain.md §4). */
export const REVIEW_RETENTION_YEARS = 3;
