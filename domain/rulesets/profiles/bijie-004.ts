// 毕节市文化广电旅游局: 毕文广旅通〔2020〕90号, the bureau's disclosure rulebooks (seed 004).
// Follows the 2019 条例 reply clocks, with internal steps (transfer to the business department
// within 3 WD, department answer within 10 WD), faster publication (5 WD, changes 10 WD),
// pre-disclosure of major decisions for at most 7 WD and the citizen-message clocks.
import type { RuleProfileInput } from '../schema';
import {
  BORROWED_PUBLIC_OPINION,
  NATIONAL_FEE_PAYMENT,
  NATIONAL_OTHER_AGENCY_CONSULTATION,
  NATIONAL_THIRD_PARTY_CONSULTATION,
  SEED_001_SECRECY_ESCALATION,
  SEED_003_DISPUTES,
} from './shared';

const APPLICATION = '毕节市文化广电旅游局政府信息依申请公开制度';
const DISCLOSURE = '毕节市文化广电旅游局政府信息公开工作制度';
const INTERPRETATION = '市文化广电旅游局政府信息公开政策解读制度';
const PRE_DISCLOSURE = '毕节市文化广电旅游局重大行政决策事项预公开制度';
const MESSAGES = '毕节市文化广电旅游局政民互动制度';

export const bijie004: RuleProfileInput = {
  id: 'bijie-004',
  version: '2026.1',
  name: '毕节市文化广电旅游局',
  regime: '2019',
  jurisdiction: {
    region: '贵州省毕节市',
    agency: '毕节市文化广电旅游局',
    regionCode: '520500',
  },
  source: {
    source: '毕文广旅通〔2020〕90号',
    seed: '004',
    title: '毕节市文化广电旅游局关于印发《政务公开工作制度》等有关工作制度的通知',
  },
  application: {
    reply: {
      workingDays: 20,
      citation: {
        source: APPLICATION,
        seed: '004',
        article: '第三条',
        quote: '由局办公室在规定期限内(自收到申请之日起20个工作日内)予以答复',
      },
    },
    extension: {
      workingDays: 20,
      citation: {
        source: APPLICATION,
        seed: '004',
        article: '第三条',
        quote: '经局分管相关业务工作的领导同意,可以适当延长答复期限,但要告知申请人。延长答复的期限最长不得超过20个工作日',
      },
      approvedBy: '局分管相关业务工作的领导',
    },
    correctionNotice: {
      workingDays: 7,
      citation: {
        source: APPLICATION,
        seed: '004',
        article: '第四条（八）',
        quote: '自收到申请之日起7个工作日内一次性书面告知申请人进行补正',
      },
    },
    thirdPartyConsultation: NATIONAL_THIRD_PARTY_CONSULTATION,
    otherAgencyConsultation: NATIONAL_OTHER_AGENCY_CONSULTATION,
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    feePayment: NATIONAL_FEE_PAYMENT,
    internalSteps: [
      {
        step: 'transfer-to-department',
        startsAt: 'receipt',
        workingDays: 3,
        citation: {
          source: APPLICATION,
          seed: '004',
          article: '第三条',
          quote: '在收到申请的3个工作日内转交相关业务科室',
        },
      },
      {
        step: 'department-proposal',
        startsAt: 'assignment',
        workingDays: 10,
        citation: {
          source: APPLICATION,
          seed: '004',
          article: '第三条',
          quote: '相关业务科室应当自收到申请的10个工作日提供答复内容',
        },
      },
    ],
  },
  documentRelease: {
    publication: [
      {
        channel: 'portal',
        workingDays: 5,
        citation: {
          source: DISCLOSURE,
          seed: '004',
          article: '第十七条',
          quote: '在信息形成后5个工作日内公开',
        },
      },
    ],
    changes: {
      workingDays: 10,
      citation: {
        source: DISCLOSURE,
        seed: '004',
        article: '第十七条',
        quote: '信息内容发生变化的,在10个工作日内在有关载体上予以更新',
      },
    },
    interpretation: {
      workingDays: 3,
      citation: {
        source: INTERPRETATION,
        seed: '004',
        article: '第六条（四）',
        quote: '应于文件公开之日起3个工作日内,将解读材料提交办公室在本部门网站发布',
      },
    },
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    preDisclosureMaximum: {
      workingDays: 7,
      citation: {
        source: PRE_DISCLOSURE,
        seed: '004',
        article: '五',
        quote: '预公开时间自我单位作出预公开决定向社会发布之日起,不超过7个工作日',
      },
    },
  },
  publicOpinion: BORROWED_PUBLIC_OPINION,
  citizenMessages: {
    limits: [
      {
        type: 'policy-question',
        workingDays: 3,
        citation: {
          source: MESSAGES,
          seed: '004',
          article: '第六条',
          quote: '政策咨询类信件,在3个工作日内回复',
        },
      },
      {
        type: 'complaint',
        workingDays: 5,
        maxWorkingDays: 7,
        citation: {
          source: MESSAGES,
          seed: '004',
          article: '第六条',
          quote: '投诉、求助类信件,在5—7个工作日内回复',
        },
      },
      {
        type: 'help',
        workingDays: 5,
        maxWorkingDays: 7,
        citation: {
          source: MESSAGES,
          seed: '004',
          article: '第六条',
          quote: '投诉、求助类信件,在5—7个工作日内回复',
        },
      },
      {
        type: 'investigation',
        workingDays: 10,
        citation: {
          source: MESSAGES,
          seed: '004',
          article: '第六条',
          quote: '需调查处理的信件,在10个工作日内回复',
        },
      },
      {
        type: 'hard-case',
        workingDays: 15,
        maxWorkingDays: 30,
        citation: {
          source: MESSAGES,
          seed: '004',
          article: '第六条',
          quote: '重难件,在15个或30个工作日回复',
        },
      },
    ],
  },
  disputes: SEED_003_DISPUTES,
  notes: [
    '依申请公开制度第三条：办公室3个工作日内转交业务科室；业务科室“自收到申请的10个工作日”提供答复内容，原文未写明自哪一方收到申请起算，按局办公室收到申请之日起算（较严格的读法）。',
    '延期须经“局分管相关业务工作的领导同意”，不是条例第三十三条所说的政府信息公开工作机构负责人（extension.approvedBy，延期答复告知书照此表述）。',
    '第四条（五）：涉及第三方或需上级批准而难以确定的，制作延期答复告知书并说明后续处理时间；第三方、其他机关征求意见本制度只规定不计入答复期限，期限沿用条例第三十二条、第三十四条15个工作日。',
    '政府信息公开工作制度第八条：未确定是否属于国家秘密的信息暂缓公开，待依法认定后再决定，无答复期限：借用桦甸（seed 001）五（四）10+7个工作日。',
    '第六条规定收费“根据(国办函〔2020〕109号)文件执行”：缴费期限20个工作日引国办函（条款序号待核实）。',
    '主动公开期限引第一个“第十七条”（原文有两个第十七条）；因特殊原因不能按时公开的，待原因消除后立即公开，属中止情形。',
    '政民互动第六条：投诉、求助5—7个工作日（workingDays 5、maxWorkingDays 7）；重难件15个或30个工作日（workingDays 15、maxWorkingDays 30），何时可用30个工作日原文未规定。',
    '政务回应关切制度未规定报送与回应分钟时限：借用桦甸（seed 001）报送、吕梁（seed 000）回应；行政争议时限借用黄岩（seed 003）。',
    '年度报告1月31日前上报市政府办（第十九条）与民主监督评议意见1个月内提出整改措施（评议制度第七条）无对应字段。',
  ],
};
