/**
 * Applications for disclosure: intake (which starts `application-<caseNo>`), one POST per
 * step (a workflow update whose validator answers 409 when the state forbids it), reads
 * from the database projection, and notices as printable HTML. The applicant's own lookup
 * (查询码 plus a second factor) is the citizen portal's (api/routes/public.ts).
 */
import { newQueryCode } from '../../domain/application/query-code';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type AgencyStore, loadAgency } from '../../db/repositories/agency';
import { refuseOtherAgencyMembers } from './agency-members';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import {
  APPLICANT_TYPES,
  type ApplicationState,
  CHANNELS,
  DELIVERY_METHODS,
  ID_DOCUMENT_TYPES,
  INFORMATION_FORMS,
  receiptNeedsConfirmation,
  STAGES,
} from '../../domain/application/types';
import { allowedActions } from '../../domain/application/allowed-actions';
import { undeliveredNotices } from '../../domain/application/rules';
import { checkIdNumber } from '../../domain/identity';
import { findRuleProfile } from '../../domain/rulesets';
import { type Role, ROLES } from '../../domain/roles';
import {
  applicationNotice,
  applicationOwner,
  applicationStepTarget,
  applicationWithRecords,
  listApplications,
  possibleDuplicates,
} from '../../db/repositories/applications';
import { nextInSequence } from '../../db/repositories/sequences';
import type { Database } from '../../db/schema';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { CASE_NUMBER, caseNumber } from '../../domain/agency';
import * as m from '../../workflows/application-messages';
import { application } from '../../workflows/application';
import { caseEventView } from '../../db/repositories/case-events';
import { ApiError } from '../errors';
import { caseStepRoutes, offeredStepsOf, type StepUpdate } from '../case-steps';
import { APPLICATION_STEPS } from '../steps/application';
import { maskContact } from '../../domain/privacy';
import { contactFieldsIn, contactFieldsOf, recordPersonalDataRead } from '../personal-data';
import type { User } from '../../db/repositories/users';
import { actorOf, startCase } from '../workflow-steps';
import type { RouteTable } from '../route';
import { isoDate, keys, pageQuery, text } from '../schemas';
import { caseDocumentPdf, sha256Hex } from '../../activities/notice-pdf';
import { ruleProfileRef } from '../../workflows/runtime/profile';

export interface ApplicationRouteDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  agency: AgencyStore;
}

/** The applicant (domain.md §3), as the clerk's intake and the citizen portal both take it. */
export const applicantSchema = z.object({
  type: z.enum(keys(APPLICANT_TYPES)),
  name: text(100),
  contactPerson: text(50).optional(),
  idType: z.enum(keys(ID_DOCUMENT_TYPES)),
  idNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{5,30}$/, 'must be 5–30 letters, digits or dashes'),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\- ]{5,20}$/, 'must be a phone number'),
  email: z.email('must be an e-mail address').optional(),
  address: text(200),
  postcode: z
    .string()
    .regex(/^\d{6}$/, 'must be six digits')
    .optional(),
});

/** What an application asks (domain.md §3), however it arrives: the clerk's intake and the citizen portal both take these fields. */
export const applicationRequestShape = {
  applicant: applicantSchema,
  description: text(4000),
  purpose: text(1000).optional(),
  form: z.enum(keys(INFORMATION_FORMS)),
  delivery: z.enum(keys(DELIVERY_METHODS)),
  feeWaiverRequested: z.boolean().default(false),
  feeWaiverReason: text(1000).optional(),
};

