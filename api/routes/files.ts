/**
 * Files on cases, for staff: upload, list and download the attachments of applications
 * (application and correction materials, the reply's disclosed and redacted files), disputes
 * (evidence) and outgoing documents (the published file). Stored by db/files/store.ts.
 *
 * Upload: `POST …/files?purpose=<purpose>` with the file's bytes as the body (any Content-Type
 * but JSON or multipart: the type is read from the content) and its name, percent-encoded UTF-8,
 * in `X-File-Name`. Too large → 413, a type not allowed → 415, both naming the field.
 *
 * Who: whoever may see the case sees its list (a department only its own cases, as everywhere);
 * application and correction materials carry the applicant's identity (ID copies), so only the
 * roles that see the applicant in full (clerk, admin) download them, and others see them listed
 * under a neutral name. Every upload and download is a row in the audit log.
 */
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { CASE_NUMBER, DISPUTE_NUMBER } from '../../domain/agency';
import { EXTENSION_OF } from '../../db/files/content-type';
import {
  type CaseFile,
  type CaseKind,
  caseFileScope,
  FILE_PURPOSE_LABELS,
  FILE_PURPOSES,
  type FilePurpose,
  FileRejected,
  type FileStore,
  findCaseFile,
  isPersonalPurpose,
  listCaseFiles,
  PURPOSES_OF_CASE_KIND,
  REPLY_PURPOSES,
  replyDelivered,
} from '../../db/files/store';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import type { User } from '../../db/repositories/users';
import type { Database } from '../../db/schema';
import { type Role, ROLES } from '../../domain/roles';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';

export interface FileRouteDeps {
  db: Kysely<Database>;
  files: FileStore;
}

/** Roles that download files carrying the applicant's identity (those who see the applicant in full). */
export const SEES_PERSONAL_FILES: readonly Role[] = ['clerk', 'admin'];

/** Header carrying the uploaded file's name, percent-encoded UTF-8 (`encodeURIComponent`). */
export const FILE_NAME_HEADER = 'X-File-Name';

/** A store refusal as the API's answer: 413 too large, 415 type not allowed, 400 empty; the field is the body. */
export function fileRejectionError(error: FileRejected, field = 'body'): ApiError {
  if (error.reason === 'too-large') return new ApiError(413, 'payload_too_large', error.message, [{ field, message: error.message }]);
  if (error.reason === 'type-not-allowed')
    return new ApiError(415, 'unsupported_media_type', error.message, [{ field, message: error.message }]);
  return new ApiError(400, 'validation_failed', `invalid ${field}: ${error.message}`, [{ field, message: error.message }]);
}

/**
 * The raw request body, refused past `limit` bytes (413, before reading when Content-Length says
 * so). A JSON or multipart body is refused 415: the file's bytes are the body.
 */
