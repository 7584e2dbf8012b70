/**
 * The rules of document release (domain.md §4) as pure functions: what a registration must
 * carry, which step is allowed when (null = allowed, else the reason in Chinese, used by the
 * workflow's update validators and again under its lock), the stage a document is in, what
 * a 主动公开 document still owes, and the dates of the recurring registers. Pure module.
 */
import { addDays, daysBetween, type IsoDate, isIsoDate, parseIsoDate } from '../calendar/dates';
import type { RuleProfile } from '../rulesets/schema';
import { isCatalogueCategory } from './catalogue';
import { type Attribute, ATTRIBUTES, type DocumentRegistration, type DocumentStage, type DocumentState, STAGES } from './types';

export interface CheckContext {
  profile: RuleProfile;
  today: IsoDate;
  /**
   * True while a history recorded before a rule was added to this step is replayed (the
   * workflow's `patched` said so): the step then takes the path it took then.
   */
  legacy?: boolean;
}

type Check<P> = (state: DocumentState, payload: P, ctx: CheckContext) => string | null;
type Acting = { actor: { username: string; role: string } };

const needsReasons = (attribute: Attribute) => attribute !== 'proactive';
const blank = (text: string | null | undefined) => !text || text.trim().length === 0;

/**
 * What is wrong with an attribute proposal, or null: 依申请 / 不予 need written reasons; a
 * forwarding document takes the forwarded one's attribute unless re-decided with reasons;
 * a 主动公开 document may not carry 依申请 / 不予 content (seed 000).
 */
export function attributeProblem(input: {
  attribute: Attribute | null;
  reasons: string | null | undefined;
  containsWithheldContent: boolean;
  inherited: null | { docId: string; attribute: Attribute };
}): string | null {
  if (input.attribute === null) return '未拟定公开属性（主动公开、依申请公开或不予公开）';
  if (!Object.hasOwn(ATTRIBUTES, input.attribute)) return `未知的公开属性：${String(input.attribute)}`;
  const inheritedAsIs = input.inherited !== null && input.inherited.attribute === input.attribute;
  // Inherited as it is, the forwarded document's own written reasons stand.
  if (needsReasons(input.attribute) && blank(input.reasons) && !inheritedAsIs) return `拟定为「${ATTRIBUTES[input.attribute]}」须写明理由`;
  if (input.inherited && input.inherited.attribute !== input.attribute && blank(input.reasons)) {
    return `转发文件应沿用被转发文件（${input.inherited.docId}）的公开属性「${ATTRIBUTES[input.inherited.attribute]}」，改定须写明理由`;
  }
  if (input.attribute === 'proactive' && input.containsWithheldContent) return '主动公开的公文不得含有依申请公开或不予公开的内容';
  return null;
}

/** Registration problems beyond the field formats the API checks. */
export function registrationProblem(reg: DocumentRegistration, inherited: DocumentState['inherited']): string | null {
  if (!isCatalogueCategory(reg.category)) return `未知的目录类别：${reg.category}`;
  if (new Set(reg.coIssuers).size !== reg.coIssuers.length) return '联合发文单位重复';
  // A registration without an attribute is accepted: the office returns it (the loop is recorded).
  if (reg.proposedAttribute === null) return null;
  return attributeProblem({
    attribute: reg.proposedAttribute,
    reasons: reg.attributeReasons,
    containsWithheldContent: reg.containsWithheldContent,
    inherited,
  });
}

function stageIs(state: DocumentState, allowed: readonly DocumentStage[], action: string): string | null {
  if (state.closed) return `公文已办结，不能${action}`;
  return allowed.includes(state.stage) ? null : `当前状态为「${STAGES[state.stage]}」，不能${action}`;
}

function dateProblem(date: IsoDate, today: IsoDate, notBefore: IsoDate | null, what: string): string | null {
  if (!isIsoDate(date)) return `${what}不是有效日期`;
  if (daysBetween(date, today) < 0) return `${what}（${date}）晚于今天`;
  if (notBefore && daysBetween(notBefore, date) < 0) return `${what}（${date}）早于${notBefore}`;
  return null;
}

