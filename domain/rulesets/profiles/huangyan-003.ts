// 黄岩区: 《黄岩区人民政府办公室信息公开工作制度》 (seed 003), internal procedures of the district
// government office. Adds internal step clocks (register 1, formal review 5, department proposal 7,
// sign-off 3 WD), a 40 WD cap on reply + extension, publication on the intranet (1 WD) and portal
// (7 WD), public comment of at least 7 WD, same-day answers to important incidents, and the
// dispute clocks (defence 10 WD, evidence 5 WD).
import type { RuleProfileInput } from '../schema';
import {
  BORROWED_PUBLIC_OPINION,
  NATIONAL_CORRECTION_NOTICE,
  NATIONAL_FEE_PAYMENT,
  NATIONAL_OTHER_AGENCY_CONSULTATION,
  NATIONAL_PUBLICATION_20_WD,
  NATIONAL_THIRD_PARTY_CONSULTATION,
  SEED_001_SECRECY_ESCALATION,
  SEED_003_DISPUTES,
} from './shared';

const APPLICATION = '黄岩区人民政府办公室政府信息依申请公开办理工作流程';
const PROACTIVE = '黄岩区人民政府办公室公文类信息主动公开工作流程';
const INTERPRETATION = '黄岩区人民政府办公室行政规范性文件政策解读公开工作流程';
const PUBLIC_COMMENT = '黄岩区人民政府办公室关于行政规范性文件草案公开征求意见的规定';
const OPINION = '黄岩区人民政府办公室政务公开舆情应对工作制度';

export const huangyan003: RuleProfileInput = {
  id: 'huangyan-003',
  version: '2026.1',
  name: '台州市黄岩区人民政府办公室',
  regime: '2019',
  jurisdiction: {
    region: '浙江省台州市黄岩区',
    agency: '黄岩区人民政府办公室',
    regionCode: '331003',
  },
  source: {
    source: '黄岩区人民政府办公室',
    seed: '003',
    title: '黄岩区人民政府办公室信息公开工作制度',
  },
  application: {
    reply: {
      workingDays: 20,
      citation: {
        source: APPLICATION,
        seed: '003',
        article: '五',
        quote: '答复应在收到申请之日起,20个工作日内完成,经延长不得超过40个工作日',
      },
    },
    extension: {
      workingDays: 20,
      maxTotalWorkingDays: 40,
      citation: {
        source: APPLICATION,
        seed: '003',
        article: '四',
        quote: '经同意延期后答复的,政务公开科应于20个工作日内完成答复意见',
      },
      approvedBy: '信息公开分管副主任',
    },
    correctionNotice: NATIONAL_CORRECTION_NOTICE,
    thirdPartyConsultation: NATIONAL_THIRD_PARTY_CONSULTATION,
    otherAgencyConsultation: NATIONAL_OTHER_AGENCY_CONSULTATION,
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    feePayment: NATIONAL_FEE_PAYMENT,
    internalSteps: [
      {
        step: 'register',
        startsAt: 'receipt',
        workingDays: 1,
        citation: {
          source: APPLICATION,
          seed: '003',
          article: '一',
          quote: '政务公开科1个工作日内对申请人',
        },
      },
      {
        step: 'formal-review',
        startsAt: 'receipt',
        workingDays: 5,
        citation: {
          source: APPLICATION,
          seed: '003',
          article: '二',
          quote: '政务公开科于收到申请5个工作日内',
        },
      },
      {
        step: 'department-proposal',
        startsAt: 'receipt',
        workingDays: 7,
        citation: {
          source: APPLICATION,
          seed: '003',
          article: '三',
          quote: '政务公开科自收到申请件之日起,在7个工作日内提出拟答复意见',
        },
      },
      {
        step: 'sign-off',
        startsAt: 'decision',
        workingDays: 3,
        citation: {
          source: APPLICATION,
          seed: '003',
          article: '五',
          quote: '政务公开科于3个工作日内将答复意见送政务公开分管副主任审签',
        },
      },
    ],
  },
  documentRelease: {
    publication: [
      {
        channel: 'intranet',
        workingDays: 1,
        citation: {
          source: PROACTIVE,
          seed: '003',
          article: '四',
          quote: '秘书科应在公文印发后1个工作日内,将公文电子文本加载到非涉密内网工作平台',
        },
      },
      {
        channel: 'portal',
        workingDays: 7,
        citation: {
          source: PROACTIVE,
          seed: '003',
          article: '四',
          quote: '在公文印发后7日工作日内,秘书科负责在区政府门户网站上及时发布该公文电子版',
        },
      },
    ],
    changes: NATIONAL_PUBLICATION_20_WD,
    interpretation: {
      workingDays: 3,
      citation: {
        source: INTERPRETATION,
        seed: '003',
        article: '四',
        quote: '在行政规范性文件公开3个工作日内',
      },
    },
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    publicCommentMinimum: {
      workingDays: 7,
      citation: {
        source: PUBLIC_COMMENT,
        seed: '003',
        article: '第五条',
        quote: '征求社会公众意见的时间一般不得少于7个工作日',
      },
    },
  },
  publicOpinion: {
    ...BORROWED_PUBLIC_OPINION,
    importantSameDay: {
      citation: {
        source: OPINION,
        seed: '003',
        article: '四（三）',
        quote: '政务舆情处置分管领导组织相关单位或部门作出应对处置,并于当天进行回应',
      },
    },
  },
  disputes: SEED_003_DISPUTES,
  notes: [
    '延期：流程四规定同意延期后20个工作日内完成答复意见，流程五规定答复“经延长不得超过40个工作日”，即答复加延期合计不超过40个工作日（maxTotalWorkingDays）。',
    '补正：流程二在5个工作日形式审查中制作补正告知书，报分管副主任审定后书面告知，但未规定告知书发出的期限；法定上限沿用条例第三十条7个工作日。',
    '承办科室提出拟答复意见：流程三“于7个工作日内”，同条末句明确“自收到申请件之日起，在7个工作日内”，即自收到申请起算，而不是自转交科室起算。',
    '流程三（一）：属于主动公开范围的，10个工作日内书面告知获取方式和途径；本结构没有针对该答复类型的期限字段，未能表达。',
    '保密审查制度第八条只规定逐级报有权机关确定，无答复期限：借用桦甸（seed 001）五（四）10+7个工作日。第三方、其他机关征求意见和缴费期限本制度未规定，沿用国家规定（国办函〔2020〕109号条款序号待核实）。',
    '公文主动公开：印发后1个工作日内加载内网、7个工作日内（原文作“7日工作日内”，按工作日理解）在门户网站发布；秘书科每半个月集中送交纸质文件给政务公开科对照检查，该半月周期无法表达。信息变更期限本制度未规定，沿用条例第二十六条20个工作日。',
    '重要舆情当天处置并回应、当日报送处置情况（三（一）、四（三）—（五））；报送与回应的分级分钟时限本制度未规定，借用桦甸（seed 001）报送、吕梁（seed 000）回应时限。普通舆情“一周一报告”无法表达。',
    '依申请公开材料每年归档一次，次年1月底前交秘书科（流程六）；行政争议协调会、出庭应诉、执行判决无期限。',
  ],
};
