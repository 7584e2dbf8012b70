// 鄂托克前旗: 鄂前政办发〔2018〕96号, eight rules on government information disclosure (seed 002).
// Older regime: decide within 15 WD of receipt, extension at most 15 WD, and once disclosure is
// decided the information is provided within 10 WD. The seed states no other clock, so the rest
// falls back to national law or to the other seeds, as each note explains.
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
} from './shared';

const APPLICATION = '鄂托克前旗人民政府依申请公开制度';

export const etuokeqianqi002: RuleProfileInput = {
  id: 'etuokeqianqi-002',
  version: '2026.1',
  name: '鄂托克前旗',
  regime: 'pre-2019',
  jurisdiction: {
    region: '内蒙古自治区鄂尔多斯市鄂托克前旗',
    agency: '鄂托克前旗人民政府',
    regionCode: '150623',
  },
  source: {
    source: '鄂前政办发〔2018〕96号',
    seed: '002',
    title: '鄂托克前旗人民政府办公室关于印发政府信息公开有关制度的通知',
  },
  application: {
    reply: {
      workingDays: 15,
      citation: {
        source: APPLICATION,
        seed: '002',
        article: '第二条',
        quote: '在接到申请之日起15个工作日内决定是否公开',
      },
    },
    extension: {
      workingDays: 15,
      citation: {
        source: APPLICATION,
        seed: '002',
        article: '第四条',
        quote: '延长期限最长不超过15个工作日',
      },
    },
    correctionNotice: NATIONAL_CORRECTION_NOTICE,
    thirdPartyConsultation: NATIONAL_THIRD_PARTY_CONSULTATION,
    otherAgencyConsultation: NATIONAL_OTHER_AGENCY_CONSULTATION,
    secrecyEscalation: SEED_001_SECRECY_ESCALATION,
    feePayment: NATIONAL_FEE_PAYMENT,
    provideAfterDecision: {
      workingDays: 10,
      citation: {
        source: APPLICATION,
        seed: '002',
        article: '第二条',
        quote: '不能当场公开的,应当在申请人办理手续后10个工作日内公开',
      },
    },
  },
  documentRelease: NATIONAL_DOCUMENT_RELEASE,
  publicOpinion: BORROWED_PUBLIC_OPINION,
  disputes: SEED_003_DISPUTES,
  notes: [
    '旧制度（2008年条例）：第二条“15个工作日内决定是否公开”，第四条延长最长15个工作日，经政府机关信息公开专门机构负责人同意。',
    '第二条：决定公开的，在申请人办理申请手续后当场公开；不能当场公开的，办理手续后10个工作日内公开（provideAfterDecision）。该期限自“办理手续”之日起算，不是自作出决定之日起算。',
    '本制度未规定补正、第三方征求意见、其他机关征求意见的期限；2008年条例亦无补正7个工作日、第三方15个工作日、其他机关15个工作日的规定，均沿用2019年条例第三十条、第三十二条、第三十四条。',
    '保密审查制度第十三条只规定不能确定时报上级业务主管部门或保密工作部门确定，无答复期限：借用桦甸（seed 001）五（四）10+7个工作日。',
    '本制度未规定收费与缴费期限；2008年条例无此期限，沿用国办函〔2020〕109号20个工作日（条款序号待核实）。',
    '本制度未规定主动公开期限：沿用2019年条例第二十六条20个工作日（2008年条例第十八条同为20个工作日）。',
    '舆情回应制度只要求分管领导“确保24小时联络畅通”，不是回应时限：报送时限借用桦甸（seed 001），回应时限借用吕梁（seed 000）；行政争议时限借用黄岩（seed 003）。',
    '附件1目录编制规范（九大类信息；索引号由地区编号、部门编号、信息类编号、生成年份、顺序编号组成；九个数据项；日期 yyyy-mm-dd；公开时限分长期/限时）属于目录数据结构，本结构无法表达。',
    '保密审查制度第十五条要求定期复查已确定的公开属性，但未规定月份或频次，不设 selfCheckMonth。',
  ],
};