const levelCleared = (state: DocumentState, level: DocumentState['secrecy']['firstLevel']) =>
  level !== null &&
  (level.conclusion === 'pass' ||
    (level.conclusion === 'cannot-determine' && state.secrecy.escalation?.answer?.conclusion === 'may-disclose'));

export function secrecyCleared(state: DocumentState): boolean {
  return levelCleared(state, state.secrecy.firstLevel) && levelCleared(state, state.secrecy.secondLevel);
}

/** Stages before the leader signs: a draft's public comment and a decision's pre-disclosure happen here. */
const BEFORE_SIGN_OFF: readonly DocumentStage[] = ['drafted', 'returned', 'secrecy-review', 'awaiting-co-issuers', 'awaiting-sign-off'];

/**
 * Seed 003 (黄岩) 行政规范性文件草案公开征求意见的规定: under a profile with
 * `publicCommentMinimum`, a 行政规范性文件 before signing is a draft that goes out for comment.
 */
export function needsPublicComment(state: DocumentState, profile: RuleProfile): boolean {
  return state.registration.normative && profile.documentRelease.publicCommentMinimum !== undefined;
}

/** Why the leader may not sign yet because of a public comment or a pre-disclosure, or null. */
export function consultationProblem(state: DocumentState, profile: RuleProfile): string | null {
  const pre = state.preDisclosure;
  // Seed 004 预公开制度 一: the decision is made after the opinions are heard.
  if (pre && !pre.ended) return `重大行政决策预公开尚未结束（自${pre.startedOn}起${pre.workingDays}个工作日），须听取意见后再作决定`;
  if (!needsPublicComment(state, profile) || state.publicCommentExemption) return null;
  const rule = profile.documentRelease.publicCommentMinimum!;
  const comment = state.publicComment;
  if (!comment) {
    return `行政规范性文件草案须先附起草说明公开征求意见，时间不少于${rule.workingDays}个工作日（${rule.citation.article}）；依法不得公开或应急性的事项，须登记不公开征求意见的说明`;
  }
  if (!comment.ended)
    return `公开征求意见尚未结束${comment.earliestEndOn ? `（最早于${comment.earliestEndOn}结束）` : ''}，须登记意见采纳情况后才能签发`;
  return null;
}

/** Channels the document has been published on: a change must be published on each of them. */
export function publishedCarriers(state: DocumentState): string[] {
  return [...new Set(state.publications.map((p) => p.channel))];
}

/** Co-issuers whose agreement on the current attribute is still missing. */
export function pendingCoIssuers(state: DocumentState): string[] {
  return state.registration.coIssuers.filter(
    (c) => !state.coIssuerAnswers.some((a) => a.coIssuer === c && a.agreed && a.attribute === state.proposedAttribute),
  );
}

/** The stage after the secrecy review and the co-issuers, before sign-off. */
export function preSignOffStage(state: DocumentState): DocumentStage {
  if (!secrecyCleared(state)) return 'secrecy-review';
  return pendingCoIssuers(state).length > 0 ? 'awaiting-co-issuers' : 'awaiting-sign-off';
}

/** Publication channels the profile sets clocks for (reading-room is the deposit duty). */
export function publicationChannels(profile: RuleProfile): string[] {
  return profile.documentRelease.publication.map((p) => p.channel);
}

/** Channels the public can see (the intranet is not one): publication there makes the document public. */
export const PUBLIC_CHANNELS: readonly string[] = ['portal', 'gazette'];

/** The date the document became public (first publication on a public channel), or null. */
export function madePublicOn(state: DocumentState): IsoDate | null {
  return (
    state.publications
      .filter((p) => PUBLIC_CHANNELS.includes(p.channel))
      .map((p) => p.publishedOn)
      .sort()[0] ?? null
  );
}