export const intakeSchema = z
  .object({
    channel: z.enum(keys(CHANNELS)),
    ...applicationRequestShape,
    /** Registered mail: the day it was signed for. In person and oral: defaults to today. */
    receivedOn: isoDate.optional(),
    ruleProfileId: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.channel === 'registered-mail' && !v.receivedOn) {
      ctx.addIssue({ code: 'custom', path: ['receivedOn'], message: 'registered mail needs the day it was signed for' });
    }
    if (receiptNeedsConfirmation(v.channel) && v.receivedOn) {
      ctx.addIssue({
        code: 'custom',
        path: ['receivedOn'],
        message: `${v.channel} applications are received when the clerk confirms them (条例第三十一条)`,
      });
    }
    if (v.receivedOn && v.receivedOn > shanghaiDateOf(Date.now())) {
      ctx.addIssue({ code: 'custom', path: ['receivedOn'], message: 'must not be in the future' });
    }
    if (v.applicant.type !== 'natural-person' && v.applicant.idType !== 'unified-credit-code') {
      ctx.addIssue({ code: 'custom', path: ['applicant', 'idType'], message: 'organisations are identified by their unified-credit-code' });
    }
    // A mistyped number identifies nobody (and skews duplicate detection and the fee count):
    // check digits of GB 11643 / GB 32100. The message names the rule, never the number.
    const idCheck = checkIdNumber(v.applicant.idType, v.applicant.idNumber, shanghaiDateOf(Date.now()));
    if (idCheck && !idCheck.ok) ctx.addIssue({ code: 'custom', path: ['applicant', 'idNumber'], message: idCheck.message });
  });

/** Every step: URL segment, who may take it, what it carries, and the update it sends. */

/** What a caller sees of a case: the workflow's state plus what the database recorded. */
/** Roles that handle the applicant directly see their ID number, phone, address and e-mail in full. */
const SEES_APPLICANT_CONTACT: readonly Role[] = ['clerk', 'admin'];

/** A department user works only on cases assigned to its own department (and sees no others). */
const outOfScope = (viewer: User, departmentCode: string | null) =>
  viewer.role === 'department' && departmentCode !== viewer.departmentCode;

async function caseView(db: Kysely<Database>, caseNo: string, viewer: User) {
  // One round trip: a case is viewed after every registration and step.
  const found = await applicationWithRecords(db, viewer.agencyCode, caseNo);
  if (!found || outOfScope(viewer, found.row.department_code)) return null;
  const { row, events, documents, messages } = found;
  const stored = row.state as ApplicationState;
  const state = SEES_APPLICANT_CONTACT.includes(viewer.role)
    ? stored
    : { ...stored, intake: { ...stored.intake, applicant: maskContact(stored.intake.applicant) } };
  return {
    caseNo: row.case_no,
    workflowId: row.workflow_id,
    queryCode: row.query_code,
    stage: row.stage,
    stageLabel: STAGES[row.stage as keyof typeof STAGES],
    status: row.status,
    paused: row.paused,
    departmentCode: row.department_code,
    assignee: row.assignee,
    outcome: row.outcome,
    receivedOn: row.received_on,
    replyDue: row.reply_due,
    ruleProfile: { id: row.rule_profile_id, version: row.rule_profile_version },
    possibleDuplicates: row.possible_duplicates,
    /** Hand-over (§36(五)): the case in another agency this one came from, or was handed over to; null when none. */
    transferredFrom: row.transferred_from,
    transferredTo: row.transferred_to,
    /** Notices whose delivery is not recorded: periods that run from receipt have not started. */
    undeliveredNotices: undeliveredNotices(stored),
    /** The steps this user may take on the case now (its stage and state, their role and department): the console offers only these. */
    allowedActions: allowedActionsFor(stored, row, viewer),
    clocks: state.clocks.map((c) => ({
      id: c.id,
      kind: c.kind,
      label: c.label,
      statutory: c.statutory,
      rule: c.rule,
      closed: c.closed,
      status: c.derived?.status ?? null,
      due: c.derived?.due ?? null,
      dueAt: c.dueAt,
      remainingWorkingDays: c.derived?.remainingWorkingDays ?? null,
      provisional: c.derived?.provisional ?? false,
      calendarVersion: c.derived?.calendarVersion ?? null,
      events: c.events,
      derivation: c.derived?.steps.map((s) => ({ explanation: s.explanation, due: s.due })) ?? [],
    })),
    case: state,
    events: events.map(caseEventView),
    documents: documents.map((d) => ({
      docNo: d.doc_no,
      kind: d.kind,
      title: d.title,
      issuedOn: d.issued_on,
      eventSeq: d.event_seq,
      sha256: d.sha256,
      /** SHA-256 of the PDF stored at issue (?format=pdf); null for a document from before PDFs. */
      pdfSha256: d.pdf_sha256,
      delivery: stored.notices?.find((n) => n.docNo === d.doc_no)?.delivery ?? null,
    })),
    /** The outbox of messages to the applicant: each notice by e-mail (with its PDF) and SMS, every attempt, and whether the delivery was recorded. */
    messages: messages.map((msg) => ({
      docNo: msg.doc_no,
      kind: msg.notice_kind,
      channel: msg.channel,
      status: msg.status,
      statusLabel: MESSAGE_STATUSES[msg.status],
      queuedAt: msg.created_at,
      attemptCount: msg.attempt_count,
      attempts: msg.attempts,
      lastError: msg.last_error,
      sentAt: msg.sent_at,
      serverMessageId: msg.provider_message_id,
      serverResponse: msg.provider_response,
      deliveryRecordedAt: msg.delivery_recorded_at,
      deliveryNote: msg.delivery_note,
    })),
  };
}

