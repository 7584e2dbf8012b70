/**
 * Public-opinion rules: which clock periods a grade carries under a profile, who must approve
 * a response or clarification, and which step is allowed when (null = allowed, else the
 * reason in Chinese). Used by the workflow's update validators and the API. Pure module.
 */
import type { Role } from '../roles';
import type { Citation, RuleProfile } from '../rulesets/schema';
import type { Instant, MinutePeriodSpec } from './clock';
import {
  APPROVAL_LEVELS,
  type ApprovalLevel,
  type IncidentGradeLevel,
  type IncidentStage,
  type IncidentState,
  INCIDENT_STAGES,
  type ReleaseChannel,
} from './types';

/** Seed 001 (桦甸), 《桦甸市行政机关澄清虚假或不完整信息工作办法》第七条, verbatim. */
export const CLARIFICATION_APPROVAL_CITATIONS = {
  government: {
    source: '桦甸市行政机关澄清虚假或不完整信息工作办法',
    seed: '001',
    article: '第七条（一）',
    quote: '以市政府名义澄清的,须经市政府批准',
  },
  department: {
    source: '桦甸市行政机关澄清虚假或不完整信息工作办法',
    seed: '001',
    article: '第七条（二）',
    quote:
      '以市政府工作部门名义进行澄清的,须经本部门主要负责人审批;涉及其他部门职责或工作内容的,须事先征得相关部门同意;涉及重要事项或敏感问题的,须经市政府批准',
  },
} as const satisfies Record<string, Citation>;

/** Rolling-update reminder interval when the profile sets none (no seed gives a number). */
export const DEFAULT_UPDATE_INTERVAL_MINUTES = 24 * 60;

export function gradesOf(profile: RuleProfile): IncidentGradeLevel[] {
  return profile.publicOpinion.importantSameDay ? ['特别重大', '重大', '较大', '一般', '重要'] : ['特别重大', '重大', '较大', '一般'];
}

export const isMajor = (grade: IncidentGradeLevel): boolean => grade === '特别重大' || grade === '重大';

export interface GradePeriod {
  period: MinutePeriodSpec;
  rule: string;
  citation: Citation;
}

/** The report and response periods of a grade under a profile. */
export function periodsFor(profile: RuleProfile, grade: IncidentGradeLevel): { report: GradePeriod; response: GradePeriod } {
  const rules = profile.publicOpinion;
  if (grade === '重要') {
    const sameDay = rules.importantSameDay;
    if (!sameDay) throw new Error(`profile ${profile.id} has no 重要 grade`);
    const period: MinutePeriodSpec = { kind: 'same-day' };
    return {
      report: { period, rule: 'publicOpinion.importantSameDay', citation: sameDay.citation },
      response: { period, rule: 'publicOpinion.importantSameDay', citation: sameDay.citation },
    };
  }
  const report = rules.report[grade];
  const response = rules.response[grade];
  return {
    report: { period: { kind: 'minutes', minutes: report.minutes }, rule: `publicOpinion.report.${grade}`, citation: report.citation },
    response: {
      period: { kind: 'minutes', minutes: response.minutes },
      rule: `publicOpinion.response.${grade}`,
      citation: response.citation,
    },
  };
}

export function updateIntervalOf(profile: RuleProfile): { minutes: number; defaulted: boolean } {
  const set = profile.publicOpinion.updateIntervalMinutes;
  return set ? { minutes: set.minutes, defaulted: false } : { minutes: DEFAULT_UPDATE_INTERVAL_MINUTES, defaulted: true };
}

/** For 特别重大 / 重大, the response clock is met only by a press conference (seed 000 第四條). */
export function releaseMeetsResponse(grade: IncidentGradeLevel, channel: ReleaseChannel): boolean {
  return !isMajor(grade) || channel === 'press-conference';
}

const RANK: Record<ApprovalLevel, number> = { 'department-head': 0, principal: 1, government: 2 };

/** The approval a response plan or clarification needs, and why. */
export function requiredApproval(state: Pick<IncidentState, 'kind' | 'grade' | 'plan'>): { level: ApprovalLevel; reason: string } {
  if (state.kind === 'rumour') {
    if (state.plan?.issuedInNameOf === 'government')
      return { level: 'government', reason: '以政府名义澄清的，须经本级政府批准（桦甸澄清办法第七条（一））' };
    if (state.plan?.sensitive)
      return { level: 'government', reason: '涉及重要事项或敏感问题的，须经本级政府批准（桦甸澄清办法第七条（二））' };
    return { level: 'department-head', reason: '以部门名义澄清的，须经本部门主要负责人审批（桦甸澄清办法第七条（二））' };
  }
  if (isMajor(state.grade) || state.grade === '重要') return { level: 'principal', reason: `${state.grade}舆情的回应方案须经主要领导审批` };
  return { level: 'department-head', reason: '回应方案须经责任单位主要负责人审批' };
}

