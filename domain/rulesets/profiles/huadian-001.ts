// 桦甸市: 《桦甸市政务公开各项制度汇编》 (seed 001, 15 rulebooks written under the 2008 条例).
// Older regime: reply within 15 WD of registration, extension at most 15 WD. Source of the
// secrecy-escalation clock (10 + 7 WD), the public-opinion report clocks, reading-room deposit
// (20 WD), policy interpretation (3 WD) and the twice-yearly 不予公开 register.
import type { RuleProfileInput } from '../schema';
import {
  NATIONAL_CORRECTION_NOTICE,
  NATIONAL_FEE_PAYMENT,
  NATIONAL_OTHER_AGENCY_CONSULTATION,
  SEED_000_RESPONSE_CLOCKS,
  SEED_001_REPORT_CLOCKS,
  SEED_001_SECRECY_ESCALATION,
  SEED_003_DISPUTES,
} from './shared';

const APPLICATION = '桦甸市政府信息依申请公开工作办法';
const DEPOSIT = '桦甸市政府公开信息送交办法';
const WORK_RULES = '桦甸市主动公开和依申请公开政府信息工作规则';
const REGISTER = '桦甸市不予公开政府信息报备制度';
const INTERPRETATION = '桦甸市政策解读工作制度';

export const huadian001: RuleProfileInput = {
  id: 'huadian-001',
  version: '2026.1',
  name: '桦甸市',
  regime: 'pre-2019',
  jurisdiction: {
    region: '吉林省吉林市桦甸市',
    agency: '桦甸市人民政府及其工作部门',
    regionCode: '220282',
  },
  source: {
    source: '桦甸市政府信息公开专栏',
    seed: '001',
    title: '桦甸市政务公开各项制度汇编',
  },
  application: {
    reply: {
      workingDays: 15,
      citation: {
        source: APPLICATION,
        seed: '001',
        article: '第十条',
        quote: '行政机关应自申请人登记之日起15个工作日内做出书面答复',
      },
    },
    extension: {
      workingDays: 15,
      citation: {
        source: APPLICATION,
        seed: '001',
        article: '第十条',
        quote: '延长期限最长不得超过15个工作日',
      },
    },
    correctionNotice: NATIONAL_CORRECTION_NOTICE,
    thirdPartyConsultation: {
      workingDays: 15,
      citation: {
        source: APPLICATION,
        seed: '001',
        article: '第六条',
        quote: '第三方不同意公开的,不得公开;第三方在15个工作日内未作答复的,视作同意公开',
      },
      silence: 'deemed-consent',
      objection: 'bars-disclosure',
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
          source: WORK_RULES,
          seed: '001',
          article: '二（四）',
          quote: '自信息形成或者变更之日起20个工作日予以公开',
        },
      },
    ],
    changes: {
      workingDays: 20,
      citation: {
        source: WORK_RULES,
        seed: '001',
        article: '二（四）',
        quote: '自信息形成或者变更之日起20个工作日予以公开',
      },
    },
    interpretation: {
      workingDays: 3,
      citation: {
        source: INTERPRETATION,
        seed: '001',
        article: '三（三）',
        quote: '解读材料必须在文件公开后的3个工作日内予以发布',
      },
    },
    readingRoomDeposit: {
      workingDays: 20,
      citation: {
        source: DEPOSIT,
        seed: '001',
        article: '第七条',
        quote: '各级送交单位应当自该政府信息形成或者变更之日起20个工作日内',
      },
    },
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    nonDisclosureRegisterDue: ['03-31', '12-31'],
    nonDisclosureRegisterCitation: {
      source: REGISTER,
      seed: '001',
      article: '三',
      quote: '时间为每年的3月31日和12月31日之前完成报备工作',
    },
  },
  publicOpinion: {
    report: SEED_001_REPORT_CLOCKS,
    response: SEED_000_RESPONSE_CLOCKS,
  },
  disputes: SEED_003_DISPUTES,
  notes: [
    '旧制度（2008年条例）：答复15个工作日自“申请人登记之日”起算（依申请公开工作办法第十条；工作规则三（二）7同为“自登记之日起15个工作日”），本结构只记天数，起算点按受理登记日处理。',
    '第三方征求意见：第三方15个工作日内未答复的“视作同意公开”（第六条），与2019年条例“由行政机关依法决定”不同；本结构只能表达天数，逾期后果需在流程中按本规则处理。',
    '补正：第八条（五）只要求一次性告知补正，未规定期限；2008年条例无此期限，沿用2019年条例第三十条7个工作日。',
    '征求其他机关意见：本办法与2008年条例均未规定，沿用2019年条例第三十四条15个工作日（逾期视为同意）。',
    '收费：第十四条按成本收取检索、复制、邮寄费，没有缴费期限；2008年条例无缴费期限，沿用国办函〔2020〕109号20个工作日（条款序号待核实）。附件6答复单中“请于××日交齐”的缴费日期由机关逐案填写。',
    '中止（第十一条）：不可抗力或其他法定事由，期限中止计算，障碍消除后继续计算，中止和恢复须书面通知申请人；本结构没有中止字段，由通用暂停机制实现。',
    '初审要件不完备时出具“中止受理信息申请程序告知单”（工作规则三（二）3、附件4），其性质为补正/退回，不是期限中止。',
    '舆情回应时限本办法未规定，借用吕梁（seed 000）24/48小时；行政争议答辩10个工作日、证据5个工作日借用黄岩（seed 003）。',
    '政府公开信息送交：形成或变更之日起20个工作日内送交查阅场所（档案局）纸质原件一式两份及电子文本；修改或废止时“及时”送交，无固定天数。',
  ],
};
