/**
 * Document release (公文公开属性认定 → 主动公开): registration (which starts
 * `document-<docId>`), one POST per step (a workflow update; 409 with the reason when the
 * state forbids it), reads from the database projection, the public catalogue with its
 * 索引号, the registers and the self-check task, and the admin endpoint that creates the
 * recurring duties' Temporal Schedules.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AgencyStore } from '../../db/repositories/agency';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import { CATALOGUE_CATEGORIES } from '../../domain/documents/catalogue';
import { checks, registrationProblem } from '../../domain/documents/rules';
import {
  type Attribute,
  ATTRIBUTES,
  DOCUMENT_KINDS,
  type DocumentRegistration,
  type DocumentState,
  STAGES,
  TIME_LIMITS,
} from '../../domain/documents/types';
import { findRuleProfile } from '../../domain/rulesets';
import { ROLES } from '../../domain/roles';
import {
  documentCatalogueEntry,
  documentRegisterItems,
  documentRegisterStepTarget,
  documentReviews,
  documentStepTarget,
  findDocument,
  findDocumentRegister,
  forwardedDocumentAttributes,
  issuingDepartmentIndexCode,
  listDocumentRegisters,
  listDocuments,
  searchCatalogue,
} from '../../db/repositories/documents';
import { nextInSequence } from '../../db/repositories/sequences';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import type { Database } from '../../db/schema';
import { ensureDocumentSchedules } from '../../temporal-config/document-schedules';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { AGENCY_CODE, CASE_NUMBER, caseNumber } from '../../domain/agency';
import { documentRelease } from '../../workflows/document';
import * as m from '../../workflows/document-messages';
import { caseEvents, caseEventView } from '../../db/repositories/case-events';
import { ApiError } from '../errors';
import { caseStepRoutes, offeredStepsOf, type StepUpdate } from '../case-steps';
import { attribute, DOCUMENT_STEPS } from '../steps/document';
import { executeReopeningUpdate } from './document-reopen';
import { actorOf, startCase, stepFailure } from '../workflow-steps';
import type { RouteTable } from '../route';
import { departmentCode, keys, pageQuery, text } from '../schemas';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import { allowedDocumentActions } from '../../domain/documents/allowed-actions';
import type { User } from '../../db/repositories/users';

export interface DocumentRouteDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  agency: AgencyStore;
}

export const documentRegistrationSchema = z
  .object({
    title: text(300),
    docNumber: text(100),
    kind: z.enum(DOCUMENT_KINDS),
    normative: z.boolean(),
    /** Defaults to the drafter's own department. */
    issuingDepartment: departmentCode.optional(),
    coIssuers: z.array(text(100)).max(20).default([]),
    forwardedDocId: z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123').optional(),
    /** Left out: a forwarding document inherits; otherwise the office will return it. */
    proposedAttribute: attribute.optional(),
    attributeReasons: text(2000).optional(),
    containsWithheldContent: z.boolean().default(false),
    category: z.enum(keys(CATALOGUE_CATEGORIES)),
    description: text(2000),
    keywords: z.array(text(10)).min(1, 'at least one keyword (seed 002: 关键词不要空)').max(10),
    timeLimit: z.enum(keys(TIME_LIMITS)).default('long-term'),
    ruleProfileId: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (new Set(v.coIssuers).size !== v.coIssuers.length)
      ctx.addIssue({ code: 'custom', path: ['coIssuers'], message: 'co-issuers must not repeat' });
  });

const reasonText = text(2000);

function allowedDocumentActionsFor(
  state: DocumentState,
  row: { rule_profile_id: string; rule_profile_version: string; issuing_department: string },
  viewer: User,
): string[] {
  const profile = findRuleProfile(row.rule_profile_id, row.rule_profile_version);
  return profile
    ? offeredStepsOf(
        DOCUMENT_STEPS,
        m.documentStepUpdate as (name: string) => StepUpdate,
        viewer,
        row.issuing_department,
        allowedDocumentActions(state, actorOf(viewer), { profile, today: shanghaiDateOf(Date.now()) }),
      )
    : [];
}

