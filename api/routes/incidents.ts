/**
 * Public-opinion incidents (舆情回应) and rumour clarifications: intake (which starts
 * `incident-<id>`), one POST per step (a workflow update; refusal → 409 with the reason),
 * reads from the database projection with the accountability records of missed clocks.
 */
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { AgencyStore } from '../../db/repositories/agency';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import { minutesLate } from '../../domain/incidents/clock';
import { gradesOf, periodsFor, requiredApproval } from '../../domain/incidents/rules';
import {
  APPROVAL_LEVELS,
  INCIDENT_GRADES,
  INCIDENT_KINDS,
  INCIDENT_SOURCES,
  INCIDENT_STAGES,
  type IncidentGradeLevel,
  type IncidentState,
  RELEASE_CHANNELS,
} from '../../domain/incidents/types';
import { findRuleProfile } from '../../domain/rulesets';
import { type Role, ROLES } from '../../domain/roles';
import { accountabilityRecordsOf } from '../../db/repositories/accountability';
import { findIncident, incidentEvents, listIncidents } from '../../db/repositories/incidents';
import { nextInSequence } from '../../db/repositories/sequences';
import type { AccountabilityRecordsTable, Database } from '../../db/schema';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { incident } from '../../workflows/incident';
import * as m from '../../workflows/incident-messages';
import { ApiError } from '../errors';
import { actorOf, offeredSteps, sendStep, startCase } from '../workflow-steps';
import type { RouteTable } from '../route';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import type { StepResult } from '../../workflows/runtime/case-runtime';
import { allowedIncidentActions } from '../../domain/incidents/allowed-actions';
import type { User } from '../../db/repositories/users';

export interface CaseRouteDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  agency: AgencyStore;
}

export const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...Array<keyof T & string>];
export const text = (max: number) => z.string().trim().min(1, 'is required').max(max);
export const departmentCode = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be a department code');
export const username = z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'must be a username');
export const caseIdParam = z.object({ id: z.string().regex(/^\d{4}-\d{6}$/, 'must look like 2026-000123') });
export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const pageQuery = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be 1–500')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'must be 1–500')
    .optional(),
  offset: z
    .string()
    .regex(/^\d{1,7}$/, 'must be a whole number')
    .transform(Number)
    .optional(),
};
/** An instant with its offset, not in the future (a minute of clock skew allowed). */
export const pastInstant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' })
  .refine((v) => Date.parse(v) <= Date.now() + 60_000, 'must not be in the future')
  .transform((v) => new Date(v).toISOString());

const intakeSchema = z.object({
  kind: z.enum(keys(INCIDENT_KINDS)).default('incident'),
  grade: z.enum(INCIDENT_GRADES as [IncidentGradeLevel, ...IncidentGradeLevel[]]),
  title: text(200),
  source: z.enum(keys(INCIDENT_SOURCES)),
  link: z.url().max(2000).optional(),
  summary: text(4000),
  firstSeenAt: pastInstant,
  relatedCase: text(40).optional(),
  relatedDocument: text(200).optional(),
  ruleProfileId: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
});

interface ActionSpec {
  name: string;
  summary: string;
  roles: readonly Role[];
  /** Department users may take this step only on incidents assigned to their own unit. */
  ownDepartment?: boolean;
  body: z.ZodType;
  update: UpdateDefinition<StepResult, [any]>;
}

const ACTIONS: ActionSpec[] = [
  {
    name: 'regrade',
    summary: '调整舆情等级（各时限随之重新推算）',
    roles: ['clerk', 'leader', 'supervisor'],
    body: z.object({ grade: intakeSchema.shape.grade, reason: text(1000) }),
    update: m.regradeUpdate,
  },
  {
    name: 'assign',
    summary: '交办责任单位',
    roles: ['clerk', 'leader'],
    body: z.object({ departmentCode, assignee: username.optional() }),
    update: m.assignIncidentUpdate,
  },
  {
    name: 'assess',
    summary: '研判',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ text: text(4000) }),
    update: m.assessUpdate,
  },
  {
    name: 'plan',
    summary: '拟定回应（澄清）方案',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({
      text: text(4000),
      issuedInNameOf: z.enum(['government', 'department']).optional(),
      involvedDepartments: z.array(departmentCode).max(20).default([]),
      sensitive: z.boolean().default(false),
    }),
    update: m.planUpdate,
  },
  {
    name: 'record-consent',
    summary: '登记相关部门同意意见（澄清涉及其他部门职责的）',
    roles: ['clerk'],
    body: z.object({ departmentCode, note: text(1000) }),
    update: m.recordConsentUpdate,
  },
  {
    name: 'approve',
    summary: '审批方案（重大及以上由主要领导；以政府名义澄清由本级政府）',
    roles: ['reviewer', 'leader'],
    body: z.object({ level: z.enum(keys(APPROVAL_LEVELS)), comments: text(1000) }),
    update: m.approveUpdate,
  },
  {
    name: 'release',
    summary: '统一发布（首次及后续进展）',
    roles: ['clerk'],
    body: z.object({ channel: z.enum(keys(RELEASE_CHANNELS)), text: text(8000), at: pastInstant.optional() }),
    update: m.releaseUpdate,
  },
  {
    name: 'report',
    summary: '报送领导或上级机关',
    roles: ['clerk', 'leader'],
    body: z.object({ to: z.enum(['leadership', 'superior']), recipient: text(200), summary: text(4000), at: pastInstant.optional() }),
    update: m.reportUpdate,
  },
  {
    name: 'close',
    summary: '办结并评估',
    roles: ['clerk', 'leader'],
    body: z.object({ evaluation: text(4000) }),
    update: m.closeIncidentUpdate,
  },
];

