/**
 * The file store: files attached to cases, kept in PostgreSQL.
 *
 * - Content-addressed: `stored_files` holds each distinct file once, keyed by the SHA-256 of its
 *   plaintext, so the same bytes uploaded twice (or to two cases) are stored once.
 * - Typed by content (db/files/content-type.ts), never by name: a type outside the allow-list is
 *   refused, and so is a file over the size limit (`GONGKAI_FILE_MAX_BYTES`).
 * - Files with the applicant's identity (application and correction materials: ID copies,
 *   licences) are sealed at rest with the payload codec's keys and cipher (GONGKAI_CODEC_KEYS,
 *   AES-256-GCM or SM4 under GONGKAI_CRYPTO=gm): the sealed bytes are an encoded payload naming
 *   its key id and cipher, so key rotation works as for workflow payloads. The hash stays the
 *   plaintext's, so dedupe and the evidence manifest still work. With GONGKAI_CODEC=off (no keys)
 *   they are stored in the clear, as the payloads are.
 * - `case_files` attaches a stored file to a case (application, dispute, document) for a purpose,
 *   with the name it came under, who uploaded it, and whether the applicant has received it.
 *
 * Every method takes the database or a transaction, so an upload and its audit row (or a case
 * step) are written together or not at all.
 */
import { createHash } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema';
import { type AllowedMediaType, allowedTypesLabel, detectMediaType, EXTENSION_OF, isAllowedMediaType } from './content-type';

export type Db = Kysely<Database> | Transaction<Database>;

export const CASE_KINDS = ['application', 'dispute', 'document'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const FILE_PURPOSES = [
  'application-material',
  'correction-material',
  'disclosed',
  'redacted',
  'dispute-evidence',
  'published-file',
] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

/** What each purpose is called on screen and in the evidence bundle. */
export const FILE_PURPOSE_LABELS: Record<FilePurpose, string> = {
  'application-material': '申请材料',
  'correction-material': '补正材料',
  disclosed: '公开的政府信息',
  redacted: '区分处理后公开的政府信息',
  'dispute-evidence': '复议诉讼证据材料',
  'published-file': '公开发布的文件',
};

/** The purposes a file may have on each kind of case. */
export const PURPOSES_OF_CASE_KIND: Record<CaseKind, readonly FilePurpose[]> = {
  application: ['application-material', 'correction-material', 'disclosed', 'redacted'],
  dispute: ['dispute-evidence'],
  document: ['published-file'],
};

/** Purposes whose files carry the applicant's identity: sealed at rest, shown to fewer roles. */
export const PERSONAL_PURPOSES: readonly FilePurpose[] = ['application-material', 'correction-material'];

/** The reply's files: they reach the applicant when the reply is delivered. */
export const REPLY_PURPOSES: readonly FilePurpose[] = ['disclosed', 'redacted'];

export const isPersonalPurpose = (purpose: FilePurpose): boolean => PERSONAL_PURPOSES.includes(purpose);

/** Why a file was refused; the API answers `too-large` 413, `type-not-allowed` 415, `empty` 400. */
export type FileRejection = 'too-large' | 'type-not-allowed' | 'empty';

export class FileRejected extends Error {
  constructor(
    readonly reason: FileRejection,
    message: string,
    /** The type found in the content (type-not-allowed), or null when nothing was recognised. */
    readonly detectedType: string | null = null,
  ) {
    super(message);
    this.name = 'FileRejected';
  }
}

export const DEFAULT_FILE_MAX_BYTES = 20 * 1024 * 1024;

/** GONGKAI_FILE_MAX_BYTES: the largest file accepted (default 20 MiB); not a positive whole number → refused at start. */
export function fileMaxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GONGKAI_FILE_MAX_BYTES;
  if (raw === undefined || raw.trim() === '') return DEFAULT_FILE_MAX_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 512 * 1024 * 1024)
    throw new Error(`GONGKAI_FILE_MAX_BYTES must be a whole number of bytes from 1 to 536870912, got ${raw}`);
  return value;
}

export interface StoredFile {
  sha256: string;
  mediaType: AllowedMediaType;
  size: number;
  encrypted: boolean;
}