async function documentView(db: Kysely<Database>, docId: string, viewer: User) {
  const row = await findDocument(db, viewer.agencyCode, docId);
  if (!row) return null;
  const [events, reviews, entry] = await Promise.all([
    caseEvents(db, 'document', docId),
    documentReviews(db, viewer.agencyCode, docId),
    documentCatalogueEntry(db, viewer.agencyCode, docId),
  ]);
  const state = row.state as DocumentState;
  const now = Date.now();
  return {
    docId: row.doc_id,
    workflowId: row.workflow_id,
    title: row.title,
    docNumber: row.doc_number,
    kind: row.kind,
    normative: row.normative,
    issuingDepartment: row.issuing_department,
    coIssuers: row.co_issuers,
    stage: row.stage,
    stageLabel: STAGES[row.stage as keyof typeof STAGES],
    status: row.status,
    /** The steps this user may take now (stage, state, role, department): the console offers only these. */
    allowedActions: allowedDocumentActionsFor(state, row, viewer),
    proposedAttribute: row.proposed_attribute,
    finalAttribute: row.final_attribute,
    signedOn: row.signed_on,
    nextDue: row.next_due,
    overdue: row.status === 'open' && row.next_due_at !== null && row.next_due_at.getTime() < now,
    indexNo: entry?.index_no ?? null,
    ruleProfile: { id: row.rule_profile_id, version: row.rule_profile_version },
    clocks: state.clocks.map((c) => ({
      id: c.id,
      label: c.label,
      rule: c.rule,
      closed: c.closed,
      status: c.derived?.status ?? null,
      due: c.derived?.due ?? null,
      dueAt: c.dueAt,
      overdue: !c.closed && c.dueAt !== null && Date.parse(c.dueAt) < now,
      remainingWorkingDays: c.derived?.remainingWorkingDays ?? null,
      calendarVersion: c.derived?.calendarVersion ?? null,
      events: c.events,
      derivation: c.derived?.steps.map((s) => ({ explanation: s.explanation, due: s.due })) ?? [],
    })),
    reviews: reviews.map((r) => ({
      kind: r.kind,
      subject: r.subject,
      basis: r.basis,
      conclusion: r.conclusion,
      reviewer: r.reviewer,
      reviewerRole: r.reviewer_role,
      reviewedOn: r.reviewed_on,
      participants: r.participants,
      retainUntil: r.retain_until,
      eventSeq: r.event_seq,
    })),
    document: state,
    events: events.map(caseEventView),
  };
}

