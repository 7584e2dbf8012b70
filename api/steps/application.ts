/** The application steps (依申请公开): who may take each, what it carries. */
import { AGENCY_CODE } from '../../domain/agency';
import { z } from 'zod';
import { DELIVERY_METHODS, NOTICE_DELIVERY_METHODS } from '../../domain/application/types';
import { type Outcome, OUTCOME_CODES, type Section36Reply, SECTION_36_REPLIES } from '../../domain/outcomes';
import { isoDate, keys, text } from '../schemas';
import { defineSteps, type StepPayload } from '../case-steps';

const outcome = z.enum(OUTCOME_CODES as [Outcome, ...Outcome[]]);
/** EMS / registered-mail numbers: letters and digits. */
const trackingNo = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{6,40}$/, 'must be the postal tracking number');
const reasonText = text(2000);

export const APPLICATION_STEPS = defineSteps({
  'confirm-receipt': {
    summary: '确认收到申请（平信、网络、传真、电子邮件）：答复期限自此起算',
    roles: ['clerk'],
    body: z.object({ receivedOn: isoDate }),
  },
  'request-correction': {
    summary: '一次性告知补正（条例第三十条）',
    roles: ['clerk'],
    body: z.object({ items: z.array(text(500)).min(1).max(20), periodWorkingDays: z.number().int().min(1).max(60) }),
  },
  'submit-correction': {
    summary: '登记收到补正材料：答复期限重新起算',
    roles: ['clerk'],
    body: z.object({
      receivedOn: isoDate,
      /** The corrected application and materials as stored in the case's files (SHA-256 and name), recorded with the event. */
      materials: z
        .array(z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'), filename: text(255) }))
        .max(50)
        .optional(),
    }),
  },
  accept: { summary: '受理', roles: ['clerk'], body: z.object({}) },
  assign: {
    summary: '交办承办科室',
    roles: ['clerk'],
    body: z.object({
      departmentCode: z.string().regex(/^[a-z0-9-]{1,32}$/),
      assignee: z
        .string()
        .regex(/^[a-z0-9_.-]{1,64}$/)
        .optional(),
    }),
  },
  propose: {
    summary: '承办科室提出答复意见',
    roles: ['department'],
    ownDepartment: true,
    body: z.object({ outcome, summary: text(2000), reasons: reasonText }),
  },
  'review-secrecy': {
    summary: '保密审查（一级：科室负责人；二级：分管领导）',
    roles: ['reviewer', 'leader'],
    body: z.object({
      level: z.union([z.literal(1), z.literal(2)]),
      conclusion: z.enum(['pass', 'fail', 'cannot-determine']),
      notes: text(2000),
      /** Required with 'cannot-determine': the secrecy authority the question goes to. */
      authority: text(100).optional(),
    }),
  },
  'answer-secrecy-escalation': {
    summary: '登记保密工作部门的答复',
    roles: ['reviewer'],
    body: z.object({ conclusion: z.enum(['may-disclose', 'secret']), notes: text(2000), answeredOn: isoDate }),
  },
  'extend-secrecy-escalation': {
    summary: '保密工作部门延长答复期限（最长7个工作日）',
    roles: ['reviewer'],
    body: z.object({ workingDays: z.number().int().min(1).max(30) }),
  },
  decide: {
    summary: '拟定答复（办理结果、理由、法律依据）',
    roles: ['clerk'],
    body: z
      .object({
        outcome,
        section36: z.enum(Object.keys(SECTION_36_REPLIES) as [Section36Reply, ...Section36Reply[]]).optional(),
        reasons: reasonText,
        legalBasis: text(1000),
        referral: text(1000).optional(),
        /** §36(五): the competent agency is on this platform; the application is handed over to it when this case closes. */
        referralAgencyCode: z.string().regex(AGENCY_CODE, 'must be an agency code').optional(),
      })
      .refine((b) => b.referralAgencyCode === undefined || b.section36 === 'not-this-agency', {
        path: ['referralAgencyCode'],
        message: 'names the competent agency of a §36(五) reply: section36 must be not-this-agency',
      }),
  },
  'sign-off': { summary: '领导签发，生成答复书', roles: ['leader'], body: z.object({}) },
  deliver: {
    summary: '送达答复（邮寄须填写邮件号码）',
    roles: ['clerk'],
    body: z
      .object({
        method: z.enum(keys(DELIVERY_METHODS)),
        deliveredOn: isoDate,
        trackingNo: trackingNo.optional(),
        proof: text(500).optional(),
      })
      .refine((b) => b.method !== 'post' || b.trackingNo !== undefined, {
        path: ['trackingNo'],
        message: 'is required when the reply is posted',
      }),
  },
  close: { summary: '归档办结', roles: ['clerk'], body: z.object({}) },
  'start-consultation': {
    summary: '征求第三方或其他机关意见（期间不计入答复期限）',
    roles: ['clerk'],
    body: z.object({ kind: z.enum(['third-party', 'other-agency']), party: text(200), address: text(200).optional(), sentOn: isoDate }),
  },
  'record-consultation-answer': {
    summary: '登记征求意见的答复',
    roles: ['clerk'],
    body: z.object({
      consultationId: z.string().regex(/^[a-z-]+-\d+$/),
      result: z.enum(['agree', 'object']),
      receivedOn: isoDate,
      summary: text(2000).optional(),
    }),
  },
  suspend: {
    summary: '中止办理（不可抗力或其他法定事由）',
    roles: ['clerk'],
    body: z.object({ reason: reasonText, on: isoDate }),
  },
  resume: { summary: '恢复办理', roles: ['clerk'], body: z.object({ on: isoDate }) },
  'issue-fee-notice': {
    summary: '发出收费通知（国办函〔2020〕109号）',
    roles: ['clerk'],
    body: z
      .object({
        basis: z.enum(['by-count', 'by-pages']),
        pages: z.number().int().min(0).max(1_000_000).optional(),
        count: z.number().int().min(1).max(1000).optional(),
        noticeOn: isoDate,
      })
      .refine((b) => b.basis !== 'by-pages' || b.pages !== undefined, { path: ['pages'], message: 'is required when basis is by-pages' }),
  },
  'record-fee-payment': {
    summary: '登记缴费',
    roles: ['clerk'],
    body: z.object({ paidOn: isoDate }),
  },
  'request-extension': {
    summary: '申请延期答复',
    roles: ['clerk', 'department'],
    ownDepartment: true,
    body: z.object({ workingDays: z.number().int().min(1).max(60), reason: reasonText }),
  },
  'approve-extension': {
    summary: '批准延期答复（政府信息公开工作机构负责人）',
    roles: ['leader'],
    body: z.object({}),
  },
  withdraw: {
    summary: '登记申请人撤回申请',
    roles: ['clerk'],
    body: z.object({ on: isoDate, reason: reasonText }),
  },
  'decide-fee-waiver': {
    summary: '领导对减免信息处理费申请作出决定（国办函〔2020〕109号）',
    roles: ['leader'],
    body: z.object({ approved: z.boolean(), reasons: reasonText }),
  },
  'record-notice-delivery': {
    summary: '登记文书送达（方式、日期、凭证）：自收到之日起算的期限（补正、缴费、征求意见）自次日起算',
    roles: ['clerk'],
    body: z
      .object({
        docNo: z.string().trim().min(1).max(100),
        method: z.enum(keys(NOTICE_DELIVERY_METHODS)),
        deliveredOn: isoDate,
        trackingNo: trackingNo.optional(),
        proof: text(500).optional(),
      })
      .refine((b) => b.method !== 'post' || b.trackingNo !== undefined, {
        path: ['trackingNo'],
        message: 'is required for delivery by post',
      }),
  },
  'request-reasons': {
    summary: '申请数量、频次明显超过合理范围：要求申请人说明理由（条例第三十五条）',
    roles: ['clerk'],
    body: z.object({ explanation: reasonText }),
  },
  'rule-excessive-request': {
    summary: '认定申请理由是否合理；合理但无法按期答复的，确定延迟答复的合理期限（条例第三十五条）',
    roles: ['leader'],
    body: z
      .object({
        reasonable: z.boolean(),
        explanation: reasonText,
        reasonsReceivedOn: isoDate.optional(),
        laterWorkingDays: z.number().int().min(1).max(120).optional(),
      })
      .refine((b) => b.reasonable || b.laterWorkingDays === undefined, {
        path: ['laterWorkingDays'],
        message: 'only for a request ruled reasonable',
      }),
  },
});

export type ApplicationStepPayload<N extends keyof typeof APPLICATION_STEPS> = StepPayload<typeof APPLICATION_STEPS, N>;
