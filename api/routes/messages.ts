/**
 * Citizen messages (政民互动): intake (which starts `message-<id>`), one POST per step, reads
 * from the projection. The writer's identity (name, phone, email, address) is in every view
 * only for users allowed to see it: never for a user of the department the message complains
 * about (seed 004 第七条), and never for department users when the writer asked for
 * confidentiality.
 */

import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import { limitFor } from '../../domain/messages/rules';
import { MESSAGE_CHANNELS, MESSAGE_STAGES, MESSAGE_TYPES, type MessageState } from '../../domain/messages/types';
import { currentRuleProfiles, findRuleProfile } from '../../domain/rulesets';
import { ROLES } from '../../domain/roles';
import type { User } from '../../db/repositories/users';
import { accountabilityRecordsOf } from '../../db/repositories/accountability';
import { citizenMessageStepTarget, findCitizenMessage, listCitizenMessages } from '../../db/repositories/citizen-messages';
import { nextInSequence } from '../../db/repositories/sequences';
import type { CitizenMessagesTable, Database } from '../../db/schema';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { caseNumber } from '../../domain/agency';
import { message } from '../../workflows/message';
import * as m from '../../workflows/message-messages';
import { caseEvents, caseEventView } from '../../db/repositories/case-events';
import { ApiError } from '../errors';
import { caseStepRoutes, offeredStepsOf, type StepUpdate } from '../case-steps';
import { departmentsOutsideAgency } from '../../db/repositories/agency-members';
import { refuseOtherAgencyMembers } from './agency-members';
import { MESSAGE_STEPS } from '../steps/message';
import { recordMessageWriterRead } from '../personal-data';
import type { RouteTable } from '../route';
import { isoDate } from '../schemas';
import { actorOf, startCase } from '../workflow-steps';
import { accountabilityView, type CaseRouteDeps } from './incidents';
import { booleanQuery, caseIdParam, departmentCode, keys, pageQuery, text } from '../schemas';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import { allowedMessageActions } from '../../domain/messages/allowed-actions';

const intakeSchema = z
  .object({
    type: z.enum(keys(MESSAGE_TYPES)),
    channel: z.enum(keys(MESSAGE_CHANNELS)),
    subject: text(200),
    content: text(8000),
    receivedOn: isoDate.optional(),
    confidential: z.boolean().default(false),
    complainedDepartmentCode: departmentCode.optional(),
    writer: z.object({
      name: text(100),
      phone: z
        .string()
        .trim()
        .regex(/^[0-9+\- ]{5,20}$/, 'must be a phone number')
        .optional(),
      email: z.email().optional(),
      address: text(200).optional(),
    }),
    ruleProfileId: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.receivedOn && v.receivedOn > shanghaiDateOf(Date.now()))
      ctx.addIssue({ code: 'custom', path: ['receivedOn'], message: 'must not be in the future' });
    if (v.complainedDepartmentCode && v.type !== 'complaint' && v.type !== 'investigation' && v.type !== 'hard-case') {
      ctx.addIssue({
        code: 'custom',
        path: ['complainedDepartmentCode'],
        message: 'only complaints, investigations and hard cases name a department complained about',
      });
    }
  });

type MessageRow = Selectable<CitizenMessagesTable>;

/** Seed 004 第七条: who may see the writer's identity. */
export function writerVisibleTo(user: User, row: Pick<MessageRow, 'complained_department_code' | 'confidential'>): boolean {
  if (row.complained_department_code && user.departmentCode === row.complained_department_code) return false;
  if (row.confidential && user.role === 'department') return false;
  return true;
}

function writerOf(row: MessageRow) {
  return { name: row.writer_name, phone: row.writer_phone, email: row.writer_email, address: row.writer_address };
}

function allowedMessageActionsFor(
  state: MessageState,
  row: { rule_profile_id: string; rule_profile_version: string; department_code: string | null },
  viewer: User,
): string[] {
  const profile = findRuleProfile(row.rule_profile_id, row.rule_profile_version);
  return profile
    ? offeredStepsOf(
        MESSAGE_STEPS,
        m.messageStepUpdate as (name: string) => StepUpdate,
        viewer,
        row.department_code,
        allowedMessageActions(state, actorOf(viewer), { profile }),
      )
    : [];
}

