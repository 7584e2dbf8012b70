/**
 * Disputes over replies (行政复议 / 行政诉讼): filing starts `dispute-<disputeNo>`; one POST
 * per step (a workflow update, 409 with the reason when the state forbids it); reads from
 * the database projection. A user sees and files only its own agency's disputes, each about one
 * of its agency's applications.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AgencyStore } from '../../db/repositories/agency';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import { DISPUTE_KINDS, DISPUTE_RESULTS, DISPUTE_STAGES, type DisputeState } from '../../domain/disputes/types';
import { findRuleProfile } from '../../domain/rulesets';
import { ROLES } from '../../domain/roles';
import { departmentsOutsideAgency } from '../../db/repositories/agency-members';
import { disputedApplicationRuleProfileId, disputeStepTarget, findDispute, listDisputes } from '../../db/repositories/disputes';
import { refuseOtherAgencyMembers } from './agency-members';
import { nextInSequence } from '../../db/repositories/sequences';
import type { Database } from '../../db/schema';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { CASE_NUMBER, DISPUTE_NUMBER, caseNumber } from '../../domain/agency';
import { dispute } from '../../workflows/dispute';
import * as m from '../../workflows/dispute-messages';
import { caseEvents, caseEventView } from '../../db/repositories/case-events';
import { ApiError } from '../errors';
import { caseStepRoutes, offeredStepsOf, type StepUpdate } from '../case-steps';
import { DISPUTE_STEPS } from '../steps/dispute';
import type { RouteTable } from '../route';
import { departmentCode, isoDate, keys, text } from '../schemas';
import { actorOf, startCase } from '../workflow-steps';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import { allowedDisputeActions } from '../../domain/disputes/allowed-actions';
import type { User } from '../../db/repositories/users';

export interface DisputeRouteDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  agency: AgencyStore;
}

const filingSchema = z.object({
  caseNo: z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123'),
  kind: z.enum(keys(DISPUTE_KINDS)),
  receivedOn: isoDate,
  body: text(100),
  bodyReference: text(100).optional(),
  claims: text(4000),
  departmentCode: departmentCode.optional(),
});

const disputeNoParam = z.object({ disputeNo: z.string().regex(DISPUTE_NUMBER, 'must look like demo-2026-D0001') });
const disputeViewSchema = z
  .object({ disputeNo: z.string(), stage: z.string(), clocks: z.array(z.unknown()), events: z.array(z.unknown()) })
  .passthrough()
  .openapi('Dispute');

async function disputeView(db: Kysely<Database>, disputeNo: string, viewer: User) {
  const row = await findDispute(db, viewer.agencyCode, disputeNo);
  if (!row) return null;
  const events = await caseEvents(db, 'dispute', disputeNo);
  const state = row.state as DisputeState;
  return {
    disputeNo: row.dispute_no,
    workflowId: row.workflow_id,
    caseNo: row.case_no,
    kind: row.kind,
    kindLabel: DISPUTE_KINDS[row.kind],
    body: row.body,
    receivedOn: row.received_on,
    stage: row.stage,
    stageLabel: DISPUTE_STAGES[row.stage as keyof typeof DISPUTE_STAGES],
    status: row.status,
    departmentCode: row.department_code,
    /** The steps this user may take now (stage, state, role, department): the console offers only these. */
    allowedActions: offeredStepsOf(
      DISPUTE_STEPS,
      m.disputeStepUpdate as (name: string) => StepUpdate,
      viewer,
      row.department_code,
      allowedDisputeActions(state, shanghaiDateOf(Date.now())),
    ),
    result: row.result,
    resultLabel: row.result ? DISPUTE_RESULTS[row.result] : '尚未审结',
    resultOn: row.result_on,
    defenceDue: row.defence_due,
    evidenceDue: row.evidence_due,
    clocks: state.clocks.map((c) => {
      // A lawsuit's defence clock counts calendar days (行政诉讼法 第六十七条): its remaining days are not working days.
      const calendarDays = c.derived?.unit === 'calendar-days';
      return {
        id: c.id,
        label: c.label,
        rule: c.rule,
        statutory: c.statutory,
        closed: c.closed,
        status: c.derived?.status ?? null,
        due: c.derived?.due ?? null,
        dueAt: c.dueAt,
        unit: calendarDays ? 'calendar-days' : 'working-days',
        remainingWorkingDays: calendarDays ? null : (c.derived?.remainingWorkingDays ?? null),
        ...(calendarDays ? { remainingCalendarDays: c.derived!.remainingWorkingDays, limits: c.derived!.limits ?? null } : {}),
        events: c.events,
        derivation: c.derived?.steps.map((s) => ({ explanation: s.explanation, due: s.due })) ?? [],
      };
    }),
    dispute: state,
    events: events.map(caseEventView),
  };
}

