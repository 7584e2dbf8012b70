/** The incident steps (舆情回应, 澄清): who may take each, what it carries. */
import { z } from 'zod';
import { APPROVAL_LEVELS, INCIDENT_GRADES, type IncidentGradeLevel, RELEASE_CHANNELS } from '../../domain/incidents/types';
import { defineSteps, type StepPayload } from '../case-steps';
import { departmentCode, keys, pastInstant, text, username } from '../schemas';

export const incidentGrade = z.enum(INCIDENT_GRADES as [IncidentGradeLevel, ...IncidentGradeLevel[]]);

export const INCIDENT_STEPS = defineSteps({
  regrade: {
    summary: '调整舆情等级（各时限随之重新推算）',
    roles: ['clerk', 'leader', 'supervisor'],
    body: z.object({ grade: incidentGrade, reason: text(1000) }),
  },
  assign: {
    summary: '交办责任单位',
    roles: ['clerk', 'leader'],
    body: z.object({ departmentCode, assignee: username.optional() }),
  },
  assess: {
    summary: '研判',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ text: text(4000) }),
  },
  plan: {
    summary: '拟定回应（澄清）方案',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({
      text: text(4000),
      issuedInNameOf: z.enum(['government', 'department']).optional(),
      involvedDepartments: z.array(departmentCode).max(20).default([]),
      sensitive: z.boolean().default(false),
    }),
  },
  'record-consent': {
    summary: '登记相关部门同意意见（澄清涉及其他部门职责的）',
    roles: ['clerk'],
    body: z.object({ departmentCode, note: text(1000) }),
  },
  approve: {
    summary: '审批方案（重大及以上由主要领导；以政府名义澄清由本级政府）',
    roles: ['reviewer', 'leader'],
    body: z.object({ level: z.enum(keys(APPROVAL_LEVELS)), comments: text(1000) }),
  },
  release: {
    summary: '统一发布（首次及后续进展）',
    roles: ['clerk'],
    body: z.object({ channel: z.enum(keys(RELEASE_CHANNELS)), text: text(8000), at: pastInstant.optional() }),
  },
  report: {
    summary: '报送领导或上级机关',
    roles: ['clerk', 'leader'],
    body: z.object({ to: z.enum(['leadership', 'superior']), recipient: text(200), summary: text(4000), at: pastInstant.optional() }),
  },
  close: {
    summary: '办结并评估',
    roles: ['clerk', 'leader'],
    body: z.object({ evaluation: text(4000) }),
  },
});

export type IncidentStepPayload<N extends keyof typeof INCIDENT_STEPS> = StepPayload<typeof INCIDENT_STEPS, N>;