async function messageView(db: Kysely<Database>, id: string, user: User) {
  const row = await findCitizenMessage(db, user.agencyCode, id);
  // A department works only on messages assigned to it; the one complained about never sees the complaint at all.
  if (!row || (user.role === 'department' && row.department_code !== user.departmentCode)) return null;
  const [events, accountability] = await Promise.all([
    caseEvents(db, 'message', id),
    accountabilityRecordsOf(db, user.agencyCode, 'message', id),
  ]);
  const state = row.state as MessageState;
  const visible = writerVisibleTo(user, row);
  return {
    id: row.id,
    workflowId: row.workflow_id,
    type: row.type,
    typeLabel: MESSAGE_TYPES[row.type as keyof typeof MESSAGE_TYPES],
    channel: row.channel,
    subject: row.subject,
    stage: row.stage,
    stageLabel: MESSAGE_STAGES[row.stage as keyof typeof MESSAGE_STAGES],
    status: row.status,
    overdue: row.overdue,
    departmentCode: row.department_code,
    complainedDepartmentCode: row.complained_department_code,
    confidential: row.confidential,
    ...(visible ? { writer: writerOf(row) } : { writerWithheld: true }),
    receivedOn: row.received_on,
    replyDue: row.reply_due,
    ruleProfile: { id: row.rule_profile_id, version: row.rule_profile_version },
    clock: {
      label: state.clock.label,
      rule: state.clock.rule,
      status: state.clock.derived?.status ?? null,
      due: state.reply ? state.reply.due : (state.clock.derived?.due ?? null),
      dueAt: state.clock.dueAt,
      totalWorkingDays: state.clock.derived?.totalWorkingDays ?? null,
      remainingWorkingDays: state.clock.derived?.remainingWorkingDays ?? null,
      provisional: state.clock.derived?.provisional ?? false,
      events: state.clock.events,
      derivation: state.clock.derived?.steps.map((s) => ({ explanation: s.explanation, due: s.due })) ?? [],
    },
    message: { ...state, writer: undefined },
    /** The steps this user may take now (stage, state, role, department): the console offers only these. */
    allowedActions: allowedMessageActionsFor(state, row, user),
    accountability: accountability.map(accountabilityView),
    events: events.map(caseEventView),
  };
}

const viewSchema = z.object({ id: z.string(), stage: z.string(), clock: z.unknown(), events: z.array(z.unknown()) }).passthrough();

