/** The citizen-message steps (政民互动): who may take each, what it carries. */
import { z } from 'zod';
import { departmentCode, text, username } from '../schemas';
import { defineSteps, type StepPayload } from '../case-steps';

export const MESSAGE_STEPS = defineSteps({
  assign: {
    summary: '交办承办科室（不得交被投诉、检举的单位）',
    roles: ['clerk'],
    body: z.object({ departmentCode, assignee: username.optional() }),
  },
  transfer: {
    summary: '转办其他科室',
    roles: ['clerk', 'department'],
    ownDepartment: true,
    body: z.object({ departmentCode, reason: text(1000) }),
  },
  extend: {
    summary: '延长办理时限（投诉、求助至7个工作日；重难件至30个工作日）',
    roles: ['leader'],
    body: z.object({ toWorkingDays: z.number().int().min(1).max(60), reason: text(1000) }),
  },
  reply: {
    summary: '回复留言人',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ text: text(8000) }),
  },
  close: { summary: '办结', roles: ['clerk'], body: z.object({}) },
});

export type MessageStepPayload<N extends keyof typeof MESSAGE_STEPS> = StepPayload<typeof MESSAGE_STEPS, N>;
