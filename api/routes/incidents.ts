/**
 * Public-opinion incidents (舆情回应) and rumour clarifications: intake (which starts
 * `incident-<id>`), one POST per step (a workflow update; refusal → 409 with the reason),
 * reads from the database projection with the accountability records of missed clocks.
 */
import type { Client } from '@temporalio/client';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { AgencyStore } from '../../db/repositories/agency';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import { minutesLate } from '../../domain/incidents/clock';
import { gradesOf, periodsFor, requiredApproval } from '../../domain/incidents/rules';
import { INCIDENT_KINDS, INCIDENT_SOURCES, INCIDENT_STAGES, type IncidentState } from '../../domain/incidents/types';
import { findRuleProfile } from '../../domain/rulesets';
import { ROLES } from '../../domain/roles';
import { accountabilityRecordsOf } from '../../db/repositories/accountability';
import { findIncident, incidentStepTarget, listIncidents } from '../../db/repositories/incidents';
import { nextInSequence } from '../../db/repositories/sequences';
import type { AccountabilityRecordsTable, Database } from '../../db/schema';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { caseNumber } from '../../domain/agency';
import { incident } from '../../workflows/incident';
import * as m from '../../workflows/incident-messages';
import { caseEvents, caseEventView } from '../../db/repositories/case-events';
import { ApiError } from '../errors';
import { caseStepRoutes, offeredStepsOf, type StepUpdate } from '../case-steps';
import { refuseOtherAgencyMembers } from './agency-members';
import { booleanQuery, caseIdParam, keys, pageQuery, pastInstant, text } from '../schemas';
import { INCIDENT_STEPS, incidentGrade } from '../steps/incident';
import { actorOf, startCase } from '../workflow-steps';
import type { RouteTable } from '../route';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import { allowedIncidentActions } from '../../domain/incidents/allowed-actions';
import type { User } from '../../db/repositories/users';

export interface CaseRouteDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  agency: AgencyStore;
}

const intakeSchema = z.object({
  kind: z.enum(keys(INCIDENT_KINDS)).default('incident'),
  grade: incidentGrade,
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

function allowedIncidentActionsFor(
  state: IncidentState,
  row: { rule_profile_id: string; rule_profile_version: string; department_code: string | null },
  viewer: User,
): string[] {
  const profile = findRuleProfile(row.rule_profile_id, row.rule_profile_version);
  return profile
    ? offeredStepsOf(
        INCIDENT_STEPS,
        m.incidentStepUpdate as (name: string) => StepUpdate,
        viewer,
        row.department_code,
        allowedIncidentActions(state, actorOf(viewer), { now: Date.now(), profile }),
      )
    : [];
}

async function incidentView(db: Kysely<Database>, id: string, viewer: User) {
  const row = await findIncident(db, viewer.agencyCode, id);
  if (!row) return null;
  const [events, accountability] = await Promise.all([
    caseEvents(db, 'incident', id),
    accountabilityRecordsOf(db, viewer.agencyCode, 'incident', id),
  ]);
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
    events: events.map(caseEventView),
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
      const agency = await agencyStore.of(user!.agencyCode);
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
      const id = caseNumber(agency.code, year, await nextInSequence(db, agency.code, year, 'incident'));
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
          typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('incident', id, profile.id, agency.code),
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
    handler: async ({ query, user }) => {
      const { rows, total } = await listIncidents(db, user!.agencyCode, {
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

  caseStepRoutes(routes, temporal, {
    casePath: '/api/incidents/:id',
    params: caseIdParam,
    tag: 'incidents',
    noun: 'incident',
    steps: INCIDENT_STEPS,
    updateOf: m.incidentStepUpdate as (name: string) => StepUpdate,
    response: { description: 'the incident after the step', schema: viewSchema },
    target: (id, agencyCode) => incidentStepTarget(db, agencyCode, id),
    closedMessage: '舆情已办结，不能再办理',
    verify: ({ payload, user }) => refuseOtherAgencyMembers(db, user.agencyCode, payload),
    view: async ({ id, user }) => (await incidentView(db, id, user))!,
  });
}
