/**
 * Every read of an applicant's personal contact details is audited (等保 2.0 安全审计;
 * 个人信息保护法): one `personal-data.read` row per response that carries any of them
 * unmasked — the case view for the roles that see the applicant in full, a notice that
 * prints the delivery address, an evidence bundle — naming the case, the fields seen and
 * the way they were read. Roles that see masked values leave no row.
 */
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
