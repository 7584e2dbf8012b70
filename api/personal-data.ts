/**
 * Every read of an applicant's personal contact details is audited (等保 2.0 安全审计;
 * 个人信息保护法): one `personal-data.read` row per response that carries any of them
 * unmasked — the case view for the roles that see the applicant in full, a notice that
 * prints the delivery address, an evidence bundle — naming the case, the fields seen and
 * the way they were read. Roles that see masked values leave no row.
 */
import { CASE_NUMBER } from '../domain/agency';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { escapeHtml } from '../activities/notices';
import type { Applicant } from '../domain/application/types';
import { auditActor, recordAudit } from '../db/repositories/audit';
import type { User } from '../db/repositories/users';
import type { Database } from '../db/schema';

/** The contact fields `maskContact` hides (domain/privacy.ts): what an unmasked read exposes. */
export const CONTACT_FIELDS = ['idNumber', 'phone', 'email', 'address'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** The contact fields the applicant has (an e-mail is optional). */
export function contactFieldsOf(applicant: Partial<Applicant>): ContactField[] {
  return CONTACT_FIELDS.filter((field) => typeof applicant[field] === 'string' && applicant[field] !== '');
}

/**
 * The contact fields whose full value appears in what is sent (as written, HTML-escaped or
 * JSON-escaped): a notice prints the address, a bundle's case.json carries them all.
 */
export function contactFieldsIn(applicant: Partial<Applicant>, texts: readonly string[]): ContactField[] {
  return contactFieldsOf(applicant).filter((field) => {
    const value = applicant[field] as string;
    const forms = [value, escapeHtml(value), JSON.stringify(value).slice(1, -1)];
    return texts.some((text) => forms.some((form) => text.includes(form)));
  });
}

/** One audit row for an unmasked read; nothing when no field was seen. */
export async function recordPersonalDataRead(
  db: Kysely<Database>,
  read: { user: User; req: Request; caseNo: string; fields: readonly ContactField[]; via: string; document?: string },
): Promise<void> {
  if (read.fields.length === 0) return;
  await recordAudit(db, {
    action: 'personal-data.read',
    actor: auditActor(read.user),
    ip: read.req.ip ?? null,
    target: `case:${read.caseNo}`,
    details: { caseNo: read.caseNo, fields: [...read.fields], via: read.via, ...(read.document ? { document: read.document } : {}) },
  });
}

/**
 * What decoded Temporal payloads (`POST /codec/decode`, the Temporal UI and CLI reading an
 * encrypted history) disclose of applicants: every JSON object with an `applicant` carrying
 * contact fields, by case number (the nearest `caseNo` above it, else anywhere in the payload).
 */
export function contactFieldsInPayloads(payloads: ReadonlyArray<{ data?: Uint8Array | null }>): Map<string | null, Set<ContactField>> {
  const found = new Map<string | null, Set<ContactField>>();
  const add = (caseNo: string | null, fields: ContactField[]) => {
    if (fields.length === 0) return;
    const set = found.get(caseNo) ?? new Set<ContactField>();
    for (const f of fields) set.add(f);
    found.set(caseNo, set);
  };
  const caseNoIn = (value: unknown): string | null => {
    if (!value || typeof value !== 'object') return null;
    const own = (value as Record<string, unknown>).caseNo;
    if (typeof own === 'string' && CASE_NUMBER.test(own)) return own;
    for (const child of Object.values(value as Record<string, unknown>)) {
      const deeper = caseNoIn(child);
      if (deeper) return deeper;
    }
    return null;
  };
  const walk = (value: unknown, caseNo: string | null, depth: number): void => {
    if (!value || typeof value !== 'object' || depth > 40) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, caseNo, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    const here = typeof record.caseNo === 'string' && CASE_NUMBER.test(record.caseNo) ? record.caseNo : caseNo;
    const applicant = record.applicant;
    if (applicant && typeof applicant === 'object' && !Array.isArray(applicant))
      add(here, contactFieldsOf(applicant as Partial<Applicant>));
    for (const [key, child] of Object.entries(record)) if (key !== 'applicant') walk(child, here, depth + 1);
  };
  for (const payload of payloads) {
    if (!payload.data || payload.data.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload.data).toString('utf8'));
    } catch {
      continue; // not JSON (binary/null payloads): nothing readable about applicants
    }
    walk(parsed, caseNoIn(parsed), 0);
  }
  return found;
}

/**
 * The plain JSON payloads inside a workflow history in proto3 JSON (`{ metadata: { encoding:
 * base64('json/plain') }, data: base64 }`): what a history written with the codec off shows
 * anyone who reads it. Encrypted payloads (`binary/encrypted`) disclose nothing here.
 */
export function plainPayloadsInHistory(history: unknown): Array<{ data: Uint8Array }> {
  const found: Array<{ data: Uint8Array }> = [];
  const walk = (value: unknown, depth: number): void => {
    if (!value || typeof value !== 'object' || depth > 60) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    const encoding = (record.metadata as Record<string, unknown> | undefined)?.encoding;
    if (
      typeof record.data === 'string' &&
      typeof encoding === 'string' &&
      Buffer.from(encoding, 'base64').toString('utf8') === 'json/plain'
    ) {
      found.push({ data: Buffer.from(record.data, 'base64') });
      return;
    }
    for (const child of Object.values(record)) walk(child, depth + 1);
  };
  walk(history, 0);
  return found;
}

/** One `personal-data.read` row per case whose applicant the payloads disclosed (`via`: codec, history). */
export async function recordDecodedPersonalData(
  db: Kysely<Database>,
  user: User,
  req: Request,
  payloads: ReadonlyArray<{ data?: Uint8Array | null }>,
  via = 'codec',
): Promise<void> {
  for (const [caseNo, fields] of contactFieldsInPayloads(payloads)) {
    await recordAudit(db, {
      action: 'personal-data.read',
      actor: auditActor(user),
      ip: req.ip ?? null,
      target: caseNo ? `case:${caseNo}` : null,
      details: { caseNo, fields: CONTACT_FIELDS.filter((f) => fields.has(f)), via },
    });
  }
}

/** The contact fields of a citizen message's writer (政民互动) a view shows: phone, e-mail, address. */
export const WRITER_CONTACT_FIELDS = ['phone', 'email', 'address'] as const;

/** One row when a message view shows its writer's contact details (writerVisibleTo allowed it). */
export async function recordMessageWriterRead(
  db: Kysely<Database>,
  read: {
    user: User;
    req: Request;
    messageId: string;
    writer: { phone?: string | null; email?: string | null; address?: string | null } | undefined;
    via: string;
  },
): Promise<void> {
  const writer = read.writer;
  const fields = writer ? WRITER_CONTACT_FIELDS.filter((f) => typeof writer[f] === 'string' && writer[f] !== '') : [];
  if (fields.length === 0) return;
  await recordAudit(db, {
    action: 'personal-data.read',
    actor: auditActor(read.user),
    ip: read.req.ip ?? null,
    target: `message:${read.messageId}`,
    details: { messageId: read.messageId, fields, via: read.via },
  });
}
