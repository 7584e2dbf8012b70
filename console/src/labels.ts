/**
 * Chinese labels for what the API speaks in codes. Enum values come from the same pure domain
 * modules the API validates with, so a new channel or outcome shows up here by itself.
 */
import { APPLICANT_TYPES, CHANNELS, DELIVERY_METHODS, ID_DOCUMENT_TYPES, INFORMATION_FORMS, STAGES } from '../../domain/application/types';
import { DISPUTE_KINDS, DISPUTE_RESULTS, DISPUTE_STAGES } from '../../domain/disputes/types';
import { OUTCOMES, SECTION_36_REPLIES } from '../../domain/outcomes';
import { ROLE_LABELS } from '../../domain/roles';
import type { Urgency } from './api';

export const roleLabel = (role: string): string => (ROLE_LABELS as Record<string, string>)[role] ?? role;

export const URGENCY_LABELS: Record<Urgency, string> = {
  overdue: '已逾期',
  'due-soon': '即将到期',
  running: '正常计时',
  paused: '暂停计时',
};

/** Kinds of case the supervision screen lists; a kind without a label shows its code. */
export const KIND_LABELS: Record<string, string> = {
  application: '依申请公开',
  dispute: '行政复议/诉讼',
  document: '公文',
  incident: '政务舆情',
  message: '政民互动留言',
};
export const kindLabel = (kind: string): string => KIND_LABELS[kind] ?? kind;

export const STAGE_LABELS: Record<string, string> = { ...STAGES, ...DISPUTE_STAGES };

export const CASE_STATUS_LABELS: Record<string, string> = { open: '在办', closed: '已办结' };

export const CLOCK_STATUS_LABELS: Record<string, string> = {
  running: '计时中',
  paused: '暂停计时',
  overdue: '已逾期',
  'due-soon': '即将到期',
  met: '已按期完成',
  late: '逾期完成',
  stopped: '已停止',
  'not-started': '尚未起算',
  closed: '已结束',
};

/** Events of every kind of case (the application's mirror the evidence bundle's wording). */
export const EVENT_LABELS: Record<string, string> = {
  submitted: '登记申请',
  'receipt-confirmed': '确认收到申请',
  'correction-requested': '告知补正',
  'correction-received': '收到补正材料',
  accepted: '受理',
  assigned: '交办承办科室',
  reassigned: '改交承办科室',
  proposed: '承办科室提出答复意见',
  'secrecy-reviewed': '保密审查',
  'secrecy-escalation-answered': '保密工作部门答复',
  'secrecy-escalation-extended': '保密工作部门延长答复期限',
  decided: '拟定答复',
  signed: '签发',
  delivered: '送达',
  closed: '办结归档',
  'handed-over': '转送有权机关（条例第三十六条第五项）',
  'hand-over-failed': '转送有权机关未成功，请人工转送',
  'consultation-started': '发出征求意见函',
  'consultation-answered': '收到征求意见答复',
  'consultation-expired': '征求意见期限届满',
  suspended: '中止办理',
  resumed: '恢复办理',
  'fee-notice-issued': '发出收费通知',
  'fee-paid': '缴纳费用',
  'extension-requested': '申请延期答复',
  'extension-approved': '批准延期答复',
  withdrawn: '撤回',
  abandoned: '视为放弃申请',
  'notice-delivered': '文书送达',
  'consultation-answer-recorded-late': '补录征求意见答复（更正到期记录）',
  'fee-waiver-decided': '减免费用决定',
  'reasons-requested': '要求说明理由（条例第三十五条）',
  'excessive-request-ruled': '认定申请理由（条例第三十五条）',
  'third-party-disclosure-notified': '书面告知第三方公开决定',
  'clock-reminder': '期限提醒',
  'clock-overdue': '逾期督办',
  'clocks-recomputed': '工作日历变更，重新推算期限',
  filed: '登记复议申请（起诉状）',
  forwarded: '转交业务科室',
  'evidence-submitted': '提供证据材料',
  'defence-submitted': '提交答辩状',
  'meeting-held': '召开工作协商会',
  'hearing-held': '出庭应诉（复议审理）',
  'result-recorded': '登记结果',
  enforced: '执行复议决定（判决）',
  registered: '登记',
  'office-verified': '办公室核定公开属性',
  'returned-to-drafter': '退回拟稿人',
  resubmitted: '补正公开属性后重新提交',
  'co-issuer-answered': '联合发文单位意见',
  'signed-off': '签发',
  published: '公开发布',
  'interpretation-published': '发布政策解读',
  deposited: '送交查阅场所 / 档案馆',
  'converted-to-proactive': '转为主动公开',
  'public-comment-opened': '草案公开征求意见',
  'public-comment-closed': '征求意见结束，登记意见采纳情况',
  'public-comment-exempted': '不公开征求意见（说明理由）',
  'pre-disclosure-recorded': '重大行政决策预公开',
  'pre-disclosure-ended': '预公开结束',
  'change-recorded': '登记已公开信息变更',
  'change-published': '变更信息更新发布',
  regraded: '调整舆情等级',
  assessed: '研判',
  planned: '拟定回应方案',
  'consent-recorded': '登记相关部门同意意见',
  approved: '审批回应方案',
  released: '统一发布',
  reported: '报送领导或上级机关',
  'update-reminder': '进展发布提醒',
  'clock-missed': '时限未落实',
  transferred: '转办',
  extended: '延长答复期限',
  replied: '答复留言',
};
export const eventLabel = (type: string): string => EVENT_LABELS[type] ?? type;

const outcomeLabels = Object.fromEntries(Object.entries(OUTCOMES).map(([code, o]) => [code, `${o.reportRow} ${o.label}`]));