/** URL names of the steps `viewer` may take on the case now. */
function allowedActionsFor(
  state: ApplicationState,
  row: { rule_profile_id: string; rule_profile_version: string; department_code: string | null },
  viewer: User,
): string[] {
  const profile = findRuleProfile(row.rule_profile_id, row.rule_profile_version);
  if (!profile) return [];
  // Cases started before the current rules may differ in a refusal or two; the workflow decides each step.
  return offeredStepsOf(
    APPLICATION_STEPS,
    m.applicationStepUpdate as (name: string) => StepUpdate,
    viewer,
    row.department_code,
    allowedActions(state, actorOf(viewer), { profile, today: shanghaiDateOf(Date.now()), currentRules: true }),
  );
}

const MESSAGE_STATUSES = { queued: '待发送', sent: '已发送', failed: '发送失败', superseded: '已以其他方式送达，不再发送' } as const;

const caseNoParam = z.object({ caseNo: z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123') });
const caseViewSchema = z
  .object({
    caseNo: z.string(),
    stage: z.string(),
    clocks: z.array(z.unknown()),
    events: z.array(z.unknown()),
    transferredFrom: z.string().nullable().openapi({ description: 'the case in another agency this one was handed over from (§36(五))' }),
    transferredTo: z.string().nullable().openapi({ description: 'the case in another agency this one was handed over to (§36(五))' }),
  })
  .passthrough()
  .openapi('ApplicationCase');

export function applicationRoutes(routes: RouteTable, deps: ApplicationRouteDeps): void {
  const { db, temporal, agency: agencyStore } = deps;

  routes.add({
    method: 'post',
    path: '/api/applications',
    summary: '登记一件政府信息公开申请，启动其工作流',
    tags: ['applications'],
    roles: ['clerk'],
    body: intakeSchema,
    response: { status: 201, description: 'the registered case with its query code and first clocks', schema: caseViewSchema },
    errors: { 404: 'unknown rule profile', 409: 'already exists', 503: 'Temporal unreachable; nothing was registered' },
    handler: async ({ body, user }) => {
      const agency = await agencyStore.of(user!.agencyCode);
      const profile = findRuleProfile(body.ruleProfileId ?? agency.defaultRuleProfileId);
      if (!profile)
        throw new ApiError(400, 'validation_failed', 'invalid body: ruleProfileId', [
          { field: 'ruleProfileId', message: 'no such rule profile' },
        ]);
      const today = shanghaiDateOf(Date.now());
      const receivedOn = receiptNeedsConfirmation(body.channel) ? null : (body.receivedOn ?? today);
      const year = Number(today.slice(0, 4));
      // The number is taken in its own transaction: a case whose workflow fails to start leaves
      // a gap in the series, never a half-registered case.
      const caseNo = caseNumber(agency.code, year, await nextInSequence(db, agency.code, year, 'application'));
      const { ruleProfileId: _ignored, ...intake } = body;
      const input: m.ApplicationInput = {
        caseNo,
        queryCode: newQueryCode(),
        agencyCode: agency.code,
        ruleProfile: ruleProfileRef(profile),
        intake: { ...intake, receivedOn },
        submittedBy: actorOf(user!),
        ...(agency.officeDepartmentCode ? { officeDepartmentCode: agency.officeDepartmentCode } : {}),
        possibleDuplicates: await possibleDuplicates(db, {
          agencyCode: agency.code,
          caseNo,
          idNumber: intake.applicant.idNumber,
          description: intake.description,
          windowDays: profile.application.duplicateWindowDays,
        }),
      };
      await startCase(temporal, {
        workflow: application,
        options: {
          workflowId: `application-${caseNo}`,
          taskQueue: deps.taskQueue,
          args: [input],
          typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('application', caseNo, profile.id, agency.code),
        },
        awaitRegistration: m.awaitRegistrationUpdate,
        label: `case ${caseNo}`,
      });
      return (await caseView(db, caseNo, user!))!;
    },
  });

  routes.add({
    method: 'get',
    path: '/api/applications',
    summary: '案件列表（按状态、承办科室、答复期限筛选）',
    tags: ['applications'],
    roles: ROLES,
    query: z.object({
      state: z.enum(keys(STAGES)).optional(),
      status: z.enum(['open', 'closed']).optional(),
      department: z
        .string()
        .regex(/^[a-z0-9-]{1,32}$/)
        .optional(),
      dueBefore: isoDate.optional(),
      ...pageQuery,
    }),
    response: {
      status: 200,
      description: 'cases, soonest reply due first',
      schema: z.object({ total: z.number(), items: z.array(z.unknown()) }),
    },
    handler: async ({ query, user }) => {
      const { rows, total } = await listApplications(db, {
        agencyCode: user!.agencyCode,
        ownDepartment: user!.role === 'department' ? user!.departmentCode : undefined,
        stage: query.state,
        status: query.status,
        department: query.department,
        dueBefore: query.dueBefore,
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      return {
        total,
        items: rows.map((r) => ({
          caseNo: r.case_no,
          stage: r.stage,
          stageLabel: STAGES[r.stage as keyof typeof STAGES],
          status: r.status,
          paused: r.paused,
          departmentCode: r.department_code,
          assignee: r.assignee,
          applicantName: r.applicant_name,
          applicantType: r.applicant_type,
          channel: r.channel,
          receivedOn: r.received_on,
          replyDue: r.reply_due,
          outcome: r.outcome,
          possibleDuplicates: r.possible_duplicates,
        })),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/applications/:caseNo',
    summary: '案件详情：状态、各期限及其推算过程、事件、文书',
    tags: ['applications'],
    roles: ROLES,
    params: caseNoParam,
    response: { status: 200, description: 'the case', schema: caseViewSchema },
    errors: { 404: 'no such case' },
    handler: async ({ params, user, req }) => {
      const view = await caseView(db, params.caseNo, user!);
      if (!view) throw new ApiError(404, 'not_found', `application ${params.caseNo} not found`);
      if (SEES_APPLICANT_CONTACT.includes(user!.role)) {
        await recordPersonalDataRead(db, {
          user: user!,
          req,
          caseNo: params.caseNo,
          fields: contactFieldsOf(view.case.intake.applicant),
          via: 'case',
        });
      }
      return view;
    },
  });

  routes.add({
    method: 'get',
    path: '/api/applications/:caseNo/documents/:docNo',
    summary: '文书（可打印的 HTML；format=pdf：A4 PDF，盖电子印章）',
    tags: ['applications'],
    roles: ROLES,
    params: caseNoParam.extend({ docNo: z.string().min(1).max(100) }),
    query: z.object({ format: z.enum(['html', 'pdf']).default('html') }),
    response: {
      status: 200,
      description: 'text/html, or application/pdf with format=pdf (X-Content-SHA256: the SHA-256 recorded with the document)',
      schema: z.string(),
    },
    errors: { 404: 'no such document on this case', 409: 'no PDF can be rendered for this document' },
    handler: async ({ params, query, res, user, req }) => {
      const owner = await applicationOwner(db, user!.agencyCode, params.caseNo);
      const doc =
        owner && !outOfScope(user!, owner.department_code)
          ? await applicationNotice(db, user!.agencyCode, params.caseNo, params.docNo)
          : undefined;
      if (!doc) throw new ApiError(404, 'not_found', `document ${params.docNo} not found on ${params.caseNo}`);
      // A notice to the applicant prints their delivery address, whoever reads it.
      const applicant = (owner!.state as ApplicationState).intake.applicant;
      if (query.format === 'pdf') {
        const pdf = await caseDocumentPdf(doc);
        if (!pdf)
          throw new ApiError(
            409,
            'conflict',
            `document ${params.docNo} has no PDF and its HTML is not in a form a PDF can be rendered from`,
          );
        await recordPersonalDataRead(db, {
          user: user!,
          req,
          caseNo: params.caseNo,
          fields: contactFieldsIn(applicant, [doc.html]),
          via: 'document',
          document: params.docNo,
        });
        res.setHeader('X-Content-SHA256', doc.pdf_sha256 ?? sha256Hex(pdf));
        res.type('application/pdf').attachment(`${params.docNo}.pdf`).send(pdf);
        return '';
      }
      await recordPersonalDataRead(db, {
        user: user!,
        req,
        caseNo: params.caseNo,
        fields: contactFieldsIn(applicant, [doc.html]),
        via: 'document',
        document: params.docNo,
      });
      res.type('html').send(doc.html);
      return '';
    },
  });

  caseStepRoutes(routes, temporal, {
    casePath: '/api/applications/:caseNo',
    params: caseNoParam,
    tag: 'applications',
    noun: 'application',
    steps: APPLICATION_STEPS,
    updateOf: m.applicationStepUpdate as (name: string) => StepUpdate,
    response: { description: 'the case after the step', schema: caseViewSchema },
    target: (id, agencyCode) => applicationStepTarget(db, agencyCode, id),
    closedMessage: '案件已办结',
    verify: async ({ payload, user }) => {
      await refuseOtherAgencyMembers(db, user.agencyCode, payload);
      // §36(五) on the platform: the competent agency is another agency of the platform; the reply names it.
      const to = (payload as { referralAgencyCode?: string }).referralAgencyCode;
      if (to === undefined) return;
      const agency = to === user.agencyCode ? null : await loadAgency(db, to);
      if (!agency)
        throw new ApiError(400, 'validation_failed', 'invalid body: referralAgencyCode', [
          { field: 'referralAgencyCode', message: to === user.agencyCode ? 'is this agency' : 'no such agency on this platform' },
        ]);
      (payload as { referral?: string }).referral ??= agency.name;
    },
    view: async ({ id, name, user, req }) => {
      const view = (await caseView(db, id, user))!;
      // The case after the step carries the applicant in full for these roles: a read too.
      if (SEES_APPLICANT_CONTACT.includes(user.role)) {
        await recordPersonalDataRead(db, {
          user,
          req,
          caseNo: id,
          fields: contactFieldsOf(view.case.intake.applicant),
          via: `step:${name}`,
        });
      }
      return view;
    },
  });
}
