/** The dispute steps (行政复议 / 行政诉讼): who may take each, what it carries. */
import { z } from 'zod';
import { DISPUTE_RESULTS } from '../../domain/disputes/types';
import { departmentCode, isoDate, keys, text } from '../schemas';
import { defineSteps, type StepPayload } from '../case-steps';

/** Defaults to today (the route fills it in); never in the future (checked again by the workflow against the filing). */
const on = isoDate.optional();

export const DISPUTE_STEPS = defineSteps({
  forward: {
    summary: '将复议申请书（起诉状）副本转交业务科室',
    roles: ['clerk'],
    body: z.object({ departmentCode, on }),
  },
  'submit-evidence': {
    summary: '业务科室提供证据、依据和其他证明材料',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ items: z.array(text(500)).min(1, 'list at least one item').max(100), secrecyNote: text(1000).optional(), on }),
  },
  'submit-defence': {
    summary: '提交答辩状',
    roles: ['clerk'],
    body: z.object({ summary: text(4000), on }),
  },
  'hold-meeting': {
    summary: '召开工作协商会',
    roles: ['clerk'],
    body: z.object({ participants: z.array(text(100)).min(1, 'list the participants').max(50), conclusion: text(2000), on }),
  },
  'record-hearing': {
    summary: '出庭应诉（复议审理）',
    roles: ['clerk'],
    body: z.object({ representative: text(100), notes: text(4000), on }),
  },
  'record-result': {
    summary: '登记复议决定或裁判结果',
    roles: ['clerk', 'admin'],
    body: z.object({ result: z.enum(keys(DISPUTE_RESULTS)), summary: text(2000), documentNo: text(100).optional(), on }),
  },
  'record-enforcement': {
    summary: '执行复议决定（判决）',
    roles: ['clerk', 'department'],
    ownDepartment: true,
    body: z.object({ actions: text(2000), on }),
  },
  withdraw: {
    summary: '申请人撤回复议申请（撤诉）',
    roles: ['clerk'],
    body: z.object({ reason: text(500), on }),
  },
});

export type DisputeStepPayload<N extends keyof typeof DISPUTE_STEPS> = StepPayload<typeof DISPUTE_STEPS, N>;
