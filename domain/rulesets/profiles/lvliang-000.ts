// 吕梁市应急管理局: 呂應急發〔2024〕121號, nine rules plus 《依申請公開政府信息具體流程》
// (seed 000, traditional characters; quotes kept as written). Follows the 2019 条例 clocks;
// adds the November self-check of 不予公開 / 依申請公開 information and the 24 h / 48 h
// public-opinion response clocks that the other profiles borrow.
import type { RuleProfileInput } from '../schema';
import {
  NATIONAL_FEE_PAYMENT,
  NATIONAL_OTHER_AGENCY_CONSULTATION,
  SEED_000_RESPONSE_CLOCKS,
  SEED_001_REPORT_CLOCKS,
  SEED_001_SECRECY_ESCALATION,
  SEED_003_DISPUTES,
} from './shared';

const APPLICATION = '政府信息依申請公開制度';
const PROACTIVE = '政府信息主動公開制度';
const DYNAMIC = '政府信息管理動態調整制度';

export const lvliang000: RuleProfileInput = {
  id: 'lvliang-000',
  version: '2026.1',
  name: '吕梁市应急管理局',
  regime: '2019',
  jurisdiction: {
    region: '山西省吕梁市',
    agency: '吕梁市应急管理局',
    regionCode: '141100',
  },
  source: {
    source: '呂應急發〔2024〕121號',
    seed: '000',
    title: '呂梁市應急管理局關于印發《公文公開屬性源頭認定制度》等制度的通知',
  },
  application: {
    reply: {
      workingDays: 20,
      citation: {
        source: APPLICATION,
        seed: '000',
        article: '第十一條',
        quote: '將在收到申請之日起20個工作日內予以答復',
      },
    },
    extension: {
      workingDays: 20,
      citation: {
        source: APPLICATION,
        seed: '000',
        article: '第十一條',
        quote: '延長的期限最長不得超過20個工作日',
      },
    },
    correctionNotice: {
      workingDays: 7,
      citation: {
        source: APPLICATION,
        seed: '000',
        article: '第十條',
        quote: '本機關將在收到申請之日起7個工作日內一次性告知申請人作出補正',
      },
    },
    thirdPartyConsultation: {
      workingDays: 15,
      citation: {
        source: APPLICATION,
        seed: '000',
        article: '第十三條',
        quote: '第三方應當自收到征求意見書之日起15個工作日內提出意見',
      },
    },
    otherAgencyConsultation: NATIONAL_OTHER_AGENCY_CONSULTATION,
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    feePayment: NATIONAL_FEE_PAYMENT,
  },
  documentRelease: {
    publication: [
      {
        channel: 'portal',
        workingDays: 20,
        citation: {
          source: PROACTIVE,
          seed: '000',
          article: '第六條',
          quote: '應當自該政府信息形成或者變更之日起20個工作日內及時公開',
        },
      },
    ],
    changes: {
      workingDays: 20,
      citation: {
        source: PROACTIVE,
        seed: '000',
        article: '第六條',
        quote: '應當自該政府信息形成或者變更之日起20個工作日內及時公開',
      },
    },
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    selfCheckMonth: 11,
    selfCheckCitation: {
      source: DYNAMIC,
      seed: '000',
      article: '第三條',
      quote: '于每年11月份對我局不予公開的信息以及依申請公開較為集中的信息進行全面自查',
    },
  },
  publicOpinion: {
    report: SEED_001_REPORT_CLOCKS,
    response: SEED_000_RESPONSE_CLOCKS,
  },
  disputes: SEED_003_DISPUTES,
  notes: [
    '答复、延期、补正、第三方征求意见的期限与《依申請公開政府信息具體流程》三、1–3 一致，引用制度条文。',
    '本局制度只规定征求其他机关意见的时间不计入答复期限（第十一條第二款），未规定其他机关的答复期限：沿用条例第三十四条15个工作日。',
    '本局《政府信息公開保密審查制度》只规定科室初审、分管领导复审，未规定上报确定的期限：借用桦甸（seed 001）保密审查办法五（四）10+7个工作日。',
    '第十二條规定收费标准和办法按照国家规定：缴费期限沿用国办函〔2020〕109号（20个工作日，条款序号待核实）。',
    '舆情报送时限借用桦甸（seed 001）；行政争议答辩10个工作日、证据5个工作日借用黄岩（seed 003）。',
    '申请人凭网上申请生成的查询码查询受理情况（具體流程二、2(2)）；公文公开属性源头认定（拟稿人提出、局办公室核准、主动公开公文不得夹带依申请/不予公开内容）；保密审查文字记载保存三年以上：均为流程与记录要求，不是期限，本结构无法表达。',
    '微信公众号“相关活动结束2日内报送”以自然日计，不属于政府信息公开期限，未纳入。',
    '《政策解讀工作制度》未规定解读发布期限，故不设 interpretation。',
  ],
};
