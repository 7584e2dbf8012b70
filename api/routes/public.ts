/**
 * The citizen portal's public API (/apply/ calls it): apply online, look the application up
 * by 查询码 plus a second factor, read its progress and reply-by date with the derivation,
 * download the notices issued to the applicant (PDF), and submit a correction when asked.
 *
 * Nothing here needs an account. A submission and a lookup each cost a solved proof-of-work
 * challenge; both answer with a short-lived access token for the one case, which the other
 * routes require (api/routes/public-guard.ts). Answers carry nothing personal, and errors
 * quote nothing the caller sent.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type AgencyStore, listAgencies, loadAgency } from '../../db/repositories/agency';
import {
  caseOfQueryCode,
  handedOverTo,
  portalCase,
  portalNotice,
  portalNotices,
  possibleDuplicates,
  receiptOf,
} from '../../db/repositories/applications';
import type { Database } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import type { ClockEvent } from '../../domain/clocks/working-day-clock';
import { type ApplicationState, NOTICE_KINDS, type Stage } from '../../domain/application/types';
import type { Actor } from '../../domain/case';
import { findRuleProfile } from '../../domain/rulesets';
import { caseDocumentPdf, sha256Hex } from '../../activities/notice-pdf';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { AGENCY_CODE, caseNumber } from '../../domain/agency';
import * as m from '../../workflows/application-messages';
import { application } from '../../workflows/application';
import { nextInSequence } from '../../db/repositories/sequences';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import { ApiError, validationError } from '../errors';
import type { RouteTable } from '../route';
import { keys, text } from '../schemas';
import { sendStep, startCase } from '../workflow-steps';
import { applicationRequestShape, intakeSchema } from './applications';
import { newQueryCode } from '../../domain/application/query-code';
import { ACCESS_HEADER, CHALLENGE_HEADER, CHALLENGE_PURPOSES, type PortalGuard } from './public-guard';
import { type CaseFile, FileRejected, type FileStore, filesDeliveredToApplicant, listCaseFiles } from '../../db/files/store';

export interface PublicRouteDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  agency: AgencyStore;
  guard: PortalGuard;
  files: FileStore;
}

/** What the applicant attaches, named in the stored file's name (the store keeps one purpose per stage). */
export const ATTACHMENT_KINDS = {
  'id-copy': '身份证明',
  'business-licence': '营业执照或登记证书',
  supporting: '其他材料',
} as const;

/** Who uploaded a file through the portal (case_files.uploaded_by). */
const APPLICANT_UPLOADER = 'applicant';

/** Who acts when the applicant does something through the portal (recorded on the case's events). */
export const PORTAL_ACTOR: Actor = { userId: '0', username: 'portal', displayName: '网上申请平台', role: 'clerk', departmentCode: '' };

export const publicApplicationSchema = z
  .object({
    /** The agency applied to (GET /api/public/agencies); the deployment's own when absent. */
    agencyCode: z
      .string()
      .regex(AGENCY_CODE, 'must be an agency code of GET /api/public/agencies')
      .optional()
      .openapi({ description: 'the agency applied to (GET /api/public/agencies); default: this deployment’s own' }),
    ...applicationRequestShape,
    /** The applicant's explicit consent to the processing of their personal data for this application. */
    consent: z.literal(true, 'must be given (勾选同意)'),
  })
  .superRefine((v, ctx) => {
    if (v.feeWaiverRequested && !v.feeWaiverReason)
      ctx.addIssue({ code: 'custom', path: ['feeWaiverReason'], message: 'is required when a fee waiver is requested' });
    if ((v.delivery === 'email' || v.form === 'email') && !v.applicant.email)
      ctx.addIssue({ code: 'custom', path: ['applicant', 'email'], message: 'is required for delivery by e-mail' });
  })
  .openapi('PublicApplication');

const queryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{10}$/, 'must be the 10-character query code');
const lookupSchema = z
  .object({
    queryCode,
    factor: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{4}$/, 'must be the last four characters of the ID number or phone number'),
  })
  .openapi('PublicLookup');

