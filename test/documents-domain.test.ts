/**
 * Pure rules of document release: the attribute rules of domain.md §4, the step checks the
 * workflow's validators run, the stage before sign-off, what a released document still owes
 * per profile, the 索引号 format, and the dates of the recurring registers.
 */
import { DEMO_DEPARTMENTS } from '../db/repositories/users';
import { CATALOGUE_CATEGORIES, formatIndexNo, indexSeries, parseIndexNo } from '../domain/documents/catalogue';
import {
  attributeProblem,
  checks,
  madePublicOn,
  nextRegisterDue,
  outstandingDuties,
  pendingCoIssuers,
  preSignOffStage,
  registrationProblem,
  selfCheckDue,
} from '../domain/documents/rules';
import type { DocumentRegistration, DocumentState } from '../domain/documents/types';
import { findRuleProfile } from '../domain/rulesets';

const profile = (id: string) => findRuleProfile(id)!;
const TODAY = '2026-11-20';

function registration(overrides: Partial<DocumentRegistration> = {}): DocumentRegistration {
  return {
    title: '关于做好防汛工作的通知',
    docNumber: '示应急发〔2026〕1号',
    kind: '通知',
    normative: false,
    issuingDepartment: 'yjglk',
    coIssuers: [],
    proposedAttribute: 'proactive',
    containsWithheldContent: false,
    category: '02',
    description: 'x',
    keywords: ['防汛'],
    timeLimit: 'long-term',
    ...overrides,
  };
}

function state(overrides: Partial<DocumentState> = {}): DocumentState {
  const reg = overrides.registration ?? registration();
  return {
    docId: '2026-000001',
    ruleProfile: { id: 'national-2019', version: '2026.1' },
    stage: 'drafted',
    closed: false,
    registration: reg,
    inherited: null,
    proposedAttribute: reg.proposedAttribute,
    attributeReasons: reg.attributeReasons ?? null,
    officeVerified: null,
    returns: [],
    secrecy: { firstLevel: null, secondLevel: null, escalation: null },
    coIssuerAnswers: [],
    finalAttribute: null,
    signedOff: null,
    conversion: null,
    publications: [],
    interpretation: null,
    deposit: null,
    indexNo: null,
    publicComment: null,
    publicCommentExemption: null,
    preDisclosure: null,
    changes: [],
    clocks: [],
    seq: 1,
    ...overrides,
  };
}

const passed = { conclusion: 'pass' as const, by: 'x', on: TODAY, basis: 'b', notes: 'n', participants: [] };
/** The unit head (科室负责人, reviewer role) and the leader in charge (分管领导). */
const unitHead = { username: 'reviewer', role: 'reviewer' };
const leader = { username: 'leader', role: 'leader' };
const ctx = (id = 'national-2019') => ({ profile: profile(id), today: TODAY });

describe('attribute rules (domain.md §4)', () => {
  it('依申请公开 and 不予公开 need written reasons; 主动公开 does not', () => {
    expect(attributeProblem({ attribute: 'on-request', reasons: '  ', containsWithheldContent: false, inherited: null })).toBe(
      '拟定为「依申请公开」须写明理由',
    );
    expect(attributeProblem({ attribute: 'not-disclosed', reasons: null, containsWithheldContent: false, inherited: null })).toBe(
      '拟定为「不予公开」须写明理由',
    );
    expect(
      attributeProblem({ attribute: 'not-disclosed', reasons: '过程性信息', containsWithheldContent: false, inherited: null }),
    ).toBeNull();
    expect(attributeProblem({ attribute: 'proactive', reasons: null, containsWithheldContent: false, inherited: null })).toBeNull();
  });

  it('a document without an attribute is refused at verification but may be registered (the office returns it)', () => {
    expect(attributeProblem({ attribute: null, reasons: null, containsWithheldContent: false, inherited: null })).toContain(
      '未拟定公开属性',
    );
    expect(registrationProblem(registration({ proposedAttribute: null }), null)).toBeNull();
    expect(checks.verify(state({ registration: registration({ proposedAttribute: null }) }), {}, ctx())).toContain('未拟定公开属性');
  });

  it('a forwarding document inherits the forwarded attribute; departing from it needs reasons', () => {
    const inherited = { docId: '2026-000009', attribute: 'on-request' as const };
    expect(attributeProblem({ attribute: 'on-request', reasons: null, containsWithheldContent: false, inherited })).toBeNull();
    expect(attributeProblem({ attribute: 'proactive', reasons: null, containsWithheldContent: false, inherited })).toContain(
      '转发文件应沿用被转发文件（2026-000009）的公开属性「依申请公开」',
    );
    expect(attributeProblem({ attribute: 'proactive', reasons: '所涉企业已同意', containsWithheldContent: false, inherited })).toBeNull();
  });

  it('a 主动公开 document may not carry 依申请 / 不予 content (seed 000)', () => {
    expect(attributeProblem({ attribute: 'proactive', reasons: null, containsWithheldContent: true, inherited: null })).toBe(
      '主动公开的公文不得含有依申请公开或不予公开的内容',
    );
    expect(registrationProblem(registration({ coIssuers: ['财政局', '财政局'] }), null)).toBe('联合发文单位重复');
    expect(registrationProblem(registration({ category: '10' }), null)).toContain('目录类别');
  });
});

