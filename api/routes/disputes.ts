/**
 * Disputes over replies (行政复议 / 行政诉讼): filing starts `dispute-<disputeNo>`; one POST
 * per step (a workflow update, 409 with the reason when the state forbids it); reads from
 * the database projection.
 */
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AgencyStore } from '../../db/repositories/agency';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import { DISPUTE_KINDS, DISPUTE_RESULTS, DISPUTE_STAGES, type DisputeState } from '../../domain/disputes/types';
import { findRuleProfile } from '../../domain/rulesets';
import { type Role, ROLES } from '../../domain/roles';
import { applicationRuleProfileId } from '../../db/repositories/applications';
import { findDepartment } from '../../db/repositories/departments';
import { disputeEvents, findDispute, listDisputes } from '../../db/repositories/disputes';
import { nextInSequence } from '../../db/repositories/sequences';
import type { Database } from '../../db/schema';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { dispute } from '../../workflows/dispute';
import * as m from '../../workflows/dispute-messages';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';
import { isoDate } from '../schemas';
import { actorOf, offeredSteps, sendStep, startCase } from '../workflow-steps';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import type { StepResult } from '../../workflows/runtime/case-runtime';
import { allowedDisputeActions } from '../../domain/disputes/allowed-actions';
import type { User } from '../../db/repositories/users';

export interface DisputeRouteDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  agency: AgencyStore;
}

const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...Array<keyof T & string>];
const text = (max: number) => z.string().trim().min(1, 'is required').max(max);
const departmentCode = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be a department code');
/** Defaults to today; never in the future (checked again by the workflow against the filing). */
const on = isoDate.optional();

const filingSchema = z.object({
  caseNo: z.string().regex(/^\d{4}-\d{6}$/, 'must look like 2026-000123'),
  kind: z.enum(keys(DISPUTE_KINDS)),
  receivedOn: isoDate,
  body: text(100),
  bodyReference: text(100).optional(),
  claims: text(4000),
  departmentCode: departmentCode.optional(),
});

interface StepSpec {
  name: string;
  summary: string;
  roles: readonly Role[];
  /** A department user may only act on a dispute forwarded to its own department. */
  ownDepartment?: boolean;
  body: z.ZodObject;
  update: UpdateDefinition<StepResult, [any]>; // payloads differ per step; zod has checked each
}

const STEPS: StepSpec[] = [
  {
    name: 'forward',
    summary: '将复议申请书（起诉状）副本转交业务科室',
    roles: ['clerk'],
    body: z.object({ departmentCode, on }),
    update: m.forwardUpdate,
  },
  {
    name: 'submit-evidence',
    summary: '业务科室提供证据、依据和其他证明材料',
    roles: ['department', 'clerk'],
    ownDepartment: true,
    body: z.object({ items: z.array(text(500)).min(1, 'list at least one item').max(100), secrecyNote: text(1000).optional(), on }),
    update: m.submitEvidenceUpdate,
  },
  {
    name: 'submit-defence',
    summary: '提交答辩状',
    roles: ['clerk'],
    body: z.object({ summary: text(4000), on }),
    update: m.submitDefenceUpdate,
  },
  {
    name: 'hold-meeting',
    summary: '召开工作协商会',
    roles: ['clerk'],
    body: z.object({ participants: z.array(text(100)).min(1, 'list the participants').max(50), conclusion: text(2000), on }),
    update: m.holdMeetingUpdate,
  },
  {
    name: 'record-hearing',
    summary: '出庭应诉（复议审理）',
    roles: ['clerk'],
    body: z.object({ representative: text(100), notes: text(4000), on }),
    update: m.recordHearingUpdate,
  },
  {
    name: 'record-result',
    summary: '登记复议决定或裁判结果',
    roles: ['clerk', 'admin'],
    body: z.object({ result: z.enum(keys(DISPUTE_RESULTS)), summary: text(2000), documentNo: text(100).optional(), on }),
    update: m.recordResultUpdate,
  },
  {
    name: 'record-enforcement',
    summary: '执行复议决定（判决）',
    roles: ['clerk', 'department'],
    ownDepartment: true,
    body: z.object({ actions: text(2000), on }),
    update: m.recordEnforcementUpdate,
  },
  {
    name: 'withdraw',
    summary: '申请人撤回复议申请（撤诉）',
    roles: ['clerk'],
    body: z.object({ reason: text(500), on }),
    update: m.withdrawUpdate,
  },
];