const accessSchema = z.object({ token: z.string(), expiresAt: z.string() });
const progressSchema = z
  .object({
    caseNo: z.string(),
    agency: z.object({ code: z.string(), name: z.string() }),
    stage: z.string(),
    stageLabel: z.string(),
    transferredTo: z
      .object({
        agencyCode: z.string(),
        agencyName: z.string(),
        caseNo: z.string(),
        stage: z.string(),
        stageLabel: z.string(),
        closed: z.boolean(),
        replyDue: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: 'handed over to another agency (§36(五)): that agency and its case’s progress' }),
  })
  .passthrough()
  .openapi('PublicProgress');

/** The headers the public routes read, for the OpenAPI document. */
const powHeader = z.object({
  [CHALLENGE_HEADER]: z.string().max(500).openapi({ description: 'a solved challenge of GET /api/public/challenge: `token:counter`' }),
});
const accessHeader = z.object({
  [ACCESS_HEADER]: z
    .string()
    .max(400)
    .openapi({ description: 'the access token answered by POST /api/public/applications or /api/public/lookup' }),
});

/** The stages as the applicant reads them. */
const STAGE_FOR_APPLICANT: Record<Stage, string> = {
  'awaiting-receipt-confirmation': '已提交，等待本机关确认收到',
  registered: '本机关已收到申请，正在审查',
  'correction-requested': '需要补正：请按补正告知书提交补正后的申请和材料',
  accepted: '已受理，正在办理',
  assigned: '正在办理',
  proposed: '正在办理',
  'secrecy-review': '正在办理',
  decided: '正在办理',
  signed: '答复已作出，正在送达',
  delivered: '已答复',
  closed: '已办结',
};

const PAUSE_LABELS: Record<string, string> = {
  correction: '告知补正',
  suspension: '中止办理',
  fee: '等待缴纳信息处理费',
};
const pauseLabel = (pauseId: string) =>
  PAUSE_LABELS[pauseId] ??
  (pauseId.startsWith('third-party') ? '征求第三方意见' : pauseId.startsWith('other-agency') ? '征求其他机关意见' : '暂停计算');

/** One line of the reply clock's history for the applicant: what happened and the date it was due after it. Third parties stay unnamed. */
function explainForApplicant(event: ClockEvent, events: ClockEvent[]): string {
  switch (event.type) {
    case 'started':
      return `${event.date} 收到申请，答复期限为${event.workingDays}个工作日（收到当日不计入）`;
    case 'restarted':
      return `${event.date} 收到补正后的申请，答复期限重新起算${event.workingDays ? `${event.workingDays}个工作日` : ''}`;
    case 'paused':
      return `${event.date} ${pauseLabel(event.pauseId)}，期限暂停计算`;
    case 'resumed': {
      const from = [...events].reverse().find((e) => e.type === 'paused' && e.pauseId === event.pauseId && e.date <= event.date);
      return `${event.date} 恢复计算（${pauseLabel(event.pauseId)}${from ? `自${from.date}至${event.date}` : ''}的期间不计入答复期限）`;
    }
    case 'extended':
      return `${event.date} 经批准延长答复期限${event.workingDays}个工作日`;
    case 'stopped':
      return `${event.date} 办理完毕，期限停止计算`;
  }
}

const fileForApplicant = (f: CaseFile) => ({ id: f.id, filename: f.filename, size: f.size, mediaType: f.mediaType, purpose: f.purpose });

/** The receiving agency's case as the applicant reads it, when the case was handed over (§36(五)). */
async function handOverOf(db: Kysely<Database>, caseNo: string) {
  const to = await handedOverTo(db, caseNo);
  if (!to) return null;
  const stage = to.stage as Stage;
  return {
    agencyCode: to.agency_code,
    agencyName: to.agency_name,
    caseNo: to.case_no,
    stage,
    stageLabel: STAGE_FOR_APPLICANT[stage] ?? to.stage,
    closed: to.status === 'closed',
    replyDue: to.reply_due,
  };
}