export interface CaseFile {
  id: string;
  caseKind: CaseKind;
  caseNo: string;
  purpose: FilePurpose;
  sha256: string;
  filename: string;
  mediaType: AllowedMediaType;
  size: number;
  encrypted: boolean;
  /** A username, or `applicant` (the portal). */
  uploadedBy: string;
  uploadedAt: string;
  deliveredToApplicant: boolean;
  deliveredAt: string | null;
}

export interface PutFileInput {
  bytes: Uint8Array;
  /** Only used to name a refusal; the type is read from the content. */
  filename?: string;
  /** Carries the applicant's identity: sealed at rest (when the codec has keys). */
  personal: boolean;
}

export interface AttachFileInput {
  caseKind: CaseKind;
  caseNo: string;
  purpose: FilePurpose;
  sha256: string;
  filename: string;
  uploadedBy: string;
}

const PLAIN_ENCODING = new TextEncoder().encode('binary/plain');
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A name safe to keep and to send back in Content-Disposition: the last path segment, no
 * control characters, at most 200 characters; empty → `file.<ext>`.
 */
export function cleanFilename(name: string | undefined, mediaType: AllowedMediaType): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  const cut = Array.from(base).slice(0, 200).join('');
  return cut === '' || cut === '.' || cut === '..' ? `file.${EXTENSION_OF[mediaType]}` : cut;
}

const columns = [
  'case_files.id',
  'case_files.case_kind',
  'case_files.case_no',
  'case_files.purpose',
  'case_files.sha256',
  'case_files.filename',
  'case_files.uploaded_by',
  'case_files.uploaded_at',
  'case_files.delivered_to_applicant',
  'case_files.delivered_at',
  'stored_files.media_type',
  'stored_files.size',
  'stored_files.encrypted',
] as const;

type LinkRow = {
  id: string;
  case_kind: string;
  case_no: string;
  purpose: string;
  sha256: string;
  filename: string;
  uploaded_by: string;
  uploaded_at: Date;
  delivered_to_applicant: boolean;
  delivered_at: Date | null;
  media_type: string;
  size: string;
  encrypted: boolean;
};

function toCaseFile(row: LinkRow): CaseFile {
  return {
    id: row.id,
    caseKind: row.case_kind as CaseKind,
    caseNo: row.case_no,
    purpose: row.purpose as FilePurpose,
    sha256: row.sha256,
    filename: row.filename,
    mediaType: row.media_type as AllowedMediaType,
    size: Number(row.size),
    encrypted: row.encrypted,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    deliveredToApplicant: row.delivered_to_applicant,
    deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
  };
}

const linksOf = (db: Db) =>
  db.selectFrom('case_files').innerJoin('stored_files', 'stored_files.sha256', 'case_files.sha256').select(columns);

export class FileStore {
  readonly maxBytes: number;
  private readonly codec: PayloadCodec | null;

  /**
   * `codec`: the payload codec (temporal-config/codec.ts, EncryptionCodec) whose keys seal personal
   * files (none: stored in the clear). `maxBytes`: GONGKAI_FILE_MAX_BYTES unless given.
   */
  constructor(options: { codec?: PayloadCodec | null; maxBytes?: number } = {}) {
    this.codec = options.codec ?? null;
    this.maxBytes = options.maxBytes ?? fileMaxBytesFromEnv();
  }

  /** Whether personal files are sealed at rest (the codec has keys). */
  get sealsPersonalFiles(): boolean {
    return this.codec !== null;
  }

  /** Size and type checks without storing anything: throws FileRejected, or answers the file's hash, type and size. */
  async inspect(bytes: Uint8Array, filename?: string): Promise<{ sha256: string; mediaType: AllowedMediaType; size: number }> {
    const named = filename ? `「${filename}」` : 'the file';
    if (bytes.length === 0) throw new FileRejected('empty', `${named} is empty`);
    if (bytes.length > this.maxBytes)
      throw new FileRejected('too-large', `${named} is ${bytes.length} bytes; at most ${this.maxBytes} are accepted`);
    const mediaType = await detectMediaType(bytes);
    if (!mediaType || !isAllowedMediaType(mediaType)) {
      throw new FileRejected(
        'type-not-allowed',
        `${named} is ${mediaType ?? 'of no recognised type'} by its content; allowed: ${allowedTypesLabel()}`,
        mediaType,
      );
    }
    return { sha256: sha256Hex(bytes), mediaType, size: bytes.length };
  }

