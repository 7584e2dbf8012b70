/**
 * Which step is allowed when: one function per action, answering null (allowed) or the
 * reason it is refused, in Chinese for the clerk. The workflow runs these in its update
 * validators (so a refused step leaves no trace in history) and again once it holds its
 * lock, since another step may have landed in between. Pure module.
 */
import { daysBetween, type IsoDate, isIsoDate } from '../calendar/dates';
import { isOutcome, OUTCOMES, outcomeForSection36, SECTION_36_REPLIES, type Section36Reply } from '../outcomes';
import type { Role } from '../roles';
import type { RuleProfile } from '../rulesets/schema';
import { type ApplicationState, NOTICE_KINDS, type Stage, STAGES } from './types';

export interface CheckContext {
  profile: RuleProfile;
  today: IsoDate;
  /**
   * False for executions started before the rules of issue 15 (the workflow's
   * 'legal-rules-2026' patch): their recorded steps must replay exactly as they were accepted.
   */
  currentRules?: boolean;
}

type Check<P> = (state: ApplicationState, payload: P, ctx: CheckContext) => string | null;
type ActorPayload = { actor: { username: string; role: Role } };

const OPEN_SIDE_BRANCH_STAGES: readonly Stage[] = ['accepted', 'assigned', 'proposed', 'secrecy-review', 'decided'];

function stageIs(state: ApplicationState, allowed: readonly Stage[], action: string): string | null {
  if (state.closed) return `案件已办结，不能${action}`;
  return allowed.includes(state.stage) ? null : `当前状态为「${STAGES[state.stage]}」，不能${action}`;
}

/** A date the clerk records: real, not in the future, not before `notBefore`. */
export function dateProblem(date: IsoDate, today: IsoDate, notBefore: IsoDate | null, what: string): string | null {
  if (!isIsoDate(date)) return `${what}不是有效日期`;
  if (daysBetween(date, today) < 0) return `${what}（${date}）晚于今天`;
  if (notBefore && daysBetween(notBefore, date) < 0) return `${what}（${date}）早于${notBefore}`;
  return null;
}

const first = (...problems: Array<string | null>): string | null => problems.find((p) => p !== null) ?? null;

export function secrecyCleared(state: ApplicationState): boolean {
  const cleared = (level: ApplicationState['secrecy']['firstLevel']) =>
    level !== null &&
    (level.conclusion === 'pass' || (level.conclusion === 'cannot-determine' && state.secrecy.escalation?.answer != null));
  return cleared(state.secrecy.firstLevel) && cleared(state.secrecy.secondLevel);
}

