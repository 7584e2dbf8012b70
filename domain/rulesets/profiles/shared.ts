// Rules the profiles borrow from each other or from national law, written once here. A profile's
// own rules (those citing its own seed) stay in its own file; each constant below says where it
// comes from, and the profiles that borrow it spread or reference it unchanged.
import type { RuleProfileInput } from '../schema';

type ApplicationRulesInput = RuleProfileInput['application'];
type DocumentReleaseRulesInput = RuleProfileInput['documentRelease'];
type PublicOpinionRulesInput = RuleProfileInput['publicOpinion'];
type WorkingDayPeriodInput = ApplicationRulesInput['correctionNotice'];
type MinutePeriodInput = PublicOpinionRulesInput['report']['一般'];

/** National law: 条例 as revised in 2019 (国务院令第711号). */
export const TIAOLI = '中华人民共和国政府信息公开条例（2019年修订）';
/** National law: the fee rules (国办函〔2020〕109号). */
export const FEE_RULES = '政府信息公开信息处理费管理办法（国办函〔2020〕109号）';
/** Seed 001 (桦甸): the secrecy-review rulebook. */
export const HUADIAN_SECRECY = '桦甸市政府信息公开保密审查办法';
/** Seed 001 (桦甸): 保密审查办法五（四）, verbatim. */
export const HUADIAN_SECRECY_QUOTE =
  '上级行政机关或同级保密工作部门应当在10个工作日内做出答复。如需延长答复期限的,应及时告知申请机关,但延长答复期限最长不得超过7个工作日';
/** Seed 001 (桦甸): the public-opinion rulebook. */
export const HUADIAN_OPINION = '桦甸市社会舆情收集、分析、研判、处置和回应机制实施办法（暂行）';
/** Seed 000 (吕梁): the public-opinion response rulebook (traditional characters, as written). */
export const LVLIANG_OPINION = '政務輿情回應制度';
/** Seed 003 (黄岩): the administrative-dispute procedure. */
export const HUANGYAN_DISPUTES = '黄岩区人民政府办公室政府信息依申请公开行政争议处置工作流程';

/** National law, 条例第三十条: correction notice within 7 WD. */
export const NATIONAL_CORRECTION_NOTICE: WorkingDayPeriodInput = {
  workingDays: 7,
  citation: {
    source: TIAOLI,
    article: '第三十条',
    quote: '自收到申请之日起7个工作日内一次性告知申请人作出补正',
  },
};

/** National law, 条例第三十二条: third party answers within 15 WD. */
export const NATIONAL_THIRD_PARTY_CONSULTATION: WorkingDayPeriodInput = {
  workingDays: 15,
  citation: {
    source: TIAOLI,
    article: '第三十二条',
    quote: '第三方应当自收到征求意见书之日起15个工作日内提出意见',
  },
};

/** National law, 条例第三十四条: other agency answers within 15 WD. */
export const NATIONAL_OTHER_AGENCY_CONSULTATION: WorkingDayPeriodInput = {
  workingDays: 15,
  citation: {
    source: TIAOLI,
    article: '第三十四条',
    quote: '被征求意见机关应当自收到征求意见书之日起15个工作日内提出意见',
  },
};

/** National law, 国办函〔2020〕109号 (article number still to be checked): fee paid within 20 WD. */
export const NATIONAL_FEE_PAYMENT: WorkingDayPeriodInput = {
  workingDays: 20,
  citation: {
    source: FEE_RULES,
    article: '第七条',
  },
};

/** National law, 条例第二十六条: publication (and changes) within 20 WD of forming or changing. */
export const NATIONAL_PUBLICATION_20_WD: WorkingDayPeriodInput = {
  workingDays: 20,
  citation: {
    source: TIAOLI,
    article: '第二十六条',
    quote: '应当自该政府信息形成或者变更之日起20个工作日内及时公开',
  },
};

/** National law, 条例第二十六条: the portal publication channel, 20 WD. */
export const NATIONAL_PORTAL_PUBLICATION: DocumentReleaseRulesInput['publication'][number] = {
  channel: 'portal',
  ...NATIONAL_PUBLICATION_20_WD,
};

/** Seed 001 (桦甸), 保密审查办法五（四）: secrecy authority answers within 10 WD, extendable by 7 WD. */
export const SEED_001_SECRECY_ESCALATION: ApplicationRulesInput['secrecyEscalation'] = {
  workingDays: 10,
  extensionWorkingDays: 7,
  citation: {
    source: HUADIAN_SECRECY,
    seed: '001',
    article: '五（四）',
    quote: HUADIAN_SECRECY_QUOTE,
  },
};