export function disputeRoutes(routes: RouteTable, deps: DisputeRouteDeps): void {
  const { db, temporal, agency: agencyStore } = deps;

  routes.add({
    method: 'post',
    path: '/api/disputes',
    summary: '登记行政复议申请书或起诉状副本，启动争议处置工作流',
    tags: ['disputes'],
    roles: ['clerk', 'admin'],
    body: filingSchema,
    response: { status: 201, description: 'the filed dispute with its defence (and evidence) clocks', schema: disputeViewSchema },
    errors: { 409: 'already exists', 503: 'Temporal unreachable; nothing was filed' },
    handler: async ({ body, user }) => {
      const agency = await agencyStore.of(user!.agencyCode);
      const today = shanghaiDateOf(Date.now());
      if (body.receivedOn > today)
        throw new ApiError(400, 'validation_failed', 'invalid body: receivedOn', [
          { field: 'receivedOn', message: 'must not be in the future' },
        ]);
      // Another agency's application is no application of this one's.
      const ruleProfileId = await disputedApplicationRuleProfileId(db, agency.code, body.caseNo);
      if (!ruleProfileId)
        throw new ApiError(400, 'validation_failed', 'invalid body: caseNo', [{ field: 'caseNo', message: 'no such application' }]);
      if (body.departmentCode && (await departmentsOutsideAgency(db, agency.code, [body.departmentCode])).length > 0) {
        throw new ApiError(400, 'validation_failed', 'invalid body: departmentCode', [
          { field: 'departmentCode', message: 'no such department' },
        ]);
      }
      const profile = findRuleProfile(ruleProfileId)!;
      const year = Number(today.slice(0, 4));
      const disputeNo = caseNumber(agency.code, year, await nextInSequence(db, agency.code, year, 'dispute'), 'D');
      const input: m.DisputeInput = {
        disputeNo,
        agencyCode: agency.code,
        ruleProfile: ruleProfileRef(profile),
        filing: body,
        filedBy: actorOf(user!),
        ...(agency.officeDepartmentCode ? { officeDepartmentCode: agency.officeDepartmentCode } : {}),
      };
      await startCase(temporal, {
        workflow: dispute,
        options: {
          workflowId: `dispute-${disputeNo}`,
          taskQueue: deps.taskQueue,
          args: [input],
          typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('dispute', disputeNo, profile.id, agency.code),
        },
        awaitRegistration: m.awaitFilingUpdate,
        label: `dispute ${disputeNo}`,
      });
      return (await disputeView(db, disputeNo, user!))!;
    },
  });

  routes.add({
    method: 'get',
    path: '/api/disputes',
    summary: '行政争议列表',
    tags: ['disputes'],
    roles: ROLES,
    query: z.object({
      kind: z.enum(keys(DISPUTE_KINDS)).optional(),
      status: z.enum(['open', 'closed']).optional(),
      caseNo: z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123').optional(),
    }),
    response: {
      status: 200,
      description: 'disputes, soonest defence due first',
      schema: z.object({ total: z.number(), items: z.array(z.unknown()) }),
    },
    handler: async ({ query, user }) => {
      const rows = await listDisputes(db, user!.agencyCode, {
        ownDepartment: user!.role === 'department' ? user!.departmentCode : undefined,
        kind: query.kind,
        status: query.status,
        caseNo: query.caseNo,
      });
      return {
        total: rows.length,
        items: rows.map((r) => ({
          disputeNo: r.dispute_no,
          caseNo: r.case_no,
          kind: r.kind,
          kindLabel: DISPUTE_KINDS[r.kind],
          body: r.body,
          receivedOn: r.received_on,
          stage: r.stage,
          status: r.status,
          departmentCode: r.department_code,
          result: r.result,
          resultOn: r.result_on,
          defenceDue: r.defence_due,
          evidenceDue: r.evidence_due,
        })),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/disputes/:disputeNo',
    summary: '行政争议详情：期限及其推算过程、事件',
    tags: ['disputes'],
    roles: ROLES,
    params: disputeNoParam,
    response: { status: 200, description: 'the dispute', schema: disputeViewSchema },
    errors: { 404: 'no such dispute' },
    handler: async ({ params, user }) => {
      const view = await disputeView(db, params.disputeNo, user!);
      if (!view || (user!.role === 'department' && view.departmentCode !== user!.departmentCode))
        throw new ApiError(404, 'not_found', `dispute ${params.disputeNo} not found`);
      return view;
    },
  });

  caseStepRoutes(routes, temporal, {
    casePath: '/api/disputes/:disputeNo',
    params: disputeNoParam,
    tag: 'disputes',
    noun: 'dispute',
    steps: DISPUTE_STEPS,
    updateOf: m.disputeStepUpdate as (name: string) => StepUpdate,
    response: { description: 'the dispute after the step', schema: disputeViewSchema },
    target: (id, agencyCode) => disputeStepTarget(db, agencyCode, id),
    closedMessage: '争议已结案',
    departmentRelation: 'is with',
    verify: ({ payload, user }) => refuseOtherAgencyMembers(db, user.agencyCode, payload),
    // A step without a date happened today.
    complete: (payload) => ({ ...payload, on: (payload.on as string | undefined) ?? shanghaiDateOf(Date.now()) }),
    view: async ({ id, user }) => (await disputeView(db, id, user))!,
  });
}