export const checks = {
  confirmReceipt: ((s, p, { today }) =>
    first(stageIs(s, ['awaiting-receipt-confirmation'], '确认收到申请'), dateProblem(p.receivedOn, today, null, '收到日期'))) as Check<{
    receivedOn: IsoDate;
  }>,

  requestCorrection: ((s, p) => {
    if (s.correction) return '补正只能一次性告知（条例第三十条），本案已告知过补正';
    if (p.items.length === 0) return '须列明需要补正的事项';
    if (p.periodWorkingDays < 1 || p.periodWorkingDays > 60) return '补正期限须为1至60个工作日';
    return stageIs(s, ['registered'], '告知补正');
  }) as Check<{ items: string[]; periodWorkingDays: number }>,

  submitCorrection: ((s, p, { today }) =>
    first(
      stageIs(s, ['correction-requested'], '登记补正'),
      dateProblem(p.receivedOn, today, s.correction?.requestedOn ?? null, '补正收到日期'),
    )) as Check<{ receivedOn: IsoDate }>,

  accept: ((s) => stageIs(s, ['registered'], '受理')) as Check<unknown>,

  assign: ((s) => stageIs(s, ['accepted', 'assigned', 'proposed', 'secrecy-review'], '交办承办科室')) as Check<{ departmentCode: string }>,

  propose: ((s, p) => {
    if (!isOutcome(p.outcome)) return `未知的办理结果：${p.outcome}`;
    return stageIs(s, ['assigned'], '提出承办意见');
  }) as Check<{ outcome: string }>,

  reviewSecrecy: ((s, p, { currentRules }) => {
    const stage = stageIs(s, ['proposed', 'secrecy-review'], '进行保密审查');
    if (stage) return stage;
    if (p.conclusion === 'cannot-determine' && !p.authority) return '无法确定时须写明报请的保密工作部门';
    if (s.secrecy.escalation && !s.secrecy.escalation.answer) return '保密审查已报请上级，等待答复';
    // One question to the secrecy authority per review: its answer decides (as for documents).
    if (currentRules && p.conclusion === 'cannot-determine' && s.secrecy.escalation)
      return '已报请保密工作部门确定，以其答复为准，不能再次报请';
    if (currentRules) {
      // Level 1 is the unit head (科室负责人), level 2 the leader in charge (分管领导), two people.
      if (p.level === 1 && p.actor.role !== 'reviewer') return '一级保密审查由科室负责人（审核人）进行';
      if (p.level === 2 && p.actor.role !== 'leader') return '二级保密审查由分管领导进行';
      const other = p.level === 1 ? s.secrecy.secondLevel : s.secrecy.firstLevel;
      if (other && other.by === p.actor.username) return '同一人不能同时进行一级和二级保密审查';
    }
    if (p.level === 1) return s.secrecy.firstLevel ? '一级保密审查已完成' : null;
    if (!s.secrecy.firstLevel) return '须先完成一级（科室负责人）保密审查';
    const firstCleared = s.secrecy.firstLevel.conclusion === 'pass' || s.secrecy.escalation?.answer != null;
    if (!firstCleared) return '一级保密审查尚未通过';
    return s.secrecy.secondLevel ? '二级保密审查已完成' : null;
  }) as Check<{ level: 1 | 2; conclusion: string; authority?: string } & ActorPayload>,

  answerSecrecyEscalation: ((s, p, { today }) => {
    if (s.closed) return '案件已办结';
    if (!s.secrecy.escalation) return '本案没有报请保密审查';
    if (s.secrecy.escalation.answer) return '保密工作部门已答复';
    return dateProblem(p.answeredOn, today, s.secrecy.escalation.sentOn, '答复日期');
  }) as Check<{ answeredOn: IsoDate }>,

  extendSecrecyEscalation: ((s, p, { profile }) => {
    if (s.closed) return '案件已办结';
    const escalation = s.secrecy.escalation;
    if (!escalation || escalation.answer) return '没有待答复的保密审查请示';
    if (escalation.extendedBy > 0) return '保密审查答复期限只能延长一次';
    const max = profile.application.secrecyEscalation.extensionWorkingDays;
    return p.workingDays >= 1 && p.workingDays <= max ? null : `延长期限最长不得超过${max}个工作日`;
  }) as Check<{ workingDays: number }>,

  decide: ((s, p, { profile, currentRules }) => {
    const stage = stageIs(s, ['secrecy-review'], '拟定答复');
    if (stage) return s.stage === 'proposed' || s.stage === 'assigned' ? '保密审查完成前不能拟定答复' : stage;
    if (!secrecyCleared(s)) return '保密审查完成前不能拟定答复';
    if (!isOutcome(p.outcome)) return `未知的办理结果：${p.outcome}`;
    if (!OUTCOMES[p.outcome].replyLetter) return `「${OUTCOMES[p.outcome].label}」不以答复书办结`;
    if (s.consultations.some((c) => c.answer === null)) return '仍有征求意见未答复或未到期';
    if (s.suspension) return '案件中止中，恢复后才能答复';
    if (s.fee && !s.fee.paidOn && !s.fee.waived) return '收费通知尚未缴费';
    if (!currentRules) return null;
    return first(
      s.secrecy.escalation?.answer?.conclusion === 'secret' && p.outcome === 'disclosed'
        ? `保密工作部门已确定属于国家秘密（${s.secrecy.escalation.answer.on}），不能予以公开`
        : null,
      section36Problem(p.section36, p.outcome, profile),
      thirdPartyObjectionProblem(s, p.outcome, profile),
      excessiveProblem(s, p.outcome),
    );
  }) as Check<{ outcome: string; section36?: string }>,

  signOff: ((s) => stageIs(s, ['decided'], '签发')) as Check<unknown>,

  deliver: ((s, p, { today }) =>
    first(stageIs(s, ['signed'], '送达'), dateProblem(p.deliveredOn, today, s.decision?.decidedOn ?? null, '送达日期'))) as Check<{
    deliveredOn: IsoDate;
  }>,

  close: ((s) => stageIs(s, ['delivered'], '归档办结')) as Check<unknown>,

  startConsultation: ((s, p, { today }) =>
    first(stageIs(s, OPEN_SIDE_BRANCH_STAGES, '征求意见'), dateProblem(p.sentOn, today, s.receivedOn, '发函日期'))) as Check<{
    sentOn: IsoDate;
  }>,

  recordConsultationAnswer: ((s, p, { today, currentRules }) => {
    if (s.closed) return '案件已办结';
    const consultation = s.consultations.find((c) => c.id === p.consultationId);
    if (!consultation) return `没有编号为 ${p.consultationId} 的征求意见`;
    const answer = consultation.answer;
    if (answer) {
      // Paper arrives late and is entered late: an answer received inside the period corrects
      // the automatic expiry (once), an answer received after it does not.
      const expired = answer.result === 'no-answer' || answer.result === 'deemed-consent';
      if (!currentRules || !expired || answer.correctsExpiry || answer.summary !== undefined) return '该征求意见已有答复或已到期';
      const problem = dateProblem(p.receivedOn, today, consultation.sentOn, '收到意见日期');
      if (problem) return problem;
      if (daysBetween(p.receivedOn, answer.receivedOn) < 0) return `该征求意见已于${answer.receivedOn}到期，此后收到的意见不改变到期结果`;
      return null;
    }
    return dateProblem(p.receivedOn, today, consultation.sentOn, '收到意见日期');
  }) as Check<{ consultationId: string; receivedOn: IsoDate }>,

  suspend: ((s, p, { today }) => {
    if (s.suspension) return '案件已中止';
    return first(stageIs(s, OPEN_SIDE_BRANCH_STAGES, '中止办理'), dateProblem(p.on, today, s.receivedOn, '中止日期'));
  }) as Check<{ on: IsoDate }>,

  resume: ((s, p, { today }) => {
    if (s.closed) return '案件已办结';
    if (!s.suspension) return '案件未中止';
    return dateProblem(p.on, today, s.suspension.since, '恢复日期');
  }) as Check<{ on: IsoDate }>,

  issueFeeNotice: ((s, p, { today, currentRules }) => {
    if (s.fee) return '本案已发出收费通知';
    if (s.intake.feeWaiverRequested) {
      if (!currentRules) return '申请人申请减免费用，请先作出减免决定（本案不收费）';
      if (!s.feeWaiver) return '申请人申请减免费用，须先由领导作出减免决定';
      if (s.feeWaiver.approved) return `已于${s.feeWaiver.decidedOn}批准减免，不收取信息处理费`;
    }
    if (p.basis === 'by-pages' && (p.pages === undefined || p.pages < 0)) return '按量计收须填写页数';
    return first(stageIs(s, OPEN_SIDE_BRANCH_STAGES, '发出收费通知'), dateProblem(p.noticeOn, today, s.receivedOn, '通知日期'));
  }) as Check<{ basis: string; pages?: number; noticeOn: IsoDate }>,

  recordFeePayment: ((s, p, { today }) => {
    if (s.closed) return '案件已办结';
    if (!s.fee) return '本案没有收费通知';
    if (s.fee.paidOn) return '费用已缴纳';
    return dateProblem(p.paidOn, today, s.fee.noticeOn, '缴费日期');
  }) as Check<{ paidOn: IsoDate }>,

  requestExtension: ((s, p, { profile }) => {
    const stage = stageIs(s, ['registered', 'accepted', 'assigned', 'proposed', 'secrecy-review', 'decided', 'signed'], '申请延期');
    if (stage) return stage;
    if (s.extension?.approvedOn) return '答复期限只能延长一次（条例第三十三条）';
    if (s.extension) return '已有待批准的延期申请';
    return extensionLimitProblem(p.workingDays, profile);
  }) as Check<{ workingDays: number }>,

  approveExtension: ((s, _p, { profile }) => {
    if (s.closed) return '案件已办结';
    if (!s.extension) return '没有待批准的延期申请';
    if (s.extension.approvedOn) return '延期已经批准，不能重复批准';
    return extensionLimitProblem(s.extension.workingDays, profile);
  }) as Check<unknown>,

  withdraw: ((s, p, { today }) =>
    first(
      stageIs(
        s,
        [
          'awaiting-receipt-confirmation',
          'registered',
          'correction-requested',
          'accepted',
          'assigned',
          'proposed',
          'secrecy-review',
          'decided',
          'signed',
        ],
        '登记撤回',
      ),
      dateProblem(p.on, today, null, '撤回日期'),
    )) as Check<{ on: IsoDate }>,

  decideFeeWaiver: ((s, p) => {
    if (s.closed) return '案件已办结';
    if (!s.intake.feeWaiverRequested) return '申请人没有申请减免费用';
    if (s.feeWaiver) return `已于${s.feeWaiver.decidedOn}作出减免决定`;
    if (s.fee) return '已发出收费通知';
    if (p.actor.role !== 'leader') return '减免决定由领导作出';
    return null;
  }) as Check<ActorPayload>,

  recordNoticeDelivery: ((s, p, { today }) => {
    const notice = s.notices.find((n) => n.docNo === p.docNo);
    if (!notice) return `本案没有文号为 ${p.docNo} 的文书`;
    if (notice.delivery) return `该文书已于${notice.delivery.deliveredOn}送达`;
    if (notice.kind === 'reply') return '答复书的送达请登记“送达答复”';
    if (p.method === 'post' && !p.trackingNo) return '邮寄送达须填写邮件号码';
    return dateProblem(p.deliveredOn, today, notice.issuedOn, '送达日期');
  }) as Check<{ docNo: string; method: string; deliveredOn: IsoDate; trackingNo?: string }>,

  requestReasons: ((s) => {
    if (s.excessive) return `已于${s.excessive.reasonsRequestedOn}要求申请人说明理由`;
    return stageIs(s, ['registered', ...OPEN_SIDE_BRANCH_STAGES], '要求说明理由');
  }) as Check<unknown>,

  ruleExcessiveRequest: ((s, p, { today }) => {
    if (s.closed) return '案件已办结';
    if (!s.excessive) return '须先要求申请人说明理由（条例第三十五条）';
    if (s.excessive.ruling) return '已对申请理由作出认定';
    if (!p.reasonable && p.laterWorkingDays !== undefined) return '认定理由不合理的，不予处理，不设延迟答复期限';
    if (p.reasonsReceivedOn) return dateProblem(p.reasonsReceivedOn, today, s.excessive.reasonsRequestedOn, '收到理由日期');
    return null;
  }) as Check<{ reasonable: boolean; laterWorkingDays?: number; reasonsReceivedOn?: IsoDate }>,
};