/** Roles that may sign at a level: leaders for the principal and government levels. */
export function rolesForLevel(level: ApprovalLevel): readonly Role[] {
  return level === 'department-head' ? ['reviewer', 'leader'] : ['leader'];
}

type Actorish = { actor: { role: Role; departmentCode: string } };
type Check<P> = (state: IncidentState, payload: P, ctx: { now: number; profile: RuleProfile }) => string | null;

function stageIs(state: IncidentState, allowed: readonly IncidentStage[], action: string): string | null {
  if (state.closed) return `舆情已办结，不能${action}`;
  return allowed.includes(state.stage) ? null : `当前状态为「${INCIDENT_STAGES[state.stage]}」，不能${action}`;
}

/** An instant someone records: a real instant, not in the future, not before `notBefore`. */
export function instantProblem(at: Instant, now: number, notBefore: Instant | null, what: string): string | null {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return `${what}不是有效时间`;
  if (ms > now + 60_000) return `${what}晚于当前时间`;
  if (notBefore && ms < Date.parse(notBefore)) return `${what}早于${notBefore}`;
  return null;
}

const AFTER_ASSIGNMENT: readonly IncidentStage[] = ['assigned', 'assessed', 'planned', 'approved', 'released'];

export const incidentChecks = {
  regrade: ((s, p, { profile }) => {
    if (s.closed) return '舆情已办结，不能调整等级';
    if (!gradesOf(profile).includes(p.grade)) return `本规则没有「${p.grade}」等级（可选：${gradesOf(profile).join('、')}）`;
    return p.grade === s.grade ? `当前等级已是${p.grade}` : null;
  }) as Check<{ grade: IncidentGradeLevel }>,

  assign: ((s) => stageIs(s, ['registered', ...AFTER_ASSIGNMENT.filter((x) => x !== 'released')], '交办责任单位')) as Check<{
    departmentCode: string;
  }>,

  assess: ((s) => stageIs(s, ['assigned', 'assessed'], '提交研判意见')) as Check<unknown>,

  plan: ((s, p) => {
    const stage = stageIs(s, ['assessed', 'planned'], '拟定回应方案');
    if (stage) return stage;
    if (s.kind === 'rumour' && !p.issuedInNameOf) return '澄清方案须写明以政府名义还是部门名义发布';
    if (s.kind === 'incident' && p.issuedInNameOf) return '只有澄清虚假或不完整信息才区分发布名义';
    return null;
  }) as Check<{ issuedInNameOf?: string }>,

  recordConsent: ((s, p) => {
    const stage = stageIs(s, ['planned'], '登记相关部门意见');
    if (stage) return stage;
    if (!s.plan!.involvedDepartments.includes(p.departmentCode)) return `方案未涉及${p.departmentCode}`;
    return s.consents.some((c) => c.departmentCode === p.departmentCode) ? `${p.departmentCode}的意见已登记` : null;
  }) as Check<{ departmentCode: string }>,

  approve: ((s, p: { level: ApprovalLevel } & Actorish) => {
    const stage = stageIs(s, ['planned'], '审批方案');
    if (stage) return stage;
    const missing = s.plan!.involvedDepartments.filter((d) => !s.consents.some((c) => c.departmentCode === d));
    if (missing.length > 0) return `涉及其他部门职责的，须事先征得相关部门同意（尚缺：${missing.join('、')}）`;
    const required = requiredApproval(s);
    if (RANK[p.level] < RANK[required.level]) return `${required.reason}，不能由${APPROVAL_LEVELS[p.level]}审批`;
    if (!rolesForLevel(p.level).includes(p.actor.role)) return `${APPROVAL_LEVELS[p.level]}的审批须由领导登记`;
    return null;
  }) as Check<{ level: ApprovalLevel } & Actorish>,

  release: ((s, p, { now }) =>
    first(
      stageIs(s, ['approved', 'released'], '统一发布'),
      p.at ? instantProblem(p.at, now, s.approval?.at ?? null, '发布时间') : null,
    )) as Check<{ at?: Instant }>,

  report: ((s, p, { now }) => {
    if (s.closed) return '舆情已办结，不能报送';
    return p.at ? instantProblem(p.at, now, s.intake.firstSeenAt, '报送时间') : null;
  }) as Check<{ at?: Instant }>,

  close: ((s, p) => {
    if (s.closed) return '舆情已办结';
    if (s.stage !== 'released') return `尚未统一发布，不能办结（当前状态为「${INCIDENT_STAGES[s.stage]}」）`;
    if (s.kind === 'incident' && isMajor(s.grade) && !s.reports.some((r) => r.to === 'superior'))
      return `${s.grade}舆情须向上级报告后才能办结`;
    return p.evaluation.trim().length > 0 ? null : '办结须填写评估意见';
  }) as Check<{ evaluation: string }>,
};

function first(...problems: Array<string | null>): string | null {
  return problems.find((p) => p !== null) ?? null;
}

export type IncidentActionName = keyof typeof incidentChecks;