describe('step checks', () => {
  it('the office may return only a drafted document, with a reason', () => {
    expect(checks.returnToDrafter(state(), { missing: [] }, ctx())).toContain('须写明退回原因');
    expect(checks.returnToDrafter(state({ stage: 'secrecy-review' }), { missing: ['reasons'] }, ctx())).toContain('不能退回拟稿人');
    expect(checks.resubmit(state({ stage: 'drafted' }), { proposedAttribute: 'proactive' }, ctx())).toContain('不能重新提交');
  });

  it('secrecy review: unit head first, leader second; undetermined waits for the authority', () => {
    const s = state({ stage: 'secrecy-review' });
    expect(checks.reviewSecrecy(s, { actor: leader, level: 2, conclusion: 'pass' }, ctx())).toBe('须先完成一级（单位负责人）保密审查');
    expect(checks.reviewSecrecy(s, { actor: unitHead, level: 1, conclusion: 'cannot-determine' }, ctx())).toBe(
      '无法确定时须写明报请的保密工作部门',
    );
    const escalated = state({
      stage: 'secrecy-review',
      secrecy: {
        firstLevel: { ...passed, conclusion: 'cannot-determine' },
        secondLevel: null,
        escalation: { authority: '保密局', sentOn: TODAY, extendedBy: 0, answer: null },
      },
    });
    expect(checks.reviewSecrecy(escalated, { actor: leader, level: 2, conclusion: 'pass' }, ctx())).toBe('保密审查已报请上级，等待答复');
    expect(checks.extendSecrecyEscalation(escalated, { workingDays: 8 }, ctx())).toBe('延长期限最长不得超过7个工作日');
    expect(checks.extendSecrecyEscalation(escalated, { workingDays: 7 }, ctx())).toBeNull();
    expect(checks.answerSecrecyEscalation(escalated, { answeredOn: '2026-11-30' }, ctx())).toContain('晚于今天');
    const answered = {
      ...escalated,
      secrecy: {
        ...escalated.secrecy,
        escalation: { ...escalated.secrecy.escalation!, answer: { conclusion: 'may-disclose' as const, on: TODAY, notes: '' } },
      },
    };
    expect(checks.reviewSecrecy(answered, { actor: leader, level: 2, conclusion: 'pass' }, ctx())).toBeNull();
    expect(
      checks.reviewSecrecy(answered, { actor: leader, level: 2, conclusion: 'cannot-determine', authority: '保密局' }, ctx()),
    ).toContain('不能再次报请');
  });

  it('secrecy review levels (item 13): the unit head signs level 1, the leader in charge level 2, never one person both', () => {
    const fresh = state({ stage: 'secrecy-review' });
    expect(checks.reviewSecrecy(fresh, { actor: leader, level: 1, conclusion: 'pass' }, ctx())).toBe(
      '一级保密审查由科室负责人（审核人）签署',
    );
    expect(checks.reviewSecrecy(fresh, { actor: { username: 'clerk', role: 'clerk' }, level: 1, conclusion: 'pass' }, ctx())).toBe(
      '一级保密审查由科室负责人（审核人）签署',
    );
    expect(checks.reviewSecrecy(fresh, { actor: unitHead, level: 1, conclusion: 'pass' }, ctx())).toBeNull();
    const first = state({
      stage: 'secrecy-review',
      secrecy: { firstLevel: { ...passed, by: 'wang' }, secondLevel: null, escalation: null },
    });
    expect(checks.reviewSecrecy(first, { actor: unitHead, level: 2, conclusion: 'pass' }, ctx())).toBe(
      '审核人（科室负责人）不能签署二级保密审查，须由分管领导签署',
    );
    expect(checks.reviewSecrecy(first, { actor: { username: 'sup', role: 'supervisor' }, level: 2, conclusion: 'pass' }, ctx())).toBe(
      '二级保密审查由分管领导签署',
    );
    // Level 1 signed by wang, whose role has since become leader: still one person.
    expect(checks.reviewSecrecy(first, { actor: { username: 'wang', role: 'leader' }, level: 2, conclusion: 'pass' }, ctx())).toBe(
      '同一人不能签署两级保密审查：一级保密审查已由wang签署',
    );
    expect(checks.reviewSecrecy(first, { actor: leader, level: 2, conclusion: 'pass' }, ctx())).toBeNull();
    // A history from before these rules replays as it ran.
    expect(
      checks.reviewSecrecy(
        first,
        { actor: { username: 'wang', role: 'leader' }, level: 2, conclusion: 'pass' },
        { ...ctx(), legacy: true },
      ),
    ).toBeNull();
  });

  it('a joint document waits for every co-issuer’s agreement on the current attribute', () => {
    const s = state({
      stage: 'awaiting-sign-off',
      registration: registration({ coIssuers: ['财政局', '教育局'] }),
      secrecy: { firstLevel: passed, secondLevel: passed, escalation: null },
      officeVerified: { by: 'clerk', on: TODAY },
      coIssuerAnswers: [{ coIssuer: '财政局', agreed: true, attribute: 'proactive', notes: '', on: TODAY }],
    });
    expect(pendingCoIssuers(s)).toEqual(['教育局']);
    expect(preSignOffStage(s)).toBe('awaiting-co-issuers');
    expect(checks.signOff({ ...s, stage: 'awaiting-co-issuers' }, { finalAttribute: 'proactive' }, ctx())).toBe(
      '等待联合发文单位（教育局）同意公开属性',
    );
    const agreed = {
      ...s,
      coIssuerAnswers: [...s.coIssuerAnswers, { coIssuer: '教育局', agreed: true, attribute: 'proactive' as const, notes: '', on: TODAY }],
    };
    expect(preSignOffStage(agreed)).toBe('awaiting-sign-off');
    expect(checks.signOff(agreed, { finalAttribute: 'proactive' }, ctx())).toBeNull();
    expect(checks.signOff(agreed, { finalAttribute: 'not-disclosed', reasons: '涉及第三方' }, ctx())).toContain('重新征得联合发文单位同意');
    expect(checks.recordCoIssuer(agreed, { coIssuer: '卫健委', agreed: true, notes: '' }, ctx())).toContain('不是本公文的联合发文单位');
    expect(checks.recordCoIssuer(agreed, { coIssuer: '教育局', agreed: false, notes: '' }, ctx())).toBe('不同意时须写明意见');
  });

  it('the signing leader fixes the final attribute; a change to 不予公开 needs reasons', () => {
    const s = state({
      stage: 'awaiting-sign-off',
      secrecy: { firstLevel: passed, secondLevel: passed, escalation: null },
      officeVerified: { by: 'clerk', on: TODAY },
    });
    expect(checks.signOff(s, { finalAttribute: 'not-disclosed' }, ctx())).toBe('拟定为「不予公开」须写明理由');
    expect(checks.signOff(s, { finalAttribute: 'not-disclosed', reasons: '属于国家秘密' }, ctx())).toBeNull();
  });

  it('publication on a channel the profile has, once; interpretation only after public release of a normative document', () => {
    const s = state({
      stage: 'releasing',
      registration: registration({ normative: true }),
      signedOff: { by: 'leader', on: '2026-11-18', reasons: null },
    });
    expect(checks.recordPublication(s, { channel: 'intranet', publishedOn: TODAY }, ctx('national-2019'))).toBe(
      '本规则没有「intranet」发布渠道',
    );
    expect(checks.recordPublication(s, { channel: 'intranet', publishedOn: TODAY }, ctx('huangyan-003'))).toBeNull();
    expect(checks.recordPublication(s, { channel: 'portal', publishedOn: '2026-11-17' }, ctx())).toContain('早于2026-11-18');
    const onIntranet = { ...s, publications: [{ channel: 'intranet', url: 'http://oa/1', publishedOn: TODAY, publishedAt: '' }] };
    expect(madePublicOn(onIntranet)).toBeNull();
    expect(checks.recordInterpretation(onIntranet, { publishedOn: TODAY }, ctx('huangyan-003'))).toContain('公开后才能登记政策解读');
    const onPortal = {
      ...onIntranet,
      publications: [...onIntranet.publications, { channel: 'portal', url: 'https://x/1', publishedOn: TODAY, publishedAt: '' }],
    };
    expect(checks.recordInterpretation(onPortal, { publishedOn: TODAY }, ctx('huangyan-003'))).toBeNull();
    expect(checks.recordInterpretation(onPortal, { publishedOn: TODAY }, ctx('national-2019'))).toBe('本规则没有政策解读期限');
    expect(checks.recordDeposit(onPortal, { depositedOn: TODAY }, ctx('huangyan-003'))).toBe('本规则没有送交查阅场所的要求');
  });

  it('only a withheld document converts, with reasons', () => {
    expect(checks.convert(state({ stage: 'withheld', finalAttribute: 'on-request' }), { reasons: '已可公开' }, ctx())).toBeNull();
    expect(checks.convert(state({ stage: 'withheld' }), { reasons: ' ' }, ctx())).toBe('转为主动公开须写明理由');
    expect(checks.convert(state({ stage: 'releasing' }), { reasons: 'x' }, ctx())).toContain('不能转为主动公开');
  });
});