function allowedIncidentActionsFor(
  state: IncidentState,
  row: { rule_profile_id: string; rule_profile_version: string; department_code: string | null },
  viewer: User,
): string[] {
  const profile = findRuleProfile(row.rule_profile_id, row.rule_profile_version);
  return profile
    ? offeredSteps(ACTIONS, viewer, row.department_code, allowedIncidentActions(state, actorOf(viewer), { now: Date.now(), profile }))
    : [];
}

async function incidentView(db: Kysely<Database>, id: string, viewer: User) {
  const row = await findIncident(db, id);
  if (!row) return null;
  const [events, accountability] = await Promise.all([incidentEvents(db, id), accountabilityRecordsOf(db, 'incident', id)]);
  const state = row.state as IncidentState;
  return {
    id: row.id,
    workflowId: row.workflow_id,
    kind: row.kind,
    kindLabel: INCIDENT_KINDS[row.kind],
    grade: row.grade,
    stage: row.stage,
    stageLabel: INCIDENT_STAGES[row.stage as keyof typeof INCIDENT_STAGES],
    status: row.status,
    overdue: row.overdue,
    title: row.title,
    source: row.source,
    departmentCode: row.department_code,
    firstSeenAt: row.first_seen_at,
    reportDueAt: row.report_due_at,
    responseDueAt: row.response_due_at,
    ruleProfile: { id: row.rule_profile_id, version: row.rule_profile_version },
    requiredApproval: requiredApproval(state),
    /** The steps this user may take now (stage, state, role, department): the console offers only these. */
    allowedActions: allowedIncidentActionsFor(state, row, viewer),
    clocks: state.clocks.map((c) => ({
      id: c.id,
      label: c.label,
      rule: c.rule,
      citation: c.citation,
      status: c.derived.status,
      dueAt: c.derived.dueAt,
      stoppedAt: c.derived.stoppedAt,
      lateMinutes: c.derived.lateMinutes,
      events: c.events,
      derivation: c.derived.steps.map((s) => ({ explanation: s.explanation, dueAt: s.dueAt })),
    })),
    updates: state.updates,
    incident: state,
    accountability: accountability.map(accountabilityView),
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      actor: e.actor_username,
      role: e.actor_role,
      at: e.occurred_at,
      payload: e.payload,
    })),
  };
}

export function accountabilityView(r: Selectable<AccountabilityRecordsTable>) {
  const lateMinutes = r.late_minutes ?? minutesLate(Date.now(), new Date(r.due_at).getTime());
  return {
    clockId: r.clock_id,
    clockLabel: r.clock_label,
    responsible: r.responsible,
    responsiblePerson: r.responsible_person,
    dueAt: r.due_at,
    missedAt: r.missed_at,
    satisfiedAt: r.satisfied_at,
    /** Minutes past due: final once the step was done, else as of now. */
    lateMinutes,
    outstanding: r.satisfied_at === null,
  };
}

const viewSchema = z
  .object({ id: z.string(), stage: z.string(), clocks: z.array(z.unknown()), events: z.array(z.unknown()) })
  .passthrough();