export async function readFileBody(req: Request, limit: number, field = 'body'): Promise<Buffer> {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/json') || contentType.startsWith('multipart/')) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `send the file's bytes as the body (Content-Type ${contentType.split(';')[0]} is not a file)`,
      [{ field, message: 'must be the file itself' }],
    );
  }
  const tooLarge = () =>
    new ApiError(413, 'payload_too_large', `the file must be at most ${limit} bytes`, [
      { field, message: `must be at most ${limit} bytes` },
    ]);
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The client went away mid-upload (aborted, reset): nothing was stored.
    throw new ApiError(400, 'bad_request', 'the upload was interrupted before the whole file arrived', [{ field, message: 'incomplete' }]);
  }
  return Buffer.concat(chunks);
}

/** The uploaded file's name from `X-File-Name` (percent-encoded UTF-8); absent → undefined. */
export function fileNameOf(req: Request): string | undefined {
  const raw = req.header(FILE_NAME_HEADER);
  if (raw === undefined || raw === '') return undefined;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, 'validation_failed', `invalid header: ${FILE_NAME_HEADER}`, [
      { field: FILE_NAME_HEADER, message: 'must be percent-encoded UTF-8 (encodeURIComponent)' },
    ]);
  }
  if (name.includes('\u0000') || Array.from(name).length > 255) {
    throw new ApiError(400, 'validation_failed', `invalid header: ${FILE_NAME_HEADER}`, [
      { field: FILE_NAME_HEADER, message: 'must be at most 255 characters, without NUL' },
    ]);
  }
  return name;
}

interface KindRoutes {
  kind: CaseKind;
  /** `/api/applications/:caseNo` */
  base: string;
  param: 'caseNo' | 'disputeNo' | 'docId';
  paramSchema: z.ZodString;
  label: string;
  uploaders: readonly Role[];
  auditTarget(id: string): string;
}

const caseNo = z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123');
const KINDS: readonly KindRoutes[] = [
  {
    kind: 'application',
    base: '/api/applications/:caseNo',
    param: 'caseNo',
    paramSchema: caseNo,
    label: '申请',
    uploaders: ['clerk', 'department'],
    auditTarget: (id) => `case:${id}`,
  },
  {
    kind: 'dispute',
    base: '/api/disputes/:disputeNo',
    param: 'disputeNo',
    paramSchema: z.string().regex(DISPUTE_NUMBER, 'must look like demo-2026-D0001'),
    label: '复议诉讼',
    uploaders: ['clerk', 'department'],
    auditTarget: (id) => `dispute:${id}`,
  },
  {
    kind: 'document',
    base: '/api/documents/:docId',
    param: 'docId',
    paramSchema: caseNo,
    label: '公文',
    uploaders: ['clerk', 'department'],
    auditTarget: (id) => `document:${id}`,
  },
];

const caseFileSchema = z
  .object({
    id: z.string(),
    caseKind: z.enum(['application', 'dispute', 'document']),
    caseNo: z.string(),
    purpose: z.enum(FILE_PURPOSES),
    purposeLabel: z.string(),
    sha256: z.string(),
    filename: z.string(),
    mediaType: z.string(),
    size: z.number().int(),
    encrypted: z.boolean(),
    uploadedBy: z.string(),
    uploadedAt: z.string(),
    deliveredToApplicant: z.boolean(),
    deliveredAt: z.string().nullable(),
    /** Whether the caller may download it (personal materials: clerk and admin only). */
    downloadable: z.boolean(),
  })
  .openapi('CaseFile');

/** What a viewer is shown of an attachment: personal materials keep their name from roles that may not open them. */
function viewOf(file: CaseFile, viewer: User) {
  const downloadable = !isPersonalPurpose(file.purpose) || SEES_PERSONAL_FILES.includes(viewer.role);
  return {
    ...file,
    filename: downloadable ? file.filename : `${FILE_PURPOSE_LABELS[file.purpose]}${file.id}.${EXTENSION_OF[file.mediaType]}`,
    purposeLabel: FILE_PURPOSE_LABELS[file.purpose],
    downloadable,
  };
}

export function fileRoutes(routes: RouteTable, deps: FileRouteDeps): void {
  const { db, files } = deps;

  for (const k of KINDS) {
    const params = z.object({ [k.param]: k.paramSchema }) as z.ZodObject<Record<string, z.ZodString>>;
    const purposes = PURPOSES_OF_CASE_KIND[k.kind] as [FilePurpose, ...FilePurpose[]];
    const idOf = (p: Record<string, string>) => p[k.param]!;
    /** The case as the viewer may see it; 404 when there is none, it is another agency's, or it is outside their department. */
    const visibleCase = async (id: string, viewer: User) => {
      const found = await caseFileScope(db, k.kind, viewer.agencyCode, id);
      if (!found || (viewer.role === 'department' && found.departmentCode !== viewer.departmentCode))
        throw new ApiError(404, 'not_found', `${k.kind} ${id} not found`);
      return found;
    };

    routes.add({
      method: 'post',
      path: `${k.base}/files`,
      summary: `上传${k.label}附件（请求体为文件本身，X-File-Name 为 URL 编码的文件名；类型按内容识别）`,
      tags: ['files'],
      roles: k.uploaders,
      params,
      query: z.object({ purpose: z.enum(purposes).default(purposes[0]) }),
      // Documents the body; the handler reads it as a stream (readFileBody).
      body: z.unknown().openapi({ type: 'string', format: 'binary', description: 'the file itself' }),
      bodyContentType: 'application/octet-stream',
      response: {
        status: 201,
        description: 'the attachment (the same file, case and purpose again: the first attachment)',
        schema: caseFileSchema,
      },
      errors: {
        404: 'no such case, or not one of your department',
        409: 'the reply was delivered: its files no longer change',
        413: `larger than GONGKAI_FILE_MAX_BYTES (${files.maxBytes} bytes here)`,
        415: 'a type not allowed (by content), or a JSON or multipart body',
      },
      handler: async ({ params: p, query, user, req }) => {
        const id = idOf(p);
        await visibleCase(id, user!);
        // A department adds the reply's files to its own cases; the applicant's materials come through the office.
        if (k.kind === 'application' && user!.role === 'department' && !REPLY_PURPOSES.includes(query.purpose)) {
          throw new ApiError(
            403,
            'forbidden',
            `a department attaches only the reply's files (${REPLY_PURPOSES.join(', ')}); ${query.purpose} files come through the office`,
          );
        }
        if (k.kind === 'application' && REPLY_PURPOSES.includes(query.purpose) && (await replyDelivered(db, id))) {
          throw new ApiError(409, 'conflict', `the reply of ${id} has been delivered: its files no longer change`);
        }
        const filename = fileNameOf(req);
        const bytes = await readFileBody(req, files.maxBytes);
        let file: CaseFile;
        try {
          file = await db.transaction().execute(async (trx) => {
            const attached = await files.putAndAttach(trx, {
              caseKind: k.kind,
              caseNo: id,
              purpose: query.purpose,
              bytes,
              filename: filename ?? '',
              uploadedBy: user!.username,
            });
            await recordAudit(trx, {
              action: 'file.uploaded',
              actor: auditActor(user),
              ip: req.ip ?? null,
              target: k.auditTarget(id),
              details: {
                fileId: attached.id,
                purpose: attached.purpose,
                sha256: attached.sha256,
                mediaType: attached.mediaType,
                size: attached.size,
              },
            });
            return attached;
          });
        } catch (error) {
          if (error instanceof FileRejected) throw fileRejectionError(error);
          throw error;
        }
        return viewOf(file, user!);
      },
    });

    routes.add({
      method: 'get',
      path: `${k.base}/files`,
      summary: `${k.label}附件列表`,
      tags: ['files'],
      roles: ROLES,
      params,
      response: { status: 200, description: 'the attachments, oldest first', schema: z.object({ items: z.array(caseFileSchema) }) },
      errors: { 404: 'no such case, or not one of your department' },
      handler: async ({ params: p, user }) => {
        const id = idOf(p);
        await visibleCase(id, user!);
        return { items: (await listCaseFiles(db, k.kind, id)).map((f) => viewOf(f, user!)) };
      },
    });

    routes.add({
      method: 'get',
      path: `${k.base}/files/:fileId`,
      summary: `下载${k.label}附件（申请材料、补正材料仅限受理员、管理员）`,
      tags: ['files'],
      roles: ROLES,
      params: params.extend({ fileId: z.string().regex(/^\d{1,18}$/, 'must be an attachment id') }),
      response: {
        status: 200,
        description: 'the file itself, with its stored media type; X-Content-SHA256: its SHA-256',
        schema: z.string(),
      },
      errors: {
        403: 'application and correction materials: clerk and admin only',
        404: 'no such attachment on this case, or not one of your department',
      },
      handler: async ({ params: p, user, req, res }) => {
        const id = idOf(p);
        await visibleCase(id, user!);
        const file = await findCaseFile(db, k.kind, id, p.fileId!);
        if (!file) throw new ApiError(404, 'not_found', `attachment ${p.fileId} not found on ${k.kind} ${id}`);
        if (isPersonalPurpose(file.purpose) && !SEES_PERSONAL_FILES.includes(user!.role)) {
          throw new ApiError(
            403,
            'forbidden',
            `${FILE_PURPOSE_LABELS[file.purpose]} carry the applicant's identity: ${SEES_PERSONAL_FILES.join(' and ')} only`,
          );
        }
        const content = await files.read(db, file.sha256);
        if (!content) throw new ApiError(404, 'not_found', `attachment ${p.fileId} not found on ${k.kind} ${id}`);
        await recordAudit(db, {
          action: 'file.downloaded',
          actor: auditActor(user),
          ip: req.ip ?? null,
          target: k.auditTarget(id),
          details: { fileId: file.id, purpose: file.purpose, sha256: file.sha256, personal: isPersonalPurpose(file.purpose) },
        });
        // attachment() would also set a Content-Type from the name's extension: the stored type (by content) comes after it.
        res.attachment(file.filename);
        res.setHeader('Content-Type', file.mediaType === 'text/plain' ? 'text/plain; charset=utf-8' : file.mediaType);
        res.setHeader('X-Content-SHA256', file.sha256);
        res.setHeader('Cache-Control', 'private, no-store');
        res.send(content.bytes);
        return undefined as never;
      },
    });
  }
}