describe('draft policies open for public comment (seed 003 黄岩: ≥ 7 WD, 起草说明, 意见采纳情况)', () => {
  const verified = { secrecy: { firstLevel: passed, secondLevel: passed, escalation: null }, officeVerified: { by: 'clerk', on: TODAY } };
  const draft = state({ stage: 'awaiting-sign-off', registration: registration({ normative: true }), ...verified });
  const opened = {
    startedOn: '2026-09-28',
    channel: '区政府门户网站',
    url: null,
    draftingNote: '制定的必要性……',
    minimumWorkingDays: 7,
    derivation: [],
    ended: null,
  };

  it('a 黄岩 normative document is signed only after its comment period ended, or with the 第四条 explanation', () => {
    expect(checks.signOff(draft, { finalAttribute: 'proactive' }, ctx('huangyan-003'))).toBe(
      '行政规范性文件草案须先附起草说明公开征求意见，时间不少于7个工作日（第五条）；依法不得公开或应急性的事项，须登记不公开征求意见的说明',
    );
    const open = { ...draft, publicComment: { ...opened, earliestEndOn: '2026-10-13' } };
    expect(checks.signOff(open, { finalAttribute: 'proactive' }, ctx('huangyan-003'))).toBe(
      '公开征求意见尚未结束（最早于2026-10-13结束），须登记意见采纳情况后才能签发',
    );
    const ended = {
      ...open,
      publicComment: {
        ...open.publicComment,
        ended: { endedOn: '2026-10-13', commentsReceived: 3, commentRecord: '采纳2条', by: 'department' },
      },
    };
    expect(checks.signOff(ended, { finalAttribute: 'proactive' }, ctx('huangyan-003'))).toBeNull();
    const exempted = {
      ...draft,
      publicCommentExemption: { reason: 'emergency' as const, explanation: '防汛应急', by: 'department', on: TODAY },
    };
    expect(checks.signOff(exempted, { finalAttribute: 'proactive' }, ctx('huangyan-003'))).toBeNull();
    // Not normative, or a profile without the rule: no comment period owed.
    expect(checks.signOff({ ...draft, registration: registration() }, { finalAttribute: 'proactive' }, ctx('huangyan-003'))).toBeNull();
    expect(checks.signOff(draft, { finalAttribute: 'proactive' }, ctx('bijie-004'))).toBeNull();
    // A history from before the rule replays its sign-off as it ran.
    expect(checks.signOff(draft, { finalAttribute: 'proactive' }, { ...ctx('huangyan-003'), legacy: true })).toBeNull();
  });

  it('ending the comment period before its 7th working day is refused, naming the earliest date', () => {
    // 2026-09-28 (Mon) + 7 WD: 09-29, 09-30, [10-01..07 National Day], 10-08, 10-09, 10-10 (Sat, make-up day), 10-12, 10-13.
    const open = { ...draft, publicComment: { ...opened, earliestEndOn: '2026-10-13' } };
    expect(checks.closePublicComment(open, { endedOn: '2026-10-12', commentRecord: '无' }, ctx('huangyan-003'))).toBe(
      '征求社会公众意见的时间不得少于7个工作日：自2026-09-28起算，最早于2026-10-13结束',
    );
    expect(checks.closePublicComment(open, { endedOn: '2026-10-13', commentRecord: ' ' }, ctx('huangyan-003'))).toBe(
      '须写明征集到的意见及采纳情况（第十一条、第十二条）',
    );
    expect(checks.closePublicComment(open, { endedOn: '2026-10-13', commentRecord: '收到3条，采纳2条' }, ctx('huangyan-003'))).toBeNull();
    expect(checks.closePublicComment(open, { endedOn: '2026-11-21', commentRecord: 'x' }, ctx('huangyan-003'))).toContain('晚于今天');
    expect(checks.closePublicComment(draft, { endedOn: '2026-10-13', commentRecord: 'x' }, ctx('huangyan-003'))).toBe(
      '尚未登记公开征求意见',
    );
  });

  it('opening: only 黄岩-like profiles, only normative drafts, with the 起草说明, once', () => {
    const p = { startedOn: '2026-09-28', draftingNote: '起草说明' };
    expect(checks.openPublicComment(draft, p, ctx('huangyan-003'))).toBeNull();
    expect(checks.openPublicComment(draft, p, ctx('bijie-004'))).toBe('本规则没有行政规范性文件草案公开征求意见的规定');
    expect(checks.openPublicComment({ ...draft, registration: registration() }, p, ctx('huangyan-003'))).toBe(
      '只有行政规范性文件草案须公开征求意见',
    );
    expect(checks.openPublicComment(draft, { ...p, draftingNote: ' ' }, ctx('huangyan-003'))).toBe('公布草案须附起草说明（第五条）');
    expect(checks.openPublicComment({ ...draft, publicComment: { ...opened, earliestEndOn: '2026-10-13' } }, p, ctx('huangyan-003'))).toBe(
      '已登记公开征求意见',
    );
    expect(checks.openPublicComment({ ...draft, stage: 'releasing' }, p, ctx('huangyan-003'))).toContain('不能登记公开征求意见');
    expect(checks.exemptPublicComment(draft, { explanation: ' ' }, ctx('huangyan-003'))).toBe('不公开征求意见须予以说明（第四条）');
    expect(checks.exemptPublicComment(draft, { explanation: '防汛应急' }, ctx('huangyan-003'))).toBeNull();
  });
});

