// National defaults: 《中华人民共和国政府信息公开条例》 as revised in 2019 (国务院令第711号) and
// 《政府信息公开信息处理费管理办法》 (国办函〔2020〕109号). The statute has no clock for secrecy
// escalation, public-opinion reporting/response or dispute handling, so those defaults are
// borrowed from seeds 001, 000 and 003 (domain.md §3–6), with the real source cited.
import type { RuleProfileInput } from '../schema';

const TIAOLI = '中华人民共和国政府信息公开条例（2019年修订）';
const FEE_RULES = '政府信息公开信息处理费管理办法（国办函〔2020〕109号）';
const HUADIAN_SECRECY = '桦甸市政府信息公开保密审查办法';
const HUADIAN_OPINION = '桦甸市社会舆情收集、分析、研判、处置和回应机制实施办法（暂行）';
const LVLIANG_OPINION = '政務輿情回應制度';
const HUANGYAN_DISPUTES = '黄岩区人民政府办公室政府信息依申请公开行政争议处置工作流程';

export const national2019: RuleProfileInput = {
  id: 'national-2019',
  version: '2026.1',
  name: '国家规定默认规则（2019年条例）',
  regime: '2019',
  jurisdiction: {
    region: '全国',
    agency: '默认（国家规定）',
    regionCode: '000000',
  },
  source: {
    source: '国务院令第711号',
    title: TIAOLI,
  },
  application: {
    reply: {
      workingDays: 20,
      citation: {
        source: TIAOLI,
        article: '第三十三条',
        quote: '应当自收到申请之日起20个工作日内予以答复',
      },
    },
    extension: {
      workingDays: 20,
      citation: {
        source: TIAOLI,
        article: '第三十三条',
        quote: '延长的期限最长不得超过20个工作日',
      },
    },
    correctionNotice: {
      workingDays: 7,
      citation: {
        source: TIAOLI,
        article: '第三十条',
        quote: '自收到申请之日起7个工作日内一次性告知申请人作出补正',
      },
    },
    thirdPartyConsultation: {
      workingDays: 15,
      citation: {
        source: TIAOLI,
        article: '第三十二条',
        quote: '第三方应当自收到征求意见书之日起15个工作日内提出意见',
      },
    },
    otherAgencyConsultation: {
      workingDays: 15,
      citation: {
        source: TIAOLI,
        article: '第三十四条',
        quote: '被征求意见机关应当自收到征求意见书之日起15个工作日内提出意见',
      },
    },
    secrecyEscalation: {
      workingDays: 10,
      extensionWorkingDays: 7,
      citation: {
        source: HUADIAN_SECRECY,
        seed: '001',
        article: '五（四）',
        quote:
          '上级行政机关或同级保密工作部门应当在10个工作日内做出答复。如需延长答复期限的,应及时告知申请机关,但延长答复期限最长不得超过7个工作日',
      },
    },
    feePayment: {
      workingDays: 20,
      citation: {
        source: FEE_RULES,
        article: '第七条',
      },
    },
  },
  documentRelease: {
    publication: [
      {
        channel: 'portal',
        workingDays: 20,
        citation: {
          source: TIAOLI,
          article: '第二十六条',
          quote: '应当自该政府信息形成或者变更之日起20个工作日内及时公开',
        },
      },
    ],
    changes: {
      workingDays: 20,
      citation: {
        source: TIAOLI,
        article: '第二十六条',
        quote: '应当自该政府信息形成或者变更之日起20个工作日内及时公开',
      },
    },
    secrecyEscalation: {
      workingDays: 10,
      extensionWorkingDays: 7,
      citation: {
        source: HUADIAN_SECRECY,
        seed: '001',
        article: '五（四）',
        quote:
          '上级行政机关或同级保密工作部门应当在10个工作日内做出答复。如需延长答复期限的,应及时告知申请机关,但延长答复期限最长不得超过7个工作日',
      },
    },
  },
  publicOpinion: {
    report: {
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
    },
    response: {
      特别重大: {
        minutes: 1440,
        citation: {
          source: LVLIANG_OPINION,
          seed: '000',
          article: '第四條',
          quote: '最遲應在24小時內舉行新聞發布會',
        },
      },
      重大: {
        minutes: 1440,
        citation: {
          source: LVLIANG_OPINION,
          seed: '000',
          article: '第四條',
          quote: '最遲應在24小時內舉行新聞發布會',
        },
      },
      较大: {
        minutes: 2880,
        citation: {
          source: LVLIANG_OPINION,
          seed: '000',
          article: '第四條',
          quote: '對其他政務輿情應在48小時內予以回應',
        },
      },
      一般: {
        minutes: 2880,
        citation: {
          source: LVLIANG_OPINION,
          seed: '000',
          article: '第四條',
          quote: '對其他政務輿情應在48小時內予以回應',
        },
      },
    },
  },
  disputes: {
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
  },
  notes: [
    '条例（2019）未规定保密审查上报的答复期限；默认值借用桦甸（seed 001）《政府信息公开保密审查办法》五（四）：10个工作日，延长不超过7个工作日。',
    '条例未规定舆情报送与回应时限：报送时限借用桦甸（seed 001）舆情实施办法一（二）（30/60/120/180分钟），回应时限借用吕梁（seed 000）《政務輿情回應制度》第四條（特别重大、重大24小时；其他48小时）。',
    '条例未规定行政复议/诉讼答辩的内部时限：答辩状10个工作日、承办科室提供证据5个工作日借用黄岩（seed 003）行政争议处置工作流程一、二。',
    '缴费期限（收到收费通知次日起20个工作日，缴费时间不计入答复期限）来自国办函〔2020〕109号；条款序号按记忆标注为第七条，未附原文引文，须对照官方文本核实。',
    '不予公开报备（3月31日、12月31日，seed 001）与每年11月自查（seed 000）属地方制度，未作为国家默认值；政策解读3个工作日、查阅场所送交20个工作日亦仅在规定它们的地方规则中设置。',
    '条例第三十五条（申请数量、频次明显超过合理范围时可确定合理的延迟答复期限）没有固定天数，本规则无法以数值表达；第五十条年度报告1月31日前公布亦不在本结构内。',
  ],
};
