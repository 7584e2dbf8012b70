/**
 * Citizen-message rules: the limit of each type under a profile (seed 004 第六条), the
 * confidentiality rule of 第七条 (a complaint never goes to the department complained about),
 * and which step is allowed when. Pure module.
 */
import type { RuleProfile } from '../rulesets/schema';
import { MESSAGE_STAGES, type MessageStage, type MessageState, type MessageType } from './types';

/** Seed 004 (毕节), 政民互动制度第七条, verbatim. */
export const CONFIDENTIALITY_CITATION = {
  source: '毕节市文化广电旅游局政民互动制度',
  seed: '004',
  article: '第七条',
  quote: '不得将检举、控告类信件转至被检举、控告单位和个人',
} as const;

export type MessageLimit = NonNullable<RuleProfile['citizenMessages']>['limits'][number];

export function limitFor(profile: RuleProfile, type: MessageType): MessageLimit | undefined {
  return profile.citizenMessages?.limits.find((l) => l.type === type);
}

type Check<P> = (state: MessageState, payload: P, ctx: { profile: RuleProfile }) => string | null;

function stageIs(state: MessageState, allowed: readonly MessageStage[], action: string): string | null {
  if (state.closed) return `留言已办结，不能${action}`;
  return allowed.includes(state.stage) ? null : `当前状态为「${MESSAGE_STAGES[state.stage]}」，不能${action}`;
}

function complainedAbout(state: MessageState, departmentCode: string): string | null {
  return state.intake.complainedDepartmentCode === departmentCode
    ? `不得将检举、控告类信件转至被检举、控告单位（${CONFIDENTIALITY_CITATION.source}${CONFIDENTIALITY_CITATION.article}）`
    : null;
}

export const messageChecks = {
  assign: ((s, p) => stageIs(s, ['registered'], '交办') ?? complainedAbout(s, p.departmentCode)) as Check<{ departmentCode: string }>,

  transfer: ((s, p) => {
    const stage = stageIs(s, ['assigned'], '转办');
    if (stage) return stage;
    if (p.departmentCode === s.departmentCode) return `留言已由${p.departmentCode}承办`;
    return complainedAbout(s, p.departmentCode);
  }) as Check<{ departmentCode: string }>,

  extend: ((s, p, { profile }) => {
    const stage = stageIs(s, ['registered', 'assigned'], '延长办理时限');
    if (stage) return stage;
    const limit = limitFor(profile, s.intake.type);
    if (!limit?.maxWorkingDays) return '该类留言的办理时限不能延长';
    if (s.extension) return '办理时限只能延长一次';
    const total = s.clock.derived?.totalWorkingDays ?? limit.workingDays;
    if (p.toWorkingDays <= total) return `延长后的时限须多于现有的${total}个工作日`;
    if (p.toWorkingDays > limit.maxWorkingDays) return `该类留言的办理时限最长为${limit.maxWorkingDays}个工作日`;
    return null;
  }) as Check<{ toWorkingDays: number }>,

  reply: ((s) => stageIs(s, ['assigned'], '回复')) as Check<unknown>,

  close: ((s) => stageIs(s, ['replied'], '办结')) as Check<unknown>,
};

export type MessageActionName = keyof typeof messageChecks;