  /**
   * Stores a file once (by the SHA-256 of its bytes) and answers what it is. Storing bytes that
   * are already there stores nothing new; a file first stored in the clear and now given as
   * personal is sealed in place.
   */
  async put(db: Db, input: PutFileInput): Promise<StoredFile> {
    const { sha256, mediaType, size } = await this.inspect(input.bytes, input.filename);
    const seal = input.personal && this.codec !== null;
    const content = seal ? await this.seal(input.bytes) : Buffer.from(input.bytes);
    const inserted = await db
      .insertInto('stored_files')
      .values({ sha256, size, media_type: mediaType, encrypted: seal, content })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .returning('sha256')
      .executeTakeFirst();
    if (inserted) return { sha256, mediaType, size, encrypted: seal };
    if (seal) {
      await db
        .updateTable('stored_files')
        .set({ content, encrypted: true })
        .where('sha256', '=', sha256)
        .where('encrypted', '=', false)
        .execute();
      return { sha256, mediaType, size, encrypted: true };
    }
    const existing = await db.selectFrom('stored_files').select('encrypted').where('sha256', '=', sha256).executeTakeFirstOrThrow();
    return { sha256, mediaType, size, encrypted: existing.encrypted };
  }

  /**
   * Attaches a stored file to a case; attaching the same file to the same case for the same
   * purpose again answers the first attachment (a retried upload changes nothing).
   */
  async attach(db: Db, input: AttachFileInput): Promise<CaseFile> {
    if (!PURPOSES_OF_CASE_KIND[input.caseKind].includes(input.purpose))
      throw new Error(`a ${input.caseKind} has no ${input.purpose} files`);
    const stored = await db.selectFrom('stored_files').select('media_type').where('sha256', '=', input.sha256).executeTakeFirst();
    if (!stored) throw new Error(`no stored file ${input.sha256}`);
    await db
      .insertInto('case_files')
      .values({
        case_kind: input.caseKind,
        case_no: input.caseNo,
        purpose: input.purpose,
        sha256: input.sha256,
        filename: cleanFilename(input.filename, stored.media_type as AllowedMediaType),
        uploaded_by: input.uploadedBy,
      })
      .onConflict((oc) => oc.columns(['case_kind', 'case_no', 'purpose', 'sha256']).doNothing())
      .execute();
    const row = await linksOf(db)
      .where('case_files.case_kind', '=', input.caseKind)
      .where('case_files.case_no', '=', input.caseNo)
      .where('case_files.purpose', '=', input.purpose)
      .where('case_files.sha256', '=', input.sha256)
      .executeTakeFirstOrThrow();
    return toCaseFile(row);
  }

  /** put + attach in one transaction (or in the caller's): personal when the purpose says so. */
  async putAndAttach(db: Db, input: Omit<AttachFileInput, 'sha256'> & { bytes: Uint8Array }): Promise<CaseFile> {
    // Checked before any transaction opens: detection is the slow part.
    await this.inspect(input.bytes, input.filename);
    const run = async (trx: Db) => {
      const stored = await this.put(trx, { bytes: input.bytes, filename: input.filename, personal: isPersonalPurpose(input.purpose) });
      return this.attach(trx, { ...input, sha256: stored.sha256 });
    };
    return db.isTransaction ? run(db) : (db as Kysely<Database>).transaction().execute(run);
  }

  /** A stored file's plaintext (opened with the codec's keys when sealed), or null when there is none. */
  async read(db: Db, sha256: string): Promise<{ bytes: Buffer; mediaType: AllowedMediaType; size: number } | null> {
    const row = await db
      .selectFrom('stored_files')
      .select(['content', 'encrypted', 'media_type', 'size'])
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (!row) return null;
    const bytes = row.encrypted ? await this.open(row.content) : row.content;
    return { bytes, mediaType: row.media_type as AllowedMediaType, size: Number(row.size) };
  }