export function messageRoutes(routes: RouteTable, deps: CaseRouteDeps): void {
  const { db, temporal, agency: agencyStore } = deps;

  routes.add({
    method: 'post',
    path: '/api/messages',
    summary: '登记一件网民留言（政民互动），启动其工作流',
    tags: ['messages'],
    roles: ['clerk'],
    body: intakeSchema,
    response: { status: 201, description: 'the registered message with its reply clock', schema: viewSchema.openapi('CitizenMessage') },
    errors: { 409: 'already exists', 503: 'Temporal unreachable; nothing was registered' },
    handler: async ({ body, user }) => {
      const agency = await agencyStore.of(user!.agencyCode);
      const profile = findRuleProfile(body.ruleProfileId ?? agency.defaultRuleProfileId);
      if (!profile || !limitFor(profile, body.type)) {
        const withLimits = currentRuleProfiles()
          .filter((p) => p.citizenMessages)
          .map((p) => p.id);
        throw new ApiError(400, 'validation_failed', 'invalid body: ruleProfileId', [
          {
            field: 'ruleProfileId',
            message: profile
              ? `profile ${profile.id} sets no citizen-message limits; profiles that do: ${withLimits.join(', ')}`
              : 'no such rule profile',
          },
        ]);
      }
      if (body.complainedDepartmentCode && (await departmentsOutsideAgency(db, agency.code, [body.complainedDepartmentCode])).length > 0)
        throw new ApiError(400, 'validation_failed', 'invalid body: complainedDepartmentCode', [
          { field: 'complainedDepartmentCode', message: 'no such department of this agency' },
        ]);
      const receivedOn = body.receivedOn ?? shanghaiDateOf(Date.now());
      const year = Number(shanghaiDateOf(Date.now()).slice(0, 4));
      const id = caseNumber(agency.code, year, await nextInSequence(db, agency.code, year, 'message'));
      const { ruleProfileId: _p, writer, ...intake } = body;
      const input: m.MessageInput = {
        id,
        agencyCode: agency.code,
        ruleProfile: ruleProfileRef(profile),
        writer,
        intake: { ...intake, receivedOn },
        registeredBy: actorOf(user!),
      };
      await startCase(temporal, {
        workflow: message,
        options: {
          workflowId: `message-${id}`,
          taskQueue: deps.taskQueue,
          args: [input],
          typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('message', id, profile.id, agency.code),
        },
        awaitRegistration: m.awaitMessageRegistrationUpdate,
        label: `message ${id}`,
      });
      return (await messageView(db, id, user!))!;
    },
  });

  routes.add({
    method: 'get',
    path: '/api/messages',
    summary: '留言列表（按类型、状态、承办科室、是否超期筛选）',
    tags: ['messages'],
    roles: ROLES,
    query: z.object({
      type: z.enum(keys(MESSAGE_TYPES)).optional(),
      state: z.enum(keys(MESSAGE_STAGES)).optional(),
      status: z.enum(['open', 'closed']).optional(),
      department: departmentCode.optional(),
      overdue: booleanQuery.optional(),
      ...pageQuery,
    }),
    response: {
      status: 200,
      description: 'messages, soonest reply due first',
      schema: z.object({ total: z.number(), items: z.array(z.unknown()) }),
    },
    handler: async ({ query, user }) => {
      const { rows, total } = await listCitizenMessages(db, user!.agencyCode, {
        ownDepartment: user!.role === 'department' ? user!.departmentCode : undefined,
        type: query.type,
        stage: query.state,
        status: query.status,
        department: query.department,
        overdue: query.overdue,
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      return {
        total,
        items: rows.map((r) => ({
          id: r.id,
          type: r.type,
          channel: r.channel,
          subject: r.subject,
          stage: r.stage,
          stageLabel: MESSAGE_STAGES[r.stage as keyof typeof MESSAGE_STAGES],
          status: r.status,
          overdue: r.overdue,
          departmentCode: r.department_code,
          complainedDepartmentCode: r.complained_department_code,
          confidential: r.confidential,
          receivedOn: r.received_on,
          replyDue: r.reply_due,
          ...(writerVisibleTo(user!, r) ? { writerName: r.writer_name } : { writerWithheld: true }),
        })),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/messages/:id',
    summary: '留言详情：办理时限及其推算过程、转办、事件（留言人信息按保密规定显示）',
    tags: ['messages'],
    roles: ROLES,
    params: caseIdParam,
    response: { status: 200, description: 'the message', schema: viewSchema },
    errors: { 404: 'no such message' },
    handler: async ({ params, user, req }) => {
      const view = await messageView(db, params.id, user!);
      if (!view) throw new ApiError(404, 'not_found', `message ${params.id} not found`);
      await recordMessageWriterRead(db, {
        user: user!,
        req,
        messageId: params.id,
        writer: 'writer' in view ? view.writer : undefined,
        via: 'message',
      });
      return view;
    },
  });

  caseStepRoutes(routes, temporal, {
    casePath: '/api/messages/:id',
    params: caseIdParam,
    tag: 'messages',
    noun: 'message',
    steps: MESSAGE_STEPS,
    updateOf: m.messageStepUpdate as (name: string) => StepUpdate,
    response: { description: 'the message after the step', schema: viewSchema },
    target: (id, agencyCode) => citizenMessageStepTarget(db, agencyCode, id),
    closedMessage: '留言已办结，不能再办理',
    verify: ({ payload, user }) => refuseOtherAgencyMembers(db, user.agencyCode, payload),
    view: async ({ id, name, user, req }) => {
      const view = (await messageView(db, id, user))!;
      await recordMessageWriterRead(db, {
        user,
        req,
        messageId: id,
        writer: 'writer' in view ? view.writer : undefined,
        via: `step:${name}`,
      });
      return view;
    },
  });
}