describe('pre-disclosure of major decisions (seed 004 毕节: at most 7 WD)', () => {
  const draft = state({ stage: 'secrecy-review' });
  const p = { startedOn: '2026-09-28', workingDays: 7, summary: '拟定方案及理由' };

  it('refuses a period longer than the profile allows, and profiles without the rule', () => {
    expect(checks.recordPreDisclosure(draft, p, ctx('bijie-004'))).toBeNull();
    expect(checks.recordPreDisclosure(draft, { ...p, workingDays: 8 }, ctx('bijie-004'))).toBe(
      '预公开时间自向社会发布之日起不得超过7个工作日（五），拟定的8个工作日过长',
    );
    expect(checks.recordPreDisclosure(draft, p, ctx('huangyan-003'))).toBe('本规则没有重大行政决策预公开的规定');
    expect(checks.recordPreDisclosure(draft, { ...p, startedOn: '2026-11-21' }, ctx('bijie-004'))).toContain('晚于今天');
    expect(
      checks.recordPreDisclosure(
        state({ stage: 'secrecy-review', registration: registration({ containsWithheldContent: true }) }),
        p,
        ctx('bijie-004'),
      ),
    ).toBe('涉及个人隐私、商业秘密、国家秘密的，不允许预公开');
    expect(checks.recordPreDisclosure(state({ stage: 'releasing' }), p, ctx('bijie-004'))).toContain('不能登记预公开');
  });

  it('the leader signs only once the pre-disclosure has ended', () => {
    const ready = state({
      stage: 'awaiting-sign-off',
      secrecy: { firstLevel: passed, secondLevel: passed, escalation: null },
      officeVerified: { by: 'clerk', on: TODAY },
    });
    const running = { ...ready, preDisclosure: { ...p, channel: '门户网站', url: null, ended: null } };
    expect(checks.signOff(running, { finalAttribute: 'proactive' }, ctx('bijie-004'))).toBe(
      '重大行政决策预公开尚未结束（自2026-09-28起7个工作日），须听取意见后再作决定',
    );
    expect(checks.endPreDisclosure(running, { endedOn: '2026-09-27', feedback: '无意见' }, ctx('bijie-004'))).toContain('早于2026-09-28');
    expect(checks.endPreDisclosure(running, { endedOn: '2026-10-13', feedback: ' ' }, ctx('bijie-004'))).toBe('须写明听取意见和建议的情况');
    expect(checks.endPreDisclosure(running, { endedOn: '2026-10-13', feedback: '收到意见5条' }, ctx('bijie-004'))).toBeNull();
    const ended = {
      ...running,
      preDisclosure: { ...running.preDisclosure, ended: { endedOn: '2026-10-13', feedback: '收到意见5条', by: 'clerk' } },
    };
    expect(checks.signOff(ended, { finalAttribute: 'proactive' }, ctx('bijie-004'))).toBeNull();
  });
});