  /** One attachment of a case with its bytes, or null when the case has no such attachment. */
  async readAttachment(db: Db, caseKind: CaseKind, caseNo: string, id: string): Promise<{ file: CaseFile; bytes: Buffer } | null> {
    const file = await findCaseFile(db, caseKind, caseNo, id);
    if (!file) return null;
    const content = await this.read(db, file.sha256);
    return content ? { file, bytes: content.bytes } : null;
  }

  /**
   * Seals again, under the codec's first key and its current cipher, every sealed file that
   * was sealed under another key or cipher, so an old key can then leave GONGKAI_CODEC_KEYS
   * (files are kept for good, unlike workflow histories). Each file is its own small
   * transaction; run it again after a crash. Answers how many files were re-sealed, and the
   * files sealed under a key the codec does not have (they stay as they are).
   */
  async resealAll(db: Kysely<Database>): Promise<{ resealed: number; keyMissing: Array<{ sha256: string; keyId: string }> }> {
    if (!this.codec) throw new Error('re-sealing needs the codec keys (GONGKAI_CODEC_KEYS)');
    const current = sealedUnder(await this.seal(new Uint8Array([0])));
    let resealed = 0;
    const keyMissing: Array<{ sha256: string; keyId: string }> = [];
    let after = '';
    for (;;) {
      const batch = await db
        .selectFrom('stored_files')
        .select('sha256')
        .where('encrypted', '=', true)
        .where('sha256', '>', after)
        .orderBy('sha256')
        .limit(100)
        .execute();
      if (batch.length === 0) return { resealed, keyMissing };
      for (const { sha256 } of batch) {
        const changed = await db.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom('stored_files')
            .select('content')
            .where('sha256', '=', sha256)
            .forUpdate()
            .executeTakeFirstOrThrow();
          const was = sealedUnder(row.content);
          if (was.keyId === current.keyId && was.cipher === current.cipher) return false;
          let plain: Buffer;
          try {
            plain = await this.open(row.content);
          } catch (error) {
            if (!(error instanceof Error && /unknown key id/.test(error.message))) throw error;
            keyMissing.push({ sha256, keyId: was.keyId });
            return false;
          }
          if (sha256Hex(plain) !== sha256) throw new Error(`stored file ${sha256} does not open to its own content`);
          await trx
            .updateTable('stored_files')
            .set({ content: await this.seal(plain) })
            .where('sha256', '=', sha256)
            .execute();
          return true;
        });
        if (changed) resealed += 1;
      }
      after = batch[batch.length - 1]!.sha256;
    }
  }

  private async seal(bytes: Uint8Array): Promise<Buffer> {
    const [sealed] = await this.codec!.encode([{ metadata: { encoding: PLAIN_ENCODING }, data: bytes }]);
    return Buffer.from(temporal.api.common.v1.Payload.encode(sealed!).finish());
  }

  private async open(content: Buffer): Promise<Buffer> {
    if (!this.codec)
      throw new Error('this file is sealed at rest: the API needs GONGKAI_CODEC_KEYS (the key it was sealed with) to read it');
    const payload = temporal.api.common.v1.Payload.decode(content) as Payload;
    const [plain] = await this.codec.decode([payload]);
    const data = plain?.data;
    if (!data) throw new Error('a sealed file opened to nothing');
    return Buffer.from(data);
  }
}

/** The key id and cipher a sealed file names (the codec's payload metadata). */
function sealedUnder(content: Uint8Array): { keyId: string; cipher: string } {
  const metadata = temporal.api.common.v1.Payload.decode(content).metadata ?? {};
  const text = (value: Uint8Array | null | undefined) => (value ? Buffer.from(value).toString('utf8') : '');
  return { keyId: text(metadata['encryption-key-id']), cipher: text(metadata['encryption-cipher']) };
}