const disputeNoParam = z.object({ disputeNo: z.string().regex(/^\d{4}-D\d{4,}$/, 'must look like 2026-D0001') });
const disputeViewSchema = z
  .object({ disputeNo: z.string(), stage: z.string(), clocks: z.array(z.unknown()), events: z.array(z.unknown()) })
  .passthrough()
  .openapi('Dispute');

async function disputeView(db: Kysely<Database>, disputeNo: string, viewer: User) {
  const row = await findDispute(db, disputeNo);
  if (!row) return null;
  const events = await disputeEvents(db, disputeNo);
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
    allowedActions: offeredSteps(STEPS, viewer, row.department_code, allowedDisputeActions(state, shanghaiDateOf(Date.now()))),
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
      const agency = await agencyStore.current();
      const today = shanghaiDateOf(Date.now());
      if (body.receivedOn > today)
        throw new ApiError(400, 'validation_failed', 'invalid body: receivedOn', [
          { field: 'receivedOn', message: 'must not be in the future' },
        ]);
      const ruleProfileId = await applicationRuleProfileId(db, body.caseNo);
      if (!ruleProfileId)
        throw new ApiError(400, 'validation_failed', 'invalid body: caseNo', [{ field: 'caseNo', message: 'no such application' }]);
      if (body.departmentCode && !(await findDepartment(db, body.departmentCode))) {
        throw new ApiError(400, 'validation_failed', 'invalid body: departmentCode', [
          { field: 'departmentCode', message: 'no such department' },
        ]);
      }
      const profile = findRuleProfile(ruleProfileId)!;
      const year = Number(today.slice(0, 4));
      const disputeNo = `${year}-D${String(await nextInSequence(db, agency.code, year, 'dispute')).padStart(4, '0')}`;
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
          typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('dispute', disputeNo, profile.id),
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
      caseNo: z
        .string()
        .regex(/^\d{4}-\d{6}$/, 'must look like 2026-000123')
        .optional(),
    }),
    response: {
      status: 200,
      description: 'disputes, soonest defence due first',
      schema: z.object({ total: z.number(), items: z.array(z.unknown()) }),
    },
    handler: async ({ query, user }) => {
      const rows = await listDisputes(db, {
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

  for (const step of STEPS) {
    routes.add({
      method: 'post',
      path: `/api/disputes/:disputeNo/${step.name}`,
      summary: step.summary,
      tags: ['disputes'],
      roles: step.roles,
      params: disputeNoParam,
      body: step.body,
      response: { status: 200, description: 'the dispute after the step', schema: disputeViewSchema },
      errors: { 404: 'no such dispute', 409: 'the step is not allowed in the dispute’s current state (reason in message)' },
      handler: async ({ params, body, user }) => {
        const row = await db
          .selectFrom('disputes')
          .select(['workflow_id', 'department_code', 'status'])
          .where('dispute_no', '=', params.disputeNo)
          .executeTakeFirst();
        if (!row) throw new ApiError(404, 'not_found', `dispute ${params.disputeNo} not found`);
        if (row.status === 'closed') throw new ApiError(409, 'conflict', '争议已结案'); // its workflow has completed and takes no more updates
        if (step.ownDepartment && user!.role === 'department' && row.department_code !== user!.departmentCode) {
          throw new ApiError(
            403,
            'forbidden',
            `dispute ${params.disputeNo} is with ${row.department_code ?? 'no department'}, not ${user!.departmentCode}`,
          );
        }
        const payload = {
          ...(body as { on?: string }),
          on: (body as { on?: string }).on ?? shanghaiDateOf(Date.now()),
          actor: actorOf(user!),
        };
        // A refusal, or a dispute closed between our read and the step, is a 409 (sendStep).
        await sendStep(temporal, row.workflow_id, step.update, payload);
        return (await disputeView(db, params.disputeNo, user!))!;
      },
    });
  }
}