/** 条例§36: a reply under (一) or (五) is counted under one row of table 3, per profile. */
function section36Problem(section36: string | undefined, outcome: string, profile: RuleProfile): string | null {
  if (section36 === undefined) return null;
  if (!Object.hasOwn(SECTION_36_REPLIES, section36)) return `未知的第三十六条答复：${section36}`;
  const expected = outcomeForSection36(section36 as Section36Reply, profile.application.section36Counting);
  return outcome === expected
    ? null
    : `按本机关的统计口径，第三十六条“${section36 === 'already-public' ? '已主动公开' : '不属于本机关公开'}”的答复计入「${OUTCOMES[expected].label}」，办理结果应为 ${expected}`;
}

/** 桦甸 (seed 001 第六条): an objecting third party bars disclosure of its information. */
function thirdPartyObjectionProblem(s: ApplicationState, outcome: string, profile: RuleProfile): string | null {
  const rule = profile.application.thirdPartyConsultation;
  if (rule.objection !== 'bars-disclosure' || outcome !== 'disclosed') return null;
  const objecting = s.consultations.find((c) => c.kind === 'third-party' && c.answer?.result === 'object');
  return objecting
    ? `第三方（${objecting.party}）不同意公开，不得公开（${rule.citation.source}${rule.citation.article}）；可区分处理后部分公开`
    : null;
}