describe('changes to published information (条例第二十六条; seed 004 第十七条)', () => {
  const published = state({
    stage: 'released',
    closed: true,
    finalAttribute: 'proactive',
    signedOff: { by: 'leader', on: '2026-11-02', reasons: null },
    publications: [{ channel: 'portal', url: 'https://x/1', publishedOn: '2026-11-03', publishedAt: '' }],
  });

  it('only a published document, on or after its publication, with what changed', () => {
    expect(checks.recordChange(published, { changedOn: '2026-11-10', summary: '附件二名单更正' }, ctx('bijie-004'))).toBeNull();
    expect(checks.recordChange(published, { changedOn: '2026-11-02', summary: 'x' }, ctx('bijie-004'))).toContain('早于2026-11-03');
    expect(checks.recordChange(published, { changedOn: '2026-11-10', summary: ' ' }, ctx('bijie-004'))).toBe('须写明变更内容');
    expect(
      checks.recordChange(state({ stage: 'withheld', finalAttribute: 'on-request' }), { changedOn: TODAY, summary: 'x' }, ctx()),
    ).toContain('公文尚未公开');
    expect(checks.recordChange(state({ stage: 'releasing' }), { changedOn: TODAY, summary: 'x' }, ctx())).toBe(
      '公文尚未公开发布，不能登记已公开信息的变更',
    );
    // Every profile has a period for changes today; one without it refuses the step.
    const { changes: _none, ...withoutChanges } = profile('bijie-004').documentRelease;
    expect(
      checks.recordChange(
        published,
        { changedOn: '2026-11-10', summary: 'x' },
        { profile: { ...profile('bijie-004'), documentRelease: withoutChanges }, today: TODAY },
      ),
    ).toBe('本规则没有已公开信息变更的更新期限');
    expect(
      ['national-2019', 'lvliang-000', 'huadian-001', 'etuokeqianqi-002', 'huangyan-003', 'bijie-004'].map(
        (id) => profile(id).documentRelease.changes?.workingDays,
      ),
    ).toEqual([20, 20, 20, 20, 20, 10]);
  });

  it('a change is updated on every carrier the document was published on; until then it is owed', () => {
    const change = {
      no: 1,
      summary: 'x',
      changedOn: '2026-11-10',
      recordedBy: 'clerk',
      carriers: ['intranet', 'portal'],
      updates: [],
      completedOn: null,
    };
    const updating = { ...published, stage: 'updating' as const, closed: false, changes: [change] };
    expect(outstandingDuties(updating, profile('bijie-004'))).toEqual(['change:1']);
    expect(checks.publishChange(updating, { changeNo: 2, channel: 'portal', publishedOn: TODAY }, ctx('bijie-004'))).toBe('没有第2次变更');
    expect(checks.publishChange(updating, { changeNo: 1, channel: 'gazette', publishedOn: TODAY }, ctx('bijie-004'))).toBe(
      '本公文未在「gazette」发布；变更应在原发布载体（intranet、portal）上更新',
    );
    expect(checks.publishChange(updating, { changeNo: 1, channel: 'portal', publishedOn: '2026-11-09' }, ctx('bijie-004'))).toContain(
      '早于2026-11-10',
    );
    expect(checks.publishChange(updating, { changeNo: 1, channel: 'portal', publishedOn: TODAY }, ctx('bijie-004'))).toBeNull();
    expect(checks.publishChange(published, { changeNo: 1, channel: 'portal', publishedOn: TODAY }, ctx('bijie-004'))).toContain(
      '没有待更新的变更',
    );
  });
});