/** What a 主动公开 document still owes before it counts as released. */
export function outstandingDuties(state: DocumentState, profile: RuleProfile): string[] {
  const rules = profile.documentRelease;
  const owed: string[] = [];
  for (const channel of publicationChannels(profile)) {
    if (!state.publications.some((p) => p.channel === channel)) owed.push(`publication:${channel}`);
  }
  if (state.registration.normative && rules.interpretation && !state.interpretation) owed.push('interpretation');
  if (rules.readingRoomDeposit && !state.deposit) owed.push('reading-room');
  for (const change of state.changes ?? []) if (!change.completedOn) owed.push(`change:${change.no}`);
  return owed;
}

export const checks = {
  verify: ((s) => {
    const stage = stageIs(s, ['drafted'], '核定公开属性');
    if (stage) return stage;
    return attributeProblem({
      attribute: s.proposedAttribute,
      reasons: s.attributeReasons,
      containsWithheldContent: s.registration.containsWithheldContent,
      inherited: s.inherited,
    });
  }) as Check<unknown>,

  returnToDrafter: ((s, p) => {
    if (p.missing.length === 0) return '须写明退回原因（缺少公开属性、缺少理由或其他）';
    return stageIs(s, ['drafted'], '退回拟稿人');
  }) as Check<{ missing: string[] }>,

  resubmit: ((s, p) => {
    const stage = stageIs(s, ['returned'], '重新提交');
    if (stage) return stage;
    return attributeProblem({
      attribute: p.proposedAttribute,
      reasons: p.attributeReasons,
      containsWithheldContent: p.containsWithheldContent ?? s.registration.containsWithheldContent,
      inherited: s.inherited,
    });
  }) as Check<{ proposedAttribute: Attribute; attributeReasons?: string; containsWithheldContent?: boolean }>,

  reviewSecrecy: ((s, p, { legacy }) => {
    const stage = stageIs(s, ['secrecy-review'], '进行保密审查');
    if (stage) return stage;
    // Two levels, two people (domain.md §4; seed 003 二、三): the unit head (科室负责人, the
    // reviewer role) signs level 1, the leader in charge (分管领导) level 2.
    if (!legacy && p.level === 1 && p.actor.role !== 'reviewer') return '一级保密审查由科室负责人（审核人）签署';
    if (!legacy && p.level === 2 && p.actor.role === 'reviewer') return '审核人（科室负责人）不能签署二级保密审查，须由分管领导签署';
    if (!legacy && p.level === 2 && p.actor.role !== 'leader') return '二级保密审查由分管领导签署';
    if (!legacy && p.level === 2 && s.secrecy.firstLevel?.by === p.actor.username) {
      return `同一人不能签署两级保密审查：一级保密审查已由${p.actor.username}签署`;
    }
    if (p.conclusion === 'cannot-determine' && blank(p.authority)) return '无法确定时须写明报请的保密工作部门';
    if (s.secrecy.escalation && !s.secrecy.escalation.answer) return '保密审查已报请上级，等待答复';
    if (p.conclusion === 'cannot-determine' && s.secrecy.escalation) return '已报请保密工作部门确定，以其答复为准，不能再次报请';
    if (p.level === 1) return s.secrecy.firstLevel ? '一级保密审查已完成' : null;
    if (!s.secrecy.firstLevel) return '须先完成一级（单位负责人）保密审查';
    if (!levelCleared(s, s.secrecy.firstLevel)) return '一级保密审查尚未通过';
    return s.secrecy.secondLevel ? '二级保密审查已完成' : null;
  }) as Check<Acting & { level: 1 | 2; conclusion: string; authority?: string }>,

  answerSecrecyEscalation: ((s, p, { today }) => {
    if (s.closed) return '公文已办结';
    if (!s.secrecy.escalation) return '本公文没有报请保密审查';
    if (s.secrecy.escalation.answer) return '保密工作部门已答复';
    return dateProblem(p.answeredOn, today, s.secrecy.escalation.sentOn, '答复日期');
  }) as Check<{ answeredOn: IsoDate }>,

  extendSecrecyEscalation: ((s, p, { profile }) => {
    if (s.closed) return '公文已办结';
    const escalation = s.secrecy.escalation;
    if (!escalation || escalation.answer) return '没有待答复的保密审查请示';
    if (escalation.extendedBy > 0) return '保密审查答复期限只能延长一次';
    const max = profile.documentRelease.secrecyEscalation.extensionWorkingDays;
    return p.workingDays >= 1 && p.workingDays <= max ? null : `延长期限最长不得超过${max}个工作日`;
  }) as Check<{ workingDays: number }>,

  recordCoIssuer: ((s, p) => {
    const stage = stageIs(s, ['drafted', 'secrecy-review', 'awaiting-co-issuers', 'awaiting-sign-off'], '登记联合发文单位意见');
    if (stage) return stage;
    if (s.proposedAttribute === null) return '尚未拟定公开属性，联合发文单位无从表示意见';
    if (!s.registration.coIssuers.includes(p.coIssuer)) return `「${p.coIssuer}」不是本公文的联合发文单位`;
    if (!p.agreed && blank(p.notes)) return '不同意时须写明意见';
    return null;
  }) as Check<{ coIssuer: string; agreed: boolean; notes: string }>,

  signOff: ((s, p, { profile, legacy }) => {
    if (s.closed) return '公文已办结，不能签发';
    if (s.stage === 'awaiting-co-issuers') return `等待联合发文单位（${pendingCoIssuers(s).join('、')}）同意公开属性`;
    const stage = stageIs(s, ['awaiting-sign-off'], '签发');
    if (stage) return stage;
    if (!s.officeVerified) return '办公室尚未核定公开属性';
    const consultation = legacy ? null : consultationProblem(s, profile);
    if (consultation) return consultation;
    if (s.registration.coIssuers.length > 0 && p.finalAttribute !== s.proposedAttribute) {
      return '联合发文改定公开属性须重新征得联合发文单位同意，请退回拟稿人';
    }
    const reasons = p.reasons ?? (p.finalAttribute === s.proposedAttribute ? s.attributeReasons : null);
    return attributeProblem({
      attribute: p.finalAttribute,
      reasons,
      containsWithheldContent: s.registration.containsWithheldContent,
      inherited: s.inherited,
    });
  }) as Check<{ finalAttribute: Attribute; reasons?: string }>,

  recordPublication: ((s, p, { profile, today }) => {
    const stage = stageIs(s, ['releasing'], '登记公开发布');
    if (stage) return stage;
    if (!publicationChannels(profile).includes(p.channel)) return `本规则没有「${p.channel}」发布渠道`;
    if (s.publications.some((x) => x.channel === p.channel)) return '该渠道已登记发布';
    return dateProblem(p.publishedOn, today, s.signedOff?.on ?? null, '发布日期');
  }) as Check<{ channel: string; publishedOn: IsoDate }>,

  recordInterpretation: ((s, p, { profile, today }) => {
    const stage = stageIs(s, ['releasing'], '登记政策解读');
    if (stage) return stage;
    if (!s.registration.normative) return '非规范性文件无须政策解读';
    if (!profile.documentRelease.interpretation) return '本规则没有政策解读期限';
    if (s.interpretation) return '政策解读已登记';
    const first = madePublicOn(s);
    if (!first) return '文件在门户网站等公开渠道公开后才能登记政策解读';
    return dateProblem(p.publishedOn, today, first, '解读发布日期');
  }) as Check<{ publishedOn: IsoDate }>,

  recordDeposit: ((s, p, { profile, today }) => {
    const stage = stageIs(s, ['releasing'], '登记送交查阅场所');
    if (stage) return stage;
    if (!profile.documentRelease.readingRoomDeposit) return '本规则没有送交查阅场所的要求';
    if (s.deposit) return '已登记送交查阅场所';
    return dateProblem(p.depositedOn, today, s.signedOff?.on ?? null, '送交日期');
  }) as Check<{ depositedOn: IsoDate }>,

  convert: ((s, p) => {
    const stage = stageIs(s, ['withheld'], '转为主动公开');
    if (stage) return stage;
    return blank(p.reasons) ? '转为主动公开须写明理由' : null;
  }) as Check<{ reasons: string }>,

  // ---- seed 003 (黄岩): draft policies open for public comment --------------------------------
  openPublicComment: ((s, p, { profile, today }) => {
    const rule = profile.documentRelease.publicCommentMinimum;
    if (!rule) return '本规则没有行政规范性文件草案公开征求意见的规定';
    const stage = stageIs(s, BEFORE_SIGN_OFF, '登记公开征求意见');
    if (stage) return stage;
    if (!s.registration.normative) return '只有行政规范性文件草案须公开征求意见';
    if (s.publicComment) return '已登记公开征求意见';
    if (s.publicCommentExemption) return '已登记不公开征求意见的说明';
    if (s.proposedAttribute === 'not-disclosed') return '拟不予公开的草案不公开征求意见，应登记不公开征求意见的说明（第四条）';
    if (blank(p.draftingNote)) return '公布草案须附起草说明（第五条）';
    return dateProblem(p.startedOn, today, null, '征求意见开始日期');
  }) as Check<{ startedOn: IsoDate; draftingNote: string }>,

  closePublicComment: ((s, p, { today }) => {
    const stage = stageIs(s, BEFORE_SIGN_OFF, '登记征求意见结束');
    if (stage) return stage;
    const comment = s.publicComment;
    if (!comment) return '尚未登记公开征求意见';
    if (comment.ended) return '公开征求意见已结束';
    const date = dateProblem(p.endedOn, today, comment.startedOn, '征求意见结束日期');
    if (date) return date;
    // "不得少于N个工作日": the working days in (start, end] must number at least N, so the
    // period may end on the N-th working day after its start at the earliest.
    if (comment.earliestEndOn && daysBetween(p.endedOn, comment.earliestEndOn) > 0) {
      return `征求社会公众意见的时间不得少于${comment.minimumWorkingDays}个工作日：自${comment.startedOn}起算，最早于${comment.earliestEndOn}结束`;
    }
    if (blank(p.commentRecord)) return '须写明征集到的意见及采纳情况（第十一条、第十二条）';
    return null;
  }) as Check<{ endedOn: IsoDate; commentRecord: string }>,

  exemptPublicComment: ((s, p, { profile }) => {
    if (!profile.documentRelease.publicCommentMinimum) return '本规则没有行政规范性文件草案公开征求意见的规定';
    const stage = stageIs(s, BEFORE_SIGN_OFF, '登记不公开征求意见的说明');
    if (stage) return stage;
    if (!s.registration.normative) return '只有行政规范性文件草案须公开征求意见';
    if (s.publicComment) return '已登记公开征求意见';
    if (s.publicCommentExemption) return '已登记不公开征求意见的说明';
    return blank(p.explanation) ? '不公开征求意见须予以说明（第四条）' : null;
  }) as Check<{ explanation: string }>,

  // ---- seed 004 (毕节): pre-disclosure of major decisions ------------------------------------
  recordPreDisclosure: ((s, p, { profile, today }) => {
    const rule = profile.documentRelease.preDisclosureMaximum;
    if (!rule) return '本规则没有重大行政决策预公开的规定';
    const stage = stageIs(s, BEFORE_SIGN_OFF, '登记预公开');
    if (stage) return stage;
    if (s.preDisclosure) return '已登记预公开';
    // 六: 凡涉及个人隐私、商业秘密、国家秘密的，不允许预公开.
    if (s.proposedAttribute === 'not-disclosed' || s.registration.containsWithheldContent)
      return '涉及个人隐私、商业秘密、国家秘密的，不允许预公开';
    if (!Number.isInteger(p.workingDays) || p.workingDays < 1) return '预公开时间须为至少1个工作日';
    if (p.workingDays > rule.workingDays) {
      return `预公开时间自向社会发布之日起不得超过${rule.workingDays}个工作日（${rule.citation.article}），拟定的${p.workingDays}个工作日过长`;
    }
    if (blank(p.summary)) return '须写明预公开的方案和理由';
    return dateProblem(p.startedOn, today, null, '预公开发布日期');
  }) as Check<{ startedOn: IsoDate; workingDays: number; summary: string }>,

  endPreDisclosure: ((s, p, { today }) => {
    const stage = stageIs(s, BEFORE_SIGN_OFF, '登记预公开结束');
    if (stage) return stage;
    const pre = s.preDisclosure;
    if (!pre) return '尚未登记预公开';
    if (pre.ended) return '预公开已结束';
    if (blank(p.feedback)) return '须写明听取意见和建议的情况';
    return dateProblem(p.endedOn, today, pre.startedOn, '预公开结束日期');
  }) as Check<{ endedOn: IsoDate; feedback: string }>,

  // ---- changes to published information (条例第二十六条; seed 004 第十七条) -------------------
  recordChange: ((s, p, { profile, today }) => {
    if (!profile.documentRelease.changes) return '本规则没有已公开信息变更的更新期限';
    if (!['releasing', 'released', 'updating'].includes(s.stage)) return `当前状态为「${STAGES[s.stage]}」，公文尚未公开，不能登记变更`;
    const first = s.publications.map((x) => x.publishedOn).sort()[0];
    if (!first) return '公文尚未公开发布，不能登记已公开信息的变更';
    if (blank(p.summary)) return '须写明变更内容';
    return dateProblem(p.changedOn, today, first, '变更日期');
  }) as Check<{ changedOn: IsoDate; summary: string }>,

  publishChange: ((s, p, { today }) => {
    if (!['releasing', 'updating'].includes(s.stage)) return `当前状态为「${STAGES[s.stage]}」，没有待更新的变更`;
    const change = (s.changes ?? []).find((c) => c.no === p.changeNo);
    if (!change) return `没有第${p.changeNo}次变更`;
    if (change.completedOn) return `第${p.changeNo}次变更已在原发布载体更新`;
    if (!change.carriers.includes(p.channel))
      return `本公文未在「${p.channel}」发布；变更应在原发布载体（${change.carriers.join('、')}）上更新`;
    if (change.updates.some((u) => u.channel === p.channel)) return '该载体已登记更新';
    return dateProblem(p.publishedOn, today, change.changedOn, '更新发布日期');
  }) as Check<{ changeNo: number; channel: string; publishedOn: IsoDate }>,
};
export type DocumentAction = keyof typeof checks;

// ---- recurring duties ---------------------------------------------------------------------

/** The next due date on or after `today` among MM-DD dates (the half-yearly 不予公开 register). */
export function nextRegisterDue(today: IsoDate, monthDays: readonly string[]): IsoDate {
  if (monthDays.length === 0) throw new RangeError('no register due dates');
  const year = Number(today.slice(0, 4));
  const candidates = [year, year + 1]
    .flatMap((y) => monthDays.map((md) => `${y}-${md}`))
    .filter((d) => parseIsoDate(d) !== null && daysBetween(today, d) >= 0)
    .sort();
  return candidates[0]!;
}

/** The last day of the self-check month in `today`'s year (or the next year's once it has passed). */
export function selfCheckDue(today: IsoDate, month: number): IsoDate {
  let year = Number(today.slice(0, 4));
  const lastDay = (y: number) => addDays(`${month === 12 ? y + 1 : y}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-01`, -1);
  if (daysBetween(today, lastDay(year)) < 0) year += 1;
  return lastDay(year);
}