/** 条例§35: a request ruled unreasonable ends as 无正当理由大量反复申请, and only such a request does. */
function excessiveProblem(s: ApplicationState, outcome: string): string | null {
  const ruling = s.excessive?.ruling;
  if (ruling && !ruling.reasonable && outcome !== 'not-handled.excessive')
    return '申请理由已认定为不合理，应不予处理（无正当理由大量反复申请）';
  if (outcome === 'not-handled.excessive' && !(ruling && !ruling.reasonable))
    return '须先要求申请人说明理由并认定理由不合理（条例第三十五条）';
  return null;
}

/** Notices whose delivery has not been recorded, for the case page. */
export function undeliveredNotices(s: ApplicationState): Array<{ docNo: string; title: string; issuedOn: IsoDate }> {
  return (s.notices ?? [])
    .filter((n) => n.delivery === null && n.kind !== 'reply')
    .map((n) => ({ docNo: n.docNo, title: NOTICE_KINDS[n.kind], issuedOn: n.issuedOn }));
}

export function extensionLimitProblem(workingDays: number, profile: RuleProfile): string | null {
  const { extension, reply } = profile.application;
  if (!Number.isInteger(workingDays) || workingDays < 1) return '延长期限须为正整数个工作日';
  if (workingDays > extension.workingDays) return `延长的期限最长不得超过${extension.workingDays}个工作日`;
  if (extension.maxTotalWorkingDays !== undefined && reply.workingDays + workingDays > extension.maxTotalWorkingDays) {
    return `答复期限合计不得超过${extension.maxTotalWorkingDays}个工作日`;
  }
  return null;
}

export type ActionName = keyof typeof checks;