describe('what a 主动公开 document owes, per profile', () => {
  const normative = state({ registration: registration({ normative: true }) });
  it.each([
    ['national-2019', ['publication:portal']],
    ['huangyan-003', ['publication:intranet', 'publication:portal', 'interpretation']],
    ['bijie-004', ['publication:portal', 'interpretation']],
    ['huadian-001', ['publication:portal', 'interpretation', 'reading-room']],
  ])('%s', (id, owed) => {
    expect(outstandingDuties(normative, profile(id))).toEqual(owed);
  });
});

describe('索引号 (seed 002: 地区编号、部门编号、信息类编号、信息生成年份、信息顺序编号)', () => {
  it('formats and parses region-department-category-year-sequence', () => {
    const indexNo = formatIndexNo({ regionCode: '331003', departmentCode: '002', category: '02', year: 2026, sequence: 7 });
    expect(indexNo).toBe('331003-002-02-2026-00007');
    expect(parseIndexNo(indexNo)).toEqual({ regionCode: '331003', departmentCode: '002', category: '02', year: 2026, sequence: 7 });
    expect(parseIndexNo('331003-002-10-2026-00007')).toBeNull();
    expect(() => formatIndexNo({ regionCode: '3310', departmentCode: '002', category: '02', year: 2026, sequence: 1 })).toThrow(
      /six digits/,
    );
    expect(() => formatIndexNo({ regionCode: '331003', departmentCode: '002', category: '02', year: 2026, sequence: 0 })).toThrow(
      /sequence/,
    );
    expect(indexSeries({ regionCode: '331003', departmentCode: '002', category: '02' })).toBe('catalogue:331003-002-02');
  });

  it('has the nine categories of seed 002; the demo gives every department its own 部门编号 (stored in departments.index_code)', () => {
    expect(Object.values(CATALOGUE_CATEGORIES)).toEqual([
      '机构概况类',
      '政策文件类',
      '政府决策类',
      '工作信息类',
      '人事信息类',
      '行政执法类',
      '财政信息类',
      '公共服务类',
      '社会监督类',
    ]);
    expect(DEMO_DEPARTMENTS.every((d) => /^\d{3}$/.test(d.indexCode))).toBe(true);
    expect(new Set(DEMO_DEPARTMENTS.map((d) => d.indexCode)).size).toBe(DEMO_DEPARTMENTS.length);
  });
});

describe('recurring duties', () => {
  it('the 不予公开 register falls due on the next 31 March or 31 December (seed 001)', () => {
    const dues = profile('huadian-001').documentRelease.nonDisclosureRegisterDue!;
    expect(dues).toEqual(['03-31', '12-31']);
    expect(nextRegisterDue('2026-01-05', dues)).toBe('2026-03-31');
    expect(nextRegisterDue('2026-03-31', dues)).toBe('2026-03-31');
    expect(nextRegisterDue('2026-04-01', dues)).toBe('2026-12-31');
    expect(nextRegisterDue('2026-12-31', dues)).toBe('2026-12-31');
  });

  it('the self-check falls due at the end of November (seed 000), next year once November has passed', () => {
    expect(profile('lvliang-000').documentRelease.selfCheckMonth).toBe(11);
    expect(selfCheckDue('2026-11-01', 11)).toBe('2026-11-30');
    expect(selfCheckDue('2026-12-01', 11)).toBe('2027-11-30');
    expect(selfCheckDue('2026-12-15', 12)).toBe('2026-12-31');
  });
});