/** Seed 001 (桦甸), 舆情实施办法一（二）: upward report within 30 / 60 / 120 / 180 minutes by grade. */
export const SEED_001_REPORT_CLOCKS: PublicOpinionRulesInput['report'] = {
  特别重大: {
    minutes: 30,
    citation: {
      source: HUADIAN_OPINION,
      seed: '001',
      article: '一（二）',
      quote: '特别重大突发事件,要在半小时内报送',
    },
  },
  重大: {
    minutes: 60,
    citation: {
      source: HUADIAN_OPINION,
      seed: '001',
      article: '一（二）',
      quote: '发生重大突发事件,要在1小时内报送',
    },
  },
  较大: {
    minutes: 120,
    citation: {
      source: HUADIAN_OPINION,
      seed: '001',
      article: '一（二）',
      quote: '发生较大突发事件,要在2小时内报送',
    },
  },
  一般: {
    minutes: 180,
    citation: {
      source: HUADIAN_OPINION,
      seed: '001',
      article: '一（二）',
      quote: '发生一般突发事件,要在3小时内报送',
    },
  },
};

/** Seed 000 (吕梁), 《政務輿情回應制度》第四條: press conference within 24 h. */
const SEED_000_RESPONSE_24_HOURS: MinutePeriodInput = {
  minutes: 1440,
  citation: {
    source: LVLIANG_OPINION,
    seed: '000',
    article: '第四條',
    quote: '最遲應在24小時內舉行新聞發布會',
  },
};

/** Seed 000 (吕梁), 《政務輿情回應制度》第四條: other public opinion answered within 48 h. */
const SEED_000_RESPONSE_48_HOURS: MinutePeriodInput = {
  minutes: 2880,
  citation: {
    source: LVLIANG_OPINION,
    seed: '000',
    article: '第四條',
    quote: '對其他政務輿情應在48小時內予以回應',
  },
};

/** Seed 000 (吕梁), 《政務輿情回應制度》第四條: response within 24 h (特别重大, 重大) or 48 h (others). */
export const SEED_000_RESPONSE_CLOCKS: PublicOpinionRulesInput['response'] = {
  特别重大: SEED_000_RESPONSE_24_HOURS,
  重大: SEED_000_RESPONSE_24_HOURS,
  较大: SEED_000_RESPONSE_48_HOURS,
  一般: SEED_000_RESPONSE_48_HOURS,
};

/** Seeds 001 + 000: the public-opinion clocks of every profile whose own rulebook sets none. */
export const BORROWED_PUBLIC_OPINION: PublicOpinionRulesInput = {
  report: SEED_001_REPORT_CLOCKS,
  response: SEED_000_RESPONSE_CLOCKS,
};

/** National law: 行政诉讼法 第六十七条, 15 calendar days for the defendant's evidence and defence. */
export const NATIONAL_LITIGATION_DEFENCE: RuleProfileInput['disputes']['litigationDefence'] = {
  calendarDays: 15,
  citation: {
    source: '中华人民共和国行政诉讼法',
    article: '第六十七条',
    quote: '被告应当在收到起诉状副本之日起十五日内向人民法院提交作出行政行为的证据和所依据的规范性文件，并提出答辩状',
  },
};

/**
 * Seed 003 (黄岩), 行政争议处置工作流程一、二: defence draft within 10 WD, evidence within 5 WD;
 * a lawsuit is also bound by the law's 15 calendar days, whichever ends first.
 */
export const SEED_003_DISPUTES: RuleProfileInput['disputes'] = {
  defenceDraft: {
    workingDays: 10,
    citation: {
      source: HUANGYAN_DISPUTES,
      seed: '003',
      article: '一',
      quote: '应于10个工作日内会同区复议局拟定答辩状',
    },
  },
  departmentEvidence: {
    workingDays: 5,
    citation: {
      source: HUANGYAN_DISPUTES,
      seed: '003',
      article: '二',
      quote: '5个工作日内将有关依申请答复意见的证据、依据和其他证明材料提供给信息公开办',
    },
  },
  litigationDefence: NATIONAL_LITIGATION_DEFENCE,
};

/** National law 条例第二十六条 plus the seed 001 secrecy clock: document release with no local clock. */
export const NATIONAL_DOCUMENT_RELEASE: DocumentReleaseRulesInput = {
  publication: [NATIONAL_PORTAL_PUBLICATION],
  changes: NATIONAL_PUBLICATION_20_WD,
  secrecyEscalation: SEED_001_SECRECY_ESCALATION,
};
