// National defaults: 《中华人民共和国政府信息公开条例》 as revised in 2019 (国务院令第711号) and
// 《政府信息公开信息处理费管理办法》 (国办函〔2020〕109号). The statute has no clock for secrecy
// escalation, public-opinion reporting/response or dispute handling, so those defaults are
// borrowed from seeds 001, 000 and 003 (domain.md §3–6), with the real source cited.
import type { RuleProfileInput } from '../schema';
import {
  BORROWED_PUBLIC_OPINION,
  NATIONAL_CORRECTION_NOTICE,
  NATIONAL_DOCUMENT_RELEASE,
  NATIONAL_FEE_PAYMENT,
  NATIONAL_OTHER_AGENCY_CONSULTATION,
  NATIONAL_THIRD_PARTY_CONSULTATION,
  SEED_001_SECRECY_ESCALATION,
  SEED_003_DISPUTES,
  TIAOLI,
} from './shared';

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
    correctionNotice: NATIONAL_CORRECTION_NOTICE,
    thirdPartyConsultation: NATIONAL_THIRD_PARTY_CONSULTATION,
    otherAgencyConsultation: NATIONAL_OTHER_AGENCY_CONSULTATION,
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    feePayment: NATIONAL_FEE_PAYMENT,
  },
  documentRelease: NATIONAL_DOCUMENT_RELEASE,
  publicOpinion: BORROWED_PUBLIC_OPINION,
  disputes: SEED_003_DISPUTES,
  notes: [
    '条例（2019）未规定保密审查上报的答复期限；默认值借用桦甸（seed 001）《政府信息公开保密审查办法》五（四）：10个工作日，延长不超过7个工作日。',
    '条例未规定舆情报送与回应时限：报送时限借用桦甸（seed 001）舆情实施办法一（二）（30/60/120/180分钟），回应时限借用吕梁（seed 000）《政務輿情回應制度》第四條（特别重大、重大24小时；其他48小时）。',
    '条例未规定行政复议/诉讼答辩的内部时限：答辩状10个工作日、承办科室提供证据5个工作日借用黄岩（seed 003）行政争议处置工作流程一、二。',
    '缴费期限（收到收费通知次日起20个工作日，缴费时间不计入答复期限）来自国办函〔2020〕109号；条款序号按记忆标注为第七条，未附原文引文，须对照官方文本核实。',
    '不予公开报备（3月31日、12月31日，seed 001）与每年11月自查（seed 000）属地方制度，未作为国家默认值；政策解读3个工作日、查阅场所送交20个工作日亦仅在规定它们的地方规则中设置。',
    '条例第三十五条（申请数量、频次明显超过合理范围时可确定合理的延迟答复期限）没有固定天数，本规则无法以数值表达；第五十条年度报告1月31日前公布亦不在本结构内。',
  ],
};