async function progressOf(db: Kysely<Database>, caseNo: string) {
  const row = await portalCase(db, caseNo);
  if (!row) throw new ApiError(404, 'not_found', '没有找到该申请');
  const state = row.state as ApplicationState;
  const stage = row.stage as Stage;
  const documents = await portalNotices(db, caseNo);
  const replyDelivered = state.delivery != null;
  const toApplicant = new Map((state.notices ?? []).filter((n) => n.addressee === 'applicant').map((n) => [n.docNo, n]));
  // Every notice addressed to the applicant; the reply itself once it has been delivered.
  const notices = documents
    .filter((d) => toApplicant.has(d.doc_no) && (d.kind !== 'reply' || replyDelivered))
    .map((d) => ({
      docNo: d.doc_no,
      kind: d.kind,
      title: d.title || NOTICE_KINDS[d.kind as keyof typeof NOTICE_KINDS] || d.kind,
      issuedOn: d.issued_on,
    }));
  const reply = state.clocks.find((c) => c.id === 'reply');
  const correction = state.correction;
  const correctBy = state.clocks.find((c) => c.id === 'correction-period')?.derived?.due ?? null;
  const [sent, delivered] = await Promise.all([
    listCaseFiles(db, 'application', caseNo, ['application-material', 'correction-material']),
    filesDeliveredToApplicant(db, caseNo),
  ]);
  return {
    caseNo: row.case_no,
    /** The agency the application was made to (and that handles it). */
    agency: { code: row.agency_code, name: row.agency_name },
    stage,
    stageLabel: STAGE_FOR_APPLICANT[stage] ?? row.stage,
    receivedOn: row.received_on,
    replyDue: row.reply_due,
    paused: row.paused,
    closed: row.status === 'closed',
    replyClock: reply
      ? {
          due: reply.derived?.due ?? null,
          status: reply.derived?.status ?? null,
          derivation: (reply.derived?.steps ?? []).map((s) => ({
            text: explainForApplicant(s.event as ClockEvent, reply.events),
            dueAfter: s.due,
          })),
        }
      : null,
    notices,
    reply: replyDelivered ? (notices.find((n) => n.kind === 'reply') ?? null) : null,
    /** What the applicant sent through the portal (names only). */
    attachments: sent.filter((f) => f.uploadedBy === APPLICANT_UPLOADER).map(fileForApplicant),
    /** The disclosed information delivered with the reply. */
    deliveredFiles: delivered.map(fileForApplicant),
    /** Whether the applicant may attach files now, and for what. */
    uploadsOpenFor:
      stage === 'awaiting-receipt-confirmation' ? 'application-material' : stage === 'correction-requested' ? 'correction-material' : null,
    correction: correction
      ? {
          items: correction.items,
          requestedOn: correction.requestedOn,
          correctedOn: correction.correctedOn,
          correctBy,
          canSubmit: stage === 'correction-requested',
        }
      : null,
    /** Handed over to another agency (§36(五)): that agency and its case's progress; null when not. */
    transferredTo: row.transferred_to ? await handOverOf(db, caseNo) : null,
  };
}