/** A case's attachments, oldest first; only the given purposes when listed. */
export async function listCaseFiles(db: Db, caseKind: CaseKind, caseNo: string, purposes?: readonly FilePurpose[]): Promise<CaseFile[]> {
  let q = linksOf(db).where('case_files.case_kind', '=', caseKind).where('case_files.case_no', '=', caseNo);
  if (purposes) {
    if (purposes.length === 0) return [];
    q = q.where('case_files.purpose', 'in', [...purposes]);
  }
  return (await q.orderBy('case_files.id').execute()).map(toCaseFile);
}

/** One attachment of a case, or null (an id of another case's attachment is null too). */
export async function findCaseFile(db: Db, caseKind: CaseKind, caseNo: string, id: string): Promise<CaseFile | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const row = await linksOf(db)
    .where('case_files.id', '=', id)
    .where('case_files.case_kind', '=', caseKind)
    .where('case_files.case_no', '=', caseNo)
    .executeTakeFirst();
  return row ? toCaseFile(row) : null;
}

/**
 * Marks the reply's files (disclosed, redacted) of an application as delivered to the applicant,
 * on the day the reply was delivered. Idempotent; answers how many were newly marked.
 */
export async function markReplyFilesDelivered(db: Db, caseNo: string, deliveredAt: Date | string = new Date()): Promise<number> {
  const result = await db
    .updateTable('case_files')
    .set({ delivered_to_applicant: true, delivered_at: deliveredAt })
    .where('case_kind', '=', 'application')
    .where('case_no', '=', caseNo)
    .where('purpose', 'in', [...REPLY_PURPOSES])
    .where('delivered_to_applicant', '=', false)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * What the applicant of an application may download: the files marked delivered to them. Once
 * the case records the reply's delivery, the reply's files are marked delivered here (on the
 * delivery's date) if the delivery step did not mark them itself.
 */
export async function filesDeliveredToApplicant(db: Db, caseNo: string): Promise<CaseFile[]> {
  const deliveredOn = await replyDeliveredOn(db, caseNo);
  if (deliveredOn) await markReplyFilesDelivered(db, caseNo, `${deliveredOn}T00:00:00+08:00`);
  return (
    await linksOf(db)
      .where('case_files.case_kind', '=', 'application')
      .where('case_files.case_no', '=', caseNo)
      .where('case_files.delivered_to_applicant', '=', true)
      .orderBy('case_files.id')
      .execute()
  ).map(toCaseFile);
}

/** Whether the reply of an application has been delivered (its files can then no longer change). */
export async function replyDelivered(db: Db, caseNo: string): Promise<boolean> {
  return (await replyDeliveredOn(db, caseNo)) !== null;
}

/** The day the reply of an application reached the applicant (Asia/Shanghai), as the case records it; null before. */
async function replyDeliveredOn(db: Db, caseNo: string): Promise<string | null> {
  const row = await db
    .selectFrom('applications')
    .select(sql<string | null>`state->'delivery'->>'deliveredOn'`.as('delivered_on'))
    .where('case_no', '=', caseNo)
    .executeTakeFirst();
  return row?.delivered_on ?? null;
}

/**
 * The department a case of the agency belongs to (null: none yet), or undefined when the agency
 * has no such case (another agency's case is not found, as one that does not exist). Every staff
 * read and upload of a case's files goes through it first.
 */
export async function caseFileScope(
  db: Db,
  caseKind: CaseKind,
  agencyCode: string,
  caseNo: string,
): Promise<{ departmentCode: string | null } | undefined> {
  switch (caseKind) {
    case 'application':
      return db
        .selectFrom('applications')
        .select('department_code as departmentCode')
        .where('agency_code', '=', agencyCode)
        .where('case_no', '=', caseNo)
        .executeTakeFirst();
    case 'dispute':
      return db
        .selectFrom('disputes')
        .select('department_code as departmentCode')
        .where('agency_code', '=', agencyCode)
        .where('dispute_no', '=', caseNo)
        .executeTakeFirst();
    case 'document':
      return db
        .selectFrom('documents')
        .select('issuing_department as departmentCode')
        .where('agency_code', '=', agencyCode)
        .where('doc_id', '=', caseNo)
        .executeTakeFirst();
  }
}