const docIdParam = z.object({ docId: z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123') });
const documentViewSchema = z
  .object({
    docId: z.string(),
    stage: z.string(),
    clocks: z.array(z.unknown()),
    reviews: z.array(z.unknown()),
    events: z.array(z.unknown()),
  })
  .passthrough()
  .openapi('Document');

/** Which request field a registration problem is about, for the 400's details. */
function problemField(problem: string): string {
  if (problem.includes('理由')) return 'attributeReasons';
  if (problem.includes('不得含有')) return 'containsWithheldContent';
  if (problem.includes('目录类别')) return 'category';
  if (problem.includes('联合发文')) return 'coIssuers';
  return 'proposedAttribute';
}

export function documentRoutes(routes: RouteTable, deps: DocumentRouteDeps): void {
  const { db, temporal, agency: agencyStore } = deps;

  routes.add({
    method: 'post',
    path: '/api/documents',
    summary: '拟稿人登记一份公文并拟定公开属性，启动其工作流',
    tags: ['documents'],
    roles: ['department', 'clerk'],
    body: documentRegistrationSchema,
    response: { status: 201, description: 'the registered document', schema: documentViewSchema },
    errors: { 409: 'already exists', 503: 'Temporal unreachable; nothing was registered' },
    handler: async ({ body, user }) => {
      const agency = await agencyStore.of(user!.agencyCode);
      const profile = findRuleProfile(body.ruleProfileId ?? agency.defaultRuleProfileId);
      if (!profile)
        throw new ApiError(400, 'validation_failed', 'invalid body: ruleProfileId', [
          { field: 'ruleProfileId', message: 'no such rule profile' },
        ]);
      const issuingDepartment = body.issuingDepartment ?? user!.departmentCode;
      if (user!.role === 'department' && issuingDepartment !== user!.departmentCode) {
        throw new ApiError(403, 'forbidden', `a drafter of ${user!.departmentCode} cannot register a document of ${issuingDepartment}`);
      }
      if (!(await issuingDepartmentIndexCode(db, agency.code, issuingDepartment))) {
        throw new ApiError(400, 'validation_failed', 'invalid body: issuingDepartment', [
          { field: 'issuingDepartment', message: 'no such department of this agency, or it has no 索引号 code (set by an admin)' },
        ]);
      }
      let inherited: m.DocumentInput['inherited'] = null;
      if (body.forwardedDocId) {
        // A document forwards only one of its own agency's.
        const forwarded = await forwardedDocumentAttributes(db, agency.code, body.forwardedDocId);
        if (!forwarded)
          throw new ApiError(400, 'validation_failed', 'invalid body: forwardedDocId', [
            { field: 'forwardedDocId', message: 'no such document' },
          ]);
        const attr = (forwarded.final_attribute ?? forwarded.proposed_attribute) as Attribute | null;
        if (attr) inherited = { docId: body.forwardedDocId, attribute: attr };
      }
      const { ruleProfileId: _ignored, issuingDepartment: _dept, proposedAttribute, attributeReasons, forwardedDocId, ...rest } = body;
      const registration: DocumentRegistration = {
        ...rest,
        issuingDepartment,
        proposedAttribute: proposedAttribute ?? inherited?.attribute ?? null,
        ...(attributeReasons ? { attributeReasons } : {}),
        ...(forwardedDocId ? { forwardedDocId } : {}),
      };
      const problem = registrationProblem(registration, inherited);
      if (problem)
        throw new ApiError(400, 'validation_failed', `invalid body: ${problemField(problem)}`, [
          { field: problemField(problem), message: problem },
        ]);

      const year = Number(shanghaiDateOf(Date.now()).slice(0, 4));
      const docId = caseNumber(agency.code, year, await nextInSequence(db, agency.code, year, 'document'));
      const input: m.DocumentInput = {
        docId,
        agencyCode: agency.code,
        ruleProfile: ruleProfileRef(profile),
        registration,
        inherited,
        submittedBy: actorOf(user!),
        ...(agency.officeDepartmentCode ? { officeDepartmentCode: agency.officeDepartmentCode } : {}),
      };
      await startCase(temporal, {
        workflow: documentRelease,
        options: {
          workflowId: `document-${docId}`,
          taskQueue: deps.taskQueue,
          args: [input],
          typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('document', docId, profile.id, agency.code),
        },
        awaitRegistration: m.awaitDocumentRegistrationUpdate,
        label: `document ${docId}`,
      });
      return (await documentView(db, docId, user!))!;
    },
  });

  routes.add({
    method: 'get',
    path: '/api/documents',
    summary: '公文列表（按状态、公开属性、是否逾期筛选）',
    tags: ['documents'],
    roles: ROLES,
    query: z.object({
      state: z.enum(keys(STAGES)).optional(),
      attribute: attribute.optional(),
      overdue: z.enum(['true', 'false']).optional(),
      ...pageQuery,
    }),
    response: {
      status: 200,
      description: 'documents, soonest due first',
      schema: z.object({ total: z.number(), items: z.array(z.unknown()) }),
    },
    handler: async ({ query, user }) => {
      const { rows, total } = await listDocuments(db, user!.agencyCode, {
        ownDepartment: user!.role === 'department' ? user!.departmentCode : undefined,
        stage: query.state,
        attribute: query.attribute,
        overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      const now = Date.now();
      return {
        total,
        items: rows.map((r) => ({
          docId: r.doc_id,
          title: r.title,
          docNumber: r.doc_number,
          stage: r.stage,
          stageLabel: STAGES[r.stage as keyof typeof STAGES],
          status: r.status,
          issuingDepartment: r.issuing_department,
          proposedAttribute: r.proposed_attribute,
          finalAttribute: r.final_attribute,
          signedOn: r.signed_on,
          nextDue: r.next_due,
          overdue: r.status === 'open' && r.next_due_at !== null && r.next_due_at.getTime() < now,
        })),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/documents/:docId',
    summary: '公文详情：状态、各期限及其推算过程、审查记录、事件',
    tags: ['documents'],
    roles: ROLES,
    params: docIdParam,
    response: { status: 200, description: 'the document', schema: documentViewSchema },
    errors: { 404: 'no such document' },
    handler: async ({ params, user }) => {
      const view = await documentView(db, params.docId, user!);
      if (!view || (user!.role === 'department' && view.issuingDepartment !== user!.departmentCode))
        throw new ApiError(404, 'not_found', `document ${params.docId} not found`);
      return view;
    },
  });

  caseStepRoutes(routes, temporal, {
    casePath: '/api/documents/:docId',
    params: docIdParam,
    tag: 'documents',
    noun: 'document',
    steps: DOCUMENT_STEPS,
    updateOf: m.documentStepUpdate as (name: string) => StepUpdate,
    response: { description: 'the document after the step', schema: documentViewSchema },
    target: (id, agencyCode) => documentStepTarget(db, agencyCode, id),
    // A released document's run has completed: only a change reopens it.
    closedMessage: ({ target, step }) =>
      `公文已办结（${STAGES[target.stage as keyof typeof STAGES] ?? target.stage}），不能${step.summary}`,
    departmentRelation: 'belongs to',
    authorize: ({ name, payload, user }) => {
      if (name !== 'review-secrecy') return;
      const level = (payload as unknown as m.ReviewSecrecy).level;
      const expected = level === 1 ? 'reviewer' : 'leader';
      if (user.role !== expected)
        throw new ApiError(403, 'forbidden', `secrecy review level ${level} is for the ${expected} (一级：单位负责人；二级：领导)`);
    },
    reopen: async ({ name, target, payload }) => {
      // Refused on the record first, so a refused change starts no run.
      const profile = findRuleProfile(target.state.ruleProfile.id, target.state.ruleProfile.version);
      const refusal = profile
        ? checks.recordChange(target.state, payload as unknown as m.RecordChange, { profile, today: shanghaiDateOf(Date.now()) })
        : null;
      if (refusal) throw new ApiError(409, 'conflict', refusal);
      try {
        await executeReopeningUpdate(
          temporal,
          { workflowId: target.workflowId, agencyCode: target.agencyCode, taskQueue: deps.taskQueue, state: target.state },
          m.documentStepUpdate(name as keyof typeof DOCUMENT_STEPS),
          payload,
        );
      } catch (error) {
        throw stepFailure(error);
      }
    },
    view: async ({ id, user }) => (await documentView(db, id, user))!,
  });

  routes.add({
    method: 'get',
    path: '/api/catalogue',
    summary: '政府信息公开目录：按机关、关键词、类别、年份、公开形式检索（每条注明所属机关）',
    tags: ['catalogue'],
    roles: 'public',
    query: z.object({
      /** One agency's catalogue; left out, every agency's on the platform. */
      agency: z.string().regex(AGENCY_CODE, 'must be an agency code like demo').optional(),
      keyword: z.string().trim().min(1).max(50).optional(),
      category: z.enum(keys(CATALOGUE_CATEGORIES)).optional(),
      year: z
        .string()
        .regex(/^\d{4}$/, 'must be a year like 2026')
        .transform(Number)
        .optional(),
      attribute: attribute.optional(),
      ...pageQuery,
    }),
    response: {
      status: 200,
      description: 'catalogue entries, newest first',
      schema: z.object({ total: z.number(), items: z.array(z.unknown()) }),
    },
    handler: async ({ query }) => {
      const { rows, total } = await searchCatalogue(db, {
        agencyCode: query.agency,
        keyword: query.keyword,
        category: query.category,
        year: query.year,
        attribute: query.attribute,
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      return {
        total,
        items: rows.map((r) => ({
          agency: { code: r.agency_code, name: r.agency_name, shortName: r.agency_short_name },
          indexNo: r.index_no,
          title: r.title,
          docNumber: r.doc_number,
          producedOn: r.produced_on,
          attribute: r.attribute,
          attributeLabel: ATTRIBUTES[r.attribute as Attribute],
          category: r.category,
          categoryLabel: CATALOGUE_CATEGORIES[r.category as keyof typeof CATALOGUE_CATEGORIES],
          year: r.year,
          description: r.description,
          keywords: r.keywords,
          timeLimit: TIME_LIMITS[r.time_limit as keyof typeof TIME_LIMITS],
          reviewProcedure: r.review_summary,
          responsibleDepartment: r.responsible_department,
          url: r.url,
        })),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/document-registers',
    summary: '不予公开报备登记与年度自查任务',
    tags: ['documents'],
    roles: ROLES,
    query: z.object({ kind: z.enum(['non-disclosure', 'self-check']).optional() }),
    response: { status: 200, description: 'registers, newest first', schema: z.object({ items: z.array(z.unknown()) }) },
    handler: async ({ query, user }) => {
      const rows = await listDocumentRegisters(db, user!.agencyCode, query.kind);
      return {
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          workflowId: r.workflow_id,
          dueOn: r.due_on,
          status: r.status,
          notify: r.notify,
          createdAt: r.created_at,
        })),
      };
    },
  });

  const registerParam = z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a register id') });

  routes.add({
    method: 'get',
    path: '/api/document-registers/:id',
    summary: '报备登记 / 自查任务详情（逐件列出）',
    tags: ['documents'],
    roles: ROLES,
    params: registerParam,
    response: {
      status: 200,
      description: 'the register with its items',
      schema: z.object({ id: z.string(), items: z.array(z.unknown()) }).passthrough(),
    },
    errors: { 404: 'no such register' },
    handler: async ({ params, user }) => {
      const row = await findDocumentRegister(db, user!.agencyCode, params.id);
      if (!row) throw new ApiError(404, 'not_found', `register ${params.id} not found`);
      const items = await documentRegisterItems(db, user!.agencyCode, params.id);
      // The rule the duty comes from (seed 001 报备制度, seed 000 自查), as the profile the register was compiled under
      // cites it, else the agency's profile today.
      const profile =
        findRuleProfile(row.rule_profile_id) ?? findRuleProfile((await agencyStore.of(user!.agencyCode)).defaultRuleProfileId);
      const rules = profile?.documentRelease;
      const basis = (row.kind === 'non-disclosure' ? rules?.nonDisclosureRegisterCitation : rules?.selfCheckCitation) ?? null;
      return {
        id: row.id,
        kind: row.kind,
        workflowId: row.workflow_id,
        dueOn: row.due_on,
        status: row.status,
        notify: row.notify,
        basis,
        completedBy: row.completed_by,
        completedAt: row.completed_at,
        completionNote: row.completion_note,
        items: items.map((i) => ({
          docId: i.doc_id,
          title: i.title,
          docNumber: i.doc_number,
          attribute: i.attribute,
          reasons: i.reasons,
          decision: i.decision,
          decisionReasons: i.decision_reasons,
          decidedBy: i.decided_by,
          decidedAt: i.decided_at,
        })),
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/document-registers/:id/items/:docId/decide',
    summary: '年度自查：逐件确认维持或转为主动公开',
    tags: ['documents'],
    roles: ['clerk'],
    params: registerParam.extend({ docId: docIdParam.shape.docId }),
    body: z.object({ decision: z.enum(['confirm', 'convert']), reasons: reasonText }),
    response: {
      status: 200,
      description: 'the self-check after the decision',
      schema: z.object({ registerId: z.string(), items: z.array(z.unknown()) }).passthrough(),
    },
    errors: { 404: 'no such self-check', 409: 'the item is not on the list or already decided' },
    handler: async ({ params, body, user }) => {
      const row = await documentRegisterStepTarget(db, user!.agencyCode, params.id);
      if (!row || row.kind !== 'self-check') throw new ApiError(404, 'not_found', `self-check ${params.id} not found`);
      if (row.status === 'completed') throw new ApiError(409, 'conflict', '本次自查已完成');
      try {
        const state = await temporal.workflow
          .getHandle(row.workflow_id)
          .executeUpdate(m.decideSelfCheckItemUpdate, { args: [{ ...body, docId: params.docId, actor: actorOf(user!) }] });
        return { ...state };
      } catch (error) {
        throw stepFailure(error);
      }
    },
  });

  routes.add({
    method: 'post',
    path: '/api/document-registers/:id/submit',
    summary: '登记不予公开信息已报备（报送机关）',
    tags: ['documents'],
    roles: ['clerk'],
    params: registerParam,
    body: z.object({ submittedTo: text(100), note: text(1000).optional() }),
    response: {
      status: 200,
      description: 'the register after the report',
      schema: z.object({ registerId: z.string(), docIds: z.array(z.string()) }).passthrough(),
    },
    errors: { 404: 'no such 不予公开 register', 409: 'already reported' },
    handler: async ({ params, body, user }) => {
      const row = await documentRegisterStepTarget(db, user!.agencyCode, params.id);
      if (!row || row.kind !== 'non-disclosure') throw new ApiError(404, 'not_found', `不予公开 register ${params.id} not found`);
      if (row.status === 'completed') throw new ApiError(409, 'conflict', '本期不予公开信息已报备');
      try {
        const state = await temporal.workflow
          .getHandle(row.workflow_id)
          .executeUpdate(m.submitRegisterUpdate, { args: [{ ...body, actor: actorOf(user!) }] });
        return { ...state };
      } catch (error) {
        throw stepFailure(error);
      }
    },
  });

  routes.add({
    method: 'post',
    path: '/api/admin/document-schedules',
    summary: '按规则创建（幂等）不予公开报备与年度自查的 Temporal Schedule',
    tags: ['admin'],
    roles: ['admin'],
    body: z.object({
      ruleProfileId: z
        .string()
        .regex(/^[a-z0-9-]{1,64}$/)
        .optional(),
    }),
    response: {
      status: 200,
      description: 'the schedules, each created now or already present',
      schema: z.object({ schedules: z.array(z.unknown()) }),
    },
    handler: async ({ body, user, req }) => {
      const agency = await agencyStore.of(user!.agencyCode);
      const profile = findRuleProfile(body.ruleProfileId ?? agency.defaultRuleProfileId);
      if (!profile)
        throw new ApiError(400, 'validation_failed', 'invalid body: ruleProfileId', [
          { field: 'ruleProfileId', message: 'no such rule profile' },
        ]);
      const schedules = await ensureDocumentSchedules(temporal, {
        agencyCode: agency.code,
        profile,
        taskQueue: deps.taskQueue,
        officeDepartmentCode: agency.officeDepartmentCode,
      });
      await recordAudit(db, {
        action: 'admin.document-schedules-ensured',
        actor: auditActor(user),
        ip: req.ip ?? null,
        target: `rule-profile:${profile.id}`,
        details: { schedules: schedules.map((s) => s.scheduleId) },
      });
      return { schedules };
    },
  });
}
