/** The document steps (公文公开属性认定 → 主动公开): who may take each, what it carries. */
import { z } from 'zod';
import { ATTRIBUTES } from '../../domain/documents/types';
import { isoDate, keys, text } from '../schemas';
import { defineSteps, type StepPayload } from '../case-steps';

export const attribute = z.enum(keys(ATTRIBUTES));
export const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(1000);
const reasonText = text(2000);

export const DOCUMENT_STEPS = defineSteps({
  verify: {
    summary: '办公室核定公开属性',
    roles: ['clerk'],
    body: z.object({ notes: text(1000).optional() }),
  },
  return: {
    summary: '办公室退回拟稿人（缺少公开属性或理由），每轮均有记录',
    roles: ['clerk'],
    body: z.object({ missing: z.array(z.enum(['attribute', 'reasons', 'other'])).min(1), notes: reasonText }),
  },
  resubmit: {
    summary: '拟稿人补正公开属性后重新提交',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({
      proposedAttribute: attribute,
      attributeReasons: reasonText.optional(),
      containsWithheldContent: z.boolean().optional(),
    }),
  },
  'review-secrecy': {
    summary: '保密审查（一级：单位负责人，审核人；二级：领导），留存书面审查记录',
    roles: ['reviewer', 'leader'],
    body: z.object({
      level: z.union([z.literal(1), z.literal(2)]),
      conclusion: z.enum(['pass', 'fail', 'cannot-determine']),
      basis: text(1000),
      notes: reasonText,
      participants: z.array(text(50)).max(30).default([]),
      authority: text(100).optional(),
    }),
  },
  'answer-secrecy-escalation': {
    summary: '登记保密工作部门的答复',
    roles: ['reviewer'],
    body: z.object({ conclusion: z.enum(['may-disclose', 'secret']), notes: reasonText, answeredOn: isoDate }),
  },
  'extend-secrecy-escalation': {
    summary: '保密工作部门延长答复期限（最长7个工作日）',
    roles: ['reviewer'],
    body: z.object({ workingDays: z.number().int().min(1).max(30) }),
  },
  'record-co-issuer': {
    summary: '登记联合发文单位对公开属性的意见',
    roles: ['clerk'],
    body: z.object({ coIssuer: text(100), agreed: z.boolean(), notes: z.string().trim().max(2000).default('') }),
  },
  'sign-off': {
    summary: '领导签发，确定最终公开属性',
    roles: ['leader'],
    body: z.object({ finalAttribute: attribute, reasons: reasonText.optional() }),
  },
  'record-publication': {
    summary: '登记公开发布（渠道、网址、日期）',
    roles: ['clerk'],
    body: z.object({ channel: z.enum(['portal', 'intranet', 'gazette']), url, publishedOn: isoDate }),
  },
  'record-interpretation': {
    summary: '登记政策解读（与文件关联）',
    roles: ['clerk', 'department'],
    ownDepartment: true,
    body: z.object({ title: text(300), url, publishedOn: isoDate }),
  },
  'record-deposit': {
    summary: '登记送交查阅场所 / 档案馆',
    roles: ['clerk'],
    body: z.object({ place: text(200), depositedOn: isoDate }),
  },
  convert: {
    summary: '不公开的公文转为主动公开（发布期限重新起算）',
    roles: ['clerk'],
    body: z.object({ reasons: reasonText }),
  },
  'open-public-comment': {
    summary: '行政规范性文件草案附起草说明公开征求意见（黄岩：不少于7个工作日）',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ startedOn: isoDate, channel: text(100), url: url.optional(), draftingNote: text(5000) }),
  },
  'close-public-comment': {
    summary: '登记征求意见结束及意见采纳情况（不得早于最短期限）',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ endedOn: isoDate, commentsReceived: z.number().int().min(0).max(1_000_000), commentRecord: text(5000) }),
  },
  'exempt-public-comment': {
    summary: '依法不得公开或应急性的草案不公开征求意见，予以说明',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ reason: z.enum(['not-disclosable', 'emergency']), explanation: reasonText }),
  },
  'record-pre-disclosure': {
    summary: '登记重大行政决策预公开（毕节：自发布之日起不超过7个工作日）',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({
      startedOn: isoDate,
      channel: text(100),
      url: url.optional(),
      summary: text(2000),
      workingDays: z.number().int().min(1).max(60),
    }),
  },
  'end-pre-disclosure': {
    summary: '登记预公开结束及听取意见情况',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ endedOn: isoDate, feedback: reasonText }),
  },
  'record-change': {
    summary: '登记已公开信息的变更（变更内容、变更日期），更新期限自变更之日起算',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ summary: text(2000), changedOn: isoDate }),
    reopens: true,
  },
  'publish-change': {
    summary: '登记变更信息已在原发布载体更新',
    roles: ['clerk'],
    body: z.object({
      changeNo: z.number().int().min(1).max(1000),
      channel: z.enum(['portal', 'intranet', 'gazette']),
      url,
      publishedOn: isoDate,
    }),
  },
});

export type DocumentStepPayload<N extends keyof typeof DOCUMENT_STEPS> = StepPayload<typeof DOCUMENT_STEPS, N>;