export function incidentRoutes(routes: RouteTable, deps: CaseRouteDeps): void {
  const { db, temporal, agency: agencyStore } = deps;

  routes.add({
    method: 'post',
    path: '/api/incidents',
    summary: '登记一起政务舆情或需澄清的虚假信息，启动其工作流（时限自发现时间起算，不分昼夜）',
    tags: ['incidents'],
    roles: ['clerk', 'department'],
    body: intakeSchema,
    response: { status: 201, description: 'the registered incident with its clocks', schema: viewSchema.openapi('Incident') },
    errors: { 409: 'already exists', 503: 'Temporal unreachable; nothing was registered' },
    handler: async ({ body, user }) => {
      const agency = await agencyStore.current();
      const profile = findRuleProfile(body.ruleProfileId ?? agency.defaultRuleProfileId);
      if (!profile)
        throw new ApiError(400, 'validation_failed', 'invalid body: ruleProfileId', [
          { field: 'ruleProfileId', message: 'no such rule profile' },
        ]);
      if (!gradesOf(profile).includes(body.grade)) {
        throw new ApiError(400, 'validation_failed', 'invalid body: grade', [
          { field: 'grade', message: `profile ${profile.id} grades are ${gradesOf(profile).join(', ')}` },
        ]);
      }
      periodsFor(profile, body.grade);
      const year = Number(shanghaiDateOf(Date.now()).slice(0, 4));
      const id = `${year}-${String(await nextInSequence(db, agency.code, year, 'incident')).padStart(6, '0')}`;
      const { ruleProfileId: _p, kind, grade, ...intake } = body;
      const input: m.IncidentInput = {
        id,
        agencyCode: agency.code,
        kind,
        grade,
        ruleProfile: ruleProfileRef(profile),
        intake,
        registeredBy: actorOf(user!),
      };
      await startCase(temporal, {
        workflow: incident,
        options: {
          workflowId: `incident-${id}`,
          taskQueue: deps.taskQueue,
          args: [input],
          typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('incident', id, profile.id),
        },
        awaitRegistration: m.awaitIncidentRegistrationUpdate,
        label: `incident ${id}`,
      });
      return (await incidentView(db, id, user!))!;
    },
  });

  routes.add({
    method: 'get',
    path: '/api/incidents',
    summary: '舆情列表（按等级、状态、是否超时筛选）',
    tags: ['incidents'],
    roles: ROLES,
    query: z.object({
      grade: intakeSchema.shape.grade.optional(),
      state: z.enum(keys(INCIDENT_STAGES)).optional(),
      status: z.enum(['open', 'closed']).optional(),
      kind: z.enum(keys(INCIDENT_KINDS)).optional(),
      overdue: booleanQuery.optional(),
      ...pageQuery,
    }),
    response: {
      status: 200,
      description: 'incidents, most recently seen first',
      schema: z.object({ total: z.number(), items: z.array(z.unknown()) }),
    },
    handler: async ({ query }) => {
      const { rows, total } = await listIncidents(db, {
        grade: query.grade,
        stage: query.state,
        status: query.status,
        kind: query.kind,
        overdue: query.overdue,
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      return {
        total,
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          grade: r.grade,
          stage: r.stage,
          stageLabel: INCIDENT_STAGES[r.stage as keyof typeof INCIDENT_STAGES],
          status: r.status,
          title: r.title,
          source: r.source,
          departmentCode: r.department_code,
          firstSeenAt: r.first_seen_at,
          reportDueAt: r.report_due_at,
          responseDueAt: r.response_due_at,
          overdue: r.overdue,
        })),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/incidents/:id',
    summary: '舆情详情：等级、时限及其推算过程、事件、问责记录',
    tags: ['incidents'],
    roles: ROLES,
    params: caseIdParam,
    response: { status: 200, description: 'the incident', schema: viewSchema },
    errors: { 404: 'no such incident' },
    handler: async ({ params, user }) => {
      const view = await incidentView(db, params.id, user!);
      if (!view) throw new ApiError(404, 'not_found', `incident ${params.id} not found`);
      return view;
    },
  });

  for (const action of ACTIONS) {
    routes.add({
      method: 'post',
      path: `/api/incidents/:id/${action.name}`,
      summary: action.summary,
      tags: ['incidents'],
      roles: action.roles,
      params: caseIdParam,
      body: action.body,
      response: { status: 200, description: 'the incident after the step', schema: viewSchema },
      errors: { 404: 'no such incident', 409: 'the step is not allowed in the incident’s current state (reason in message)' },
      handler: async ({ params, body, user }) => {
        const row = await db
          .selectFrom('incidents')
          .select(['workflow_id', 'department_code', 'status'])
          .where('id', '=', params.id)
          .executeTakeFirst();
        if (!row) throw new ApiError(404, 'not_found', `incident ${params.id} not found`);
        if (row.status === 'closed') throw new ApiError(409, 'conflict', '舆情已办结，不能再办理');
        if (action.ownDepartment && user!.role === 'department' && row.department_code !== user!.departmentCode) {
          throw new ApiError(
            403,
            'forbidden',
            `incident ${params.id} is assigned to ${row.department_code ?? 'no unit'}, not ${user!.departmentCode}`,
          );
        }
        await sendStep(temporal, row.workflow_id, action.update, { ...(body as object), actor: actorOf(user!) });
        return (await incidentView(db, params.id, user!))!;
      },
    });
  }
}