/** Value labels of enumerated fields, by the field's own name (its last path segment). */
const ENUM_LABELS: Record<string, Record<string, string>> = {
  channel: CHANNELS,
  type: APPLICANT_TYPES,
  idType: ID_DOCUMENT_TYPES,
  form: INFORMATION_FORMS,
  delivery: DELIVERY_METHODS,
  method: DELIVERY_METHODS,
  outcome: outcomeLabels,
  section36: SECTION_36_REPLIES,
  result: { ...DISPUTE_RESULTS, agree: '同意公开', object: '不同意公开' },
  conclusion: {
    pass: '通过',
    fail: '不通过',
    'cannot-determine': '无法确定，报保密工作部门',
    'may-disclose': '可以公开',
    secret: '属于国家秘密',
  },
  level: { 1: '一级（科室负责人）', 2: '二级（分管领导）' },
  basis: { 'by-count': '按件计收', 'by-pages': '按量计收' },
  kind: { ...DISPUTE_KINDS, 'third-party': '第三方', 'other-agency': '其他机关' },
};

export function enumLabel(field: string, value: string | number): string {
  const name = field.split('.').pop() ?? field;
  return ENUM_LABELS[name]?.[String(value)] ?? String(value);
}

/** Field labels by the field's full path, then by its own name. */
const FIELD_LABELS: Record<string, string> = {
  channel: '申请方式',
  applicant: '申请人',
  'applicant.type': '申请人类型',
  'applicant.name': '姓名或名称',
  'applicant.contactPerson': '联系人（法人或其他组织）',
  'applicant.idType': '证件类型',
  'applicant.idNumber': '证件号码',
  'applicant.phone': '联系电话',
  'applicant.email': '电子邮箱',
  'applicant.address': '通信地址',
  'applicant.postcode': '邮政编码',
  description: '所需信息的名称、文号或特征描述',
  purpose: '用途',
  form: '信息的载体形式',
  delivery: '获取信息的方式',
  feeWaiverRequested: '申请减免费用',
  feeWaiverReason: '减免理由',
  receivedOn: '收到日期',
  ruleProfileId: '适用规则',
  items: '需补正事项（每行一项）',
  periodWorkingDays: '补正期限（工作日）',
  departmentCode: '承办科室',
  assignee: '承办人（用户名）',
  outcome: '办理结果',
  summary: '摘要',
  reasons: '理由',
  level: '审查级别',
  conclusion: '审查结论',
  notes: '意见',
  authority: '审查机关',
  answeredOn: '答复日期',
  workingDays: '工作日数',
  section36: '条例第三十六条答复情形',
  legalBasis: '法律依据',
  referral: '告知的有权机关',
  method: '送达方式',
  deliveredOn: '送达日期',
  kind: '类别',
  party: '征求对象',
  address: '地址',
  sentOn: '发函日期',
  consultationId: '征求意见编号',
  result: '结果',
  reason: '事由',
  on: '日期',
  basis: '计费方式',
  pages: '页数',
  count: '件数',
  noticeOn: '通知日期',
  paidOn: '缴费日期',
  caseNo: '申请案号',
  body: '复议机关或法院',
  bodyReference: '案号（复议机关或法院）',
  claims: '请求事项',
  secrecyNote: '涉密说明',
  participants: '参会人员（每行一人）',
  representative: '出庭人员',
  documentNo: '文书编号',
  actions: '执行情况',
};

export function fieldLabel(path: string): string {
  return FIELD_LABELS[path] ?? FIELD_LABELS[path.split('.').pop() ?? path] ?? path;
}

/** Messages the API's schemas give in English, by their exact text. */
const MESSAGES: Record<string, string> = {
  'is required': '必填',
  'must not be in the future': '不能晚于今天',
  'must be six digits': '应为6位数字',
  'must be a phone number': '应为电话号码',
  'must look like demo-2026-000123': '格式应如 demo-2026-000123',
  'must look like demo-2026-D0001': '格式应如 demo-2026-D0001',
  'must be a department code': '应为科室代码',
  'no such application': '没有此申请',
  'no such department': '没有此科室',
  'no such rule profile': '没有此规则',
  'list at least one item': '至少填写一项',
  'list the participants': '请填写参会人员',
  'is required when basis is by-pages': '按量计收时必填',
  'registered mail needs the day it was signed for': '挂号信须填写签收日期',
  'organisations are identified by their unified-credit-code': '法人或其他组织应使用统一社会信用代码',
};

/** zod's English messages the API returns for a field, in Chinese where we know them. */
export function fieldMessage(message: string): string {
  const known = MESSAGES[message];
  if (known) return known;
  if (/applications are received when the clerk confirms them/.test(message)) return '此申请方式以确认收到之日为收到日期，登记时不填';
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return '必填';
  if (message.startsWith('must be 5–30 letters')) return '应为5至30位字母、数字或连字符';
  if (/^Too small: expected array to have >=1/.test(message)) return '至少填写一项';
  if (/^Too big/.test(message)) return `超出允许范围（${message}）`;
  if (/^Too small/.test(message)) return `低于允许范围（${message}）`;
  if (/^Invalid email/.test(message)) return '电子邮箱格式不正确';
  if (/^Invalid option/.test(message)) return '请选择有效选项';
  return message;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

/** "剩余 3 个工作日" / "逾期 2 个工作日" / "剩余 45 分钟". */
export function remainingText(remaining: number, unit: 'working-days' | 'minutes', paused = false): string {
  const unitText = unit === 'minutes' ? '分钟' : '个工作日';
  if (paused) return `暂停（剩余 ${remaining} ${unitText}）`;
  if (remaining < 0) return `逾期 ${-remaining} ${unitText}`;
  return `剩余 ${remaining} ${unitText}`;
}
