/**
 * Notices as PDF: each case document keeps the PDF rendered when it was issued and its
 * SHA-256 (documents issued before this have none: their PDF is rendered on demand), and the
 * agency's seal (电子印章, a PNG an admin uploads) is kept with its settings.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_documents').addColumn('pdf', 'bytea').addColumn('pdf_sha256', 'text').execute();
  await db.schema.alterTable('agency_settings').addColumn('seal_png', 'bytea').addColumn('seal_sha256', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('agency_settings').dropColumn('seal_png').dropColumn('seal_sha256').execute();
  await db.schema.alterTable('case_documents').dropColumn('pdf').dropColumn('pdf_sha256').execute();
}
