/**
 * Public-opinion incidents (舆情回应) and rumour clarifications (澄清虚假或不完整信息),
 * domain.md §5: plain types shared by the workflow, activities and API. Pure module.
 */
import type { Actor } from '../case';
import type { Citation, IncidentGrade } from '../rulesets/schema';
import type { DerivedMinuteClock, Instant, MinuteClockEvent } from './clock';

/** The four grades of seeds 000/001, plus 黄岩's 重要 (seed 003 splits 一般 / 重要). */
export type IncidentGradeLevel = IncidentGrade | '重要';
export const INCIDENT_GRADES: readonly IncidentGradeLevel[] = ['特别重大', '重大', '较大', '一般', '重要'];

export const INCIDENT_KINDS = {
  incident: '政务舆情',
  rumour: '澄清虚假或不完整信息',
} as const;
export type IncidentKind = keyof typeof INCIDENT_KINDS;

export const INCIDENT_SOURCES = {
  media: '媒体报道',
  portal: '门户网站及政务新媒体',
  hotline: '热线电话',
  'superior-transfer': '上级转办',
} as const;
export type IncidentSource = keyof typeof INCIDENT_SOURCES;

export const RELEASE_CHANNELS = {
  'press-conference': '新闻发布会',
  portal: '政府门户网站',
  'new-media': '政务新媒体',
  interview: '接受采访',
  statement: '书面声明',
} as const;
export type ReleaseChannel = keyof typeof RELEASE_CHANNELS;

export const INCIDENT_STAGES = {
  registered: '已登记',
  assigned: '已交办责任单位',
  assessed: '已研判',
  planned: '已拟定回应方案',
  approved: '方案已审批',
  released: '已统一发布',
  closed: '已办结',
} as const;
export type IncidentStage = keyof typeof INCIDENT_STAGES;

/** Who approves: ranks from lowest to highest. */
export const APPROVAL_LEVELS = {
  'department-head': '部门（单位）主要负责人',
  principal: '本机关主要领导',
  government: '本级人民政府',
} as const;
export type ApprovalLevel = keyof typeof APPROVAL_LEVELS;

export interface IncidentIntake {
  title: string;
  source: IncidentSource;
  link?: string;
  summary: string;
  /** When the incident was first seen: every clock runs from here. */
  firstSeenAt: Instant;
  relatedCase?: string;
  relatedDocument?: string;
}

export type IncidentClockId = 'report' | 'response';

export interface IncidentClock {
  id: IncidentClockId;
  /** 报送时限 / 回应时限. */
  label: string;
  /** Profile rule followed, e.g. 'publicOpinion.report.重大'. */
  rule: string;
  citation: Citation;
  events: MinuteClockEvent[];
  derived: DerivedMinuteClock;
  /** The due instant whose miss was already recorded. */
  missHandledFor: Instant | null;
}

/** A clock missed: who answers for it, which clock, by how much. */
export interface AccountabilityEntry {
  clockId: string;
  clockLabel: string;
  /** The responsible unit (department code) or, before assignment, the registering office. */
  responsible: string;
  /** Username of the responsible person when there is one. */
  responsiblePerson: string | null;
  dueAt: Instant;
  missedAt: Instant;
  /** When the step was finally done (null while still outstanding). */
  satisfiedAt: Instant | null;
  lateMinutes: number | null;
}

export interface Release {
  kind: 'first' | 'follow-up';
  channel: ReleaseChannel;
  text: string;
  /** When it went out. */
  at: Instant;
  by: string;
}

export interface IncidentPlan {
  text: string;
  /** Rumour clarification: issued in the government's name or the department's (seed 001 第七条). */
  issuedInNameOf?: 'government' | 'department';
  /** Rumour clarification touching other departments' duties: their consent comes first. */
  involvedDepartments: string[];
  /** Important matters or sensitive questions: government approval (seed 001 第七条（二）). */
  sensitive: boolean;
  by: string;
  at: Instant;
}

export interface IncidentState {
  id: string;
  kind: IncidentKind;
  ruleProfile: { id: string; version: string };
  grade: IncidentGradeLevel;
  gradeHistory: Array<{ grade: IncidentGradeLevel; at: Instant; by: string; reason: string }>;
  stage: IncidentStage;
  closed: boolean;
  intake: IncidentIntake;
  registeredBy: string;
  /** The registering office: answers for clocks missed before a unit is assigned. */
  registeredByDepartment: string;
  registeredAt: Instant;
  departmentCode: string | null;
  assignee: string | null;
  assessment: null | { text: string; by: string; at: Instant };
  plan: IncidentPlan | null;
  consents: Array<{ departmentCode: string; by: string; at: Instant; note: string }>;
  approval: null | { level: ApprovalLevel; by: string; at: Instant; comments: string };
  releases: Release[];
  reports: Array<{ to: 'leadership' | 'superior'; recipient: string; summary: string; at: Instant; by: string }>;
  evaluation: null | { text: string; by: string; at: Instant };
  clocks: IncidentClock[];
  /** Rolling-update reminders: interval and the last one sent. */
  updates: { intervalMinutes: number; defaulted: boolean; lastReminderAt: Instant | null };
  accountability: AccountabilityEntry[];
  seq: number;
}

export type { Actor };