export function publicRoutes(routes: RouteTable, deps: PublicRouteDeps): void {
  const { db, temporal, guard, files, agency: agencyStore } = deps;

  routes.add({
    method: 'get',
    path: '/api/public/challenge',
    summary: '取得工作量证明题目（提交申请、查询进度前须先解题）',
    tags: ['public'],
    roles: 'public',
    query: z.object({ purpose: z.enum(CHALLENGE_PURPOSES).default('apply') }),
    response: {
      status: 200,
      description:
        'a signed challenge: find a decimal counter such that SHA-256(token + ":" + counter) has `bits` leading zero bits, and send `token:counter` in X-Proof-Of-Work (once)',
      schema: z.object({ token: z.string(), bits: z.number(), expiresAt: z.string(), algorithm: z.string() }).openapi('PublicChallenge'),
    },
    handler: async ({ query }) => guard.issueChallenge(query.purpose),
  });

  routes.add({
    method: 'get',
    path: '/api/public/agencies',
    summary: '可以申请的机关（网上申请时选择向哪个机关申请）',
    tags: ['public'],
    roles: 'public',
    response: {
      status: 200,
      description: 'the agencies on this platform, by code; `default`: the one an application without agencyCode goes to',
      schema: z.object({ default: z.string(), items: z.array(z.object({ code: z.string(), name: z.string() })) }).openapi('PublicAgencies'),
    },
    handler: async () => {
      const own = await agencyStore.current(); // seeds the deployment's own agency on a first start
      return { default: own.code, items: (await listAgencies(db)).map((a) => ({ code: a.code, name: a.name })) };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/public/applications',
    summary: '网上申请：提交政府信息公开申请（须附已解的工作量证明）；本机关确认收到后起算答复期限',
    tags: ['public'],
    headers: powHeader,
    roles: 'public',
    body: publicApplicationSchema,
    response: {
      status: 201,
      description: 'the case number, the 查询码, the 登记回执 and an access token for uploading attachments and reading progress',
      schema: z
        .object({
          caseNo: z.string(),
          queryCode: z.string(),
          receipt: z.object({ docNo: z.string(), title: z.string() }).nullable(),
          access: accessSchema,
          progress: progressSchema,
        })
        .openapi('PublicApplicationReceipt'),
    },
    errors: {
      409: 'the challenge was used already',
      429: 'too many requests from this address',
      503: 'Temporal unreachable; nothing was registered',
    },
    handler: async ({ body, req }) => {
      const { consent: _consent, agencyCode, ...submitted } = body;
      // The clerk intake's own checks (ID check characters, organisations' credit codes), with the channel fixed.
      const intake = intakeSchema.safeParse({ ...submitted, channel: 'online' });
      if (!intake.success) throw validationError(intake.error, 'body');
      const own = await agencyStore.current();
      const agency = agencyCode === undefined || agencyCode === own.code ? own : await loadAgency(db, agencyCode);
      if (!agency)
        throw new ApiError(400, 'validation_failed', 'invalid body: agencyCode', [
          { field: 'agencyCode', message: 'no such agency (GET /api/public/agencies)' },
        ]);
      // Checked before the challenge is spent: a wrong field costs the applicant no new proof of work.
      await guard.redeemChallenge(req, 'apply');
      const profile = findRuleProfile(agency.defaultRuleProfileId);
      if (!profile) throw new ApiError(503, 'unavailable', 'the office’s rule profile is not configured');
      const today = shanghaiDateOf(Date.now());
      const year = Number(today.slice(0, 4));
      const caseNo = caseNumber(agency.code, year, await nextInSequence(db, agency.code, year, 'application'));
      const { ruleProfileId: _none, ...fields } = intake.data;
      const input: m.ApplicationInput = {
        caseNo,
        queryCode: newQueryCode(),
        agencyCode: agency.code,
        ruleProfile: ruleProfileRef(profile),
        // §31: an online application is received when the office confirms it (the clerk's confirm-receipt).
        intake: { ...fields, receivedOn: null },
        submittedBy: PORTAL_ACTOR,
        ...(agency.officeDepartmentCode ? { officeDepartmentCode: agency.officeDepartmentCode } : {}),
        possibleDuplicates: await possibleDuplicates(db, {
          agencyCode: agency.code,
          caseNo,
          idNumber: fields.applicant.idNumber,
          description: fields.description,
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
      const receipt = await receiptOf(db, caseNo);
      return {
        caseNo,
        queryCode: input.queryCode,
        receipt: receipt ? { docNo: receipt.doc_no, title: receipt.title } : null,
        access: await guard.issueAccess(caseNo),
        progress: await progressOf(db, caseNo),
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/public/lookup',
    summary: '进度查询：凭查询码和身份证件号码或电话号码的后四位（须附已解的工作量证明）',
    tags: ['public'],
    headers: powHeader,
    roles: 'public',
    body: lookupSchema,
    response: {
      status: 200,
      description: 'the progress and an access token for this case',
      schema: z.object({ access: accessSchema, progress: progressSchema }),
    },
    errors: {
      404: 'no application with this 查询码 and second factor (the same answer whether the code or the factor is wrong)',
      409: 'the challenge was used already',
      429: 'too many requests from this address, or too many failed lookups of this 查询码',
    },
    handler: async ({ body, req }) => {
      await guard.redeemChallenge(req, 'lookup');
      const row = await caseOfQueryCode(db, body.queryCode);
      const applicant = row ? (row.state as ApplicationState).intake.applicant : null;
      // Compared the same way whether or not the code exists, and answered the same when either is wrong.
      if (!(await guard.secondFactorMatches(applicant, body.factor)))
        throw new ApiError(404, 'not_found', '查询码或验证信息不正确', [{ field: 'queryCode', message: '查询码或验证信息不正确' }]);
      return { access: await guard.issueAccess(row!.case_no), progress: await progressOf(db, row!.case_no) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/public/progress',
    summary: '办理进度（凭访问令牌 X-Applicant-Access）：阶段、答复期限及其推算、已发文书',
    tags: ['public'],
    headers: accessHeader,
    roles: 'public',
    response: { status: 200, description: 'the progress', schema: progressSchema },
    errors: { 403: 'no valid access token (X-Applicant-Access)' },
    handler: async ({ req }) => progressOf(db, await guard.caseOf(req)),
  });

  routes.add({
    method: 'get',
    path: '/api/public/documents/:docNo',
    summary: '下载本机关发给申请人的文书（PDF，凭访问令牌）',
    tags: ['public'],
    headers: accessHeader,
    roles: 'public',
    params: z.object({ docNo: z.string().min(1).max(100) }),
    response: {
      status: 200,
      description: 'application/pdf (X-Content-SHA256: the SHA-256 recorded with the document)',
      schema: z.string(),
    },
    errors: { 403: 'no valid access token (X-Applicant-Access)', 404: 'no such document for the applicant' },
    handler: async ({ params, req, res }) => {
      const caseNo = await guard.caseOf(req);
      const progress = await progressOf(db, caseNo);
      const allowed = progress.notices.some((n) => n.docNo === params.docNo);
      const doc = allowed ? await portalNotice(db, caseNo, params.docNo) : undefined;
      if (!doc) throw new ApiError(404, 'not_found', '没有找到该文书');
      const pdf = await caseDocumentPdf(doc);
      if (!pdf) throw new ApiError(404, 'not_found', '该文书暂无 PDF 版本');
      res.setHeader('X-Content-SHA256', doc.pdf_sha256 ?? sha256Hex(pdf));
      res.setHeader('Cache-Control', 'no-store');
      res
        .type('application/pdf')
        .attachment(`${params.docNo.replace(/[^\w.-]+/g, '_')}.pdf`)
        .send(pdf);
      return '';
    },
  });

  routes.add({
    method: 'post',
    path: '/api/public/attachments',
    summary:
      '上传申请材料（身份证明、营业执照、其他材料；等待确认收到时）或补正材料（待补正时）：请求体为文件本身（application/octet-stream），类型按内容识别',
    tags: ['public'],
    headers: accessHeader,
    roles: 'public',
    query: z.object({ kind: z.enum(keys(ATTACHMENT_KINDS)), name: z.string().trim().min(1).max(200).optional() }),
    response: {
      status: 201,
      description: 'the attachment (its name and type as stored)',
      schema: z
        .object({ id: z.string(), filename: z.string(), size: z.number(), mediaType: z.string(), purpose: z.string() })
        .openapi('PublicAttachment'),
    },
    errors: {
      403: 'no valid access token (X-Applicant-Access)',
      409: 'the case takes no files now, or has as many as allowed',
      413: 'the file is too large',
      415: 'the file’s content is not of an allowed type',
    },
    handler: async ({ query, req }) => {
      const caseNo = await guard.caseOf(req);
      const bytes = req.body;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0)
        throw new ApiError(400, 'validation_failed', 'invalid body: the file is empty', [
          { field: 'body', message: 'must be the file’s bytes' },
        ]);
      const row = await portalCase(db, caseNo);
      if (!row) throw new ApiError(404, 'not_found', '没有找到该申请');
      const purpose =
        row.stage === 'awaiting-receipt-confirmation'
          ? 'application-material'
          : row.stage === 'correction-requested'
            ? 'correction-material'
            : null;
      if (!purpose) throw new ApiError(409, 'conflict', '本申请当前不接收材料');
      const already = (await listCaseFiles(db, 'application', caseNo, ['application-material', 'correction-material'])).filter(
        (f) => f.uploadedBy === APPLICANT_UPLOADER,
      );
      if (already.length >= guard.settings.maxFilesPerCase)
        throw new ApiError(409, 'conflict', `每件申请最多上传${guard.settings.maxFilesPerCase}个文件`);
      try {
        const file = await files.putAndAttach(db, {
          caseKind: 'application',
          caseNo,
          purpose,
          filename: `${ATTACHMENT_KINDS[query.kind]}-${query.name ?? 'file'}`,
          uploadedBy: APPLICANT_UPLOADER,
          bytes,
        });
        return fileForApplicant(file);
      } catch (error) {
        // The store's own message names the file; the applicant's answer names only the rule.
        if (error instanceof FileRejected) {
          if (error.reason === 'too-large')
            throw new ApiError(
              413,
              'payload_too_large',
              `文件过大：每个文件不超过${Math.floor(Math.min(files.maxBytes, guard.settings.maxFileBytes) / 1024 / 1024)}MB`,
              [{ field: 'body', message: 'too large' }],
            );
          if (error.reason === 'type-not-allowed')
            throw new ApiError(415, 'unsupported_media_type', '文件类型不受支持：请上传 PDF、OFD、JPEG、PNG、DOCX、XLSX 或文本文件', [
              { field: 'body', message: 'type not allowed' },
            ]);
          throw new ApiError(400, 'validation_failed', 'invalid body: the file is empty', [
            { field: 'body', message: 'must not be empty' },
          ]);
        }
        throw error;
      }
    },
  });

  routes.add({
    method: 'get',
    path: '/api/public/files/:fileId',
    summary: '下载随答复送达的政府信息（凭访问令牌；只限已送达申请人的文件）',
    tags: ['public'],
    headers: accessHeader,
    roles: 'public',
    params: z.object({ fileId: z.string().regex(/^\d{1,18}$/, 'must be a file id') }),
    response: { status: 200, description: 'the file (as an attachment; X-Content-SHA256)', schema: z.string() },
    errors: { 403: 'no valid access token (X-Applicant-Access)', 404: 'no such file delivered to the applicant' },
    handler: async ({ params, req, res }) => {
      const caseNo = await guard.caseOf(req);
      const delivered = (await filesDeliveredToApplicant(db, caseNo)).find((f) => f.id === params.fileId);
      const content = delivered ? await files.readAttachment(db, 'application', caseNo, delivered.id) : null;
      if (!content) throw new ApiError(404, 'not_found', '没有找到该文件');
      res.setHeader('X-Content-SHA256', content.file.sha256);
      res.setHeader('Cache-Control', 'no-store');
      // Text is sent as text, never rendered; everything downloads.
      res.type(content.file.mediaType).attachment(content.file.filename).send(content.bytes);
      return '';
    },
  });

  routes.add({
    method: 'post',
    path: '/api/public/correction',
    summary: '提交补正：在本机关告知补正后提交补正后的申请和材料（凭访问令牌）；答复期限自收到之日重新起算',
    tags: ['public'],
    headers: accessHeader,
    roles: 'public',
    body: z.object({ statement: text(4000) }).openapi('PublicCorrection'),
    response: { status: 200, description: 'the progress after the correction', schema: progressSchema },
    errors: { 403: 'no valid access token (X-Applicant-Access)', 409: 'no correction is being asked for' },
    handler: async ({ req, body }) => {
      const caseNo = await guard.caseOf(req);
      const row = await portalCase(db, caseNo);
      if (!row) throw new ApiError(404, 'not_found', '没有找到该申请');
      if (row.stage !== 'correction-requested') throw new ApiError(409, 'conflict', '本申请当前无需补正');
      // The corrected application is kept with the case's correction materials (the workflow's step records only the day).
      const statement = await files.putAndAttach(db, {
        caseKind: 'application',
        caseNo,
        purpose: 'correction-material',
        filename: `补正后的申请-${shanghaiDateOf(Date.now())}.txt`,
        uploadedBy: APPLICANT_UPLOADER,
        bytes: Buffer.from(`补正后的申请（${caseNo}，经网上申请平台提交）\n\n${body.statement}\n`, 'utf8'),
      });
      // The event records what was received: the corrected application and the correction materials uploaded with it.
      const materials = (await listCaseFiles(db, 'application', caseNo, ['correction-material'])).map((f) => ({
        sha256: f.sha256,
        filename: f.filename,
      }));
      if (!materials.some((f) => f.sha256 === statement.sha256)) materials.push({ sha256: statement.sha256, filename: statement.filename });
      await sendStep(temporal, row.workflow_id, m.submitCorrectionUpdate, {
        receivedOn: shanghaiDateOf(Date.now()),
        materials,
        actor: PORTAL_ACTOR,
      });
      return progressOf(db, caseNo);
    },
  });
}
