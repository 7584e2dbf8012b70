/**
 * Files on cases: `stored_files` holds each distinct file once, keyed by the SHA-256 of its
 * plaintext (content addressing: the same bytes uploaded twice are stored once), with its size,
 * the media type found in its content, and whether the bytes are sealed with the codec's keys
 * (files carrying the applicant's identity). `case_files` attaches a stored file to a case
 * (application, dispute, document) for a purpose, with the name it was uploaded under, who
 * uploaded it and when, and whether the applicant has received it.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stored_files')
    .addColumn('sha256', 'text', (col) => col.primaryKey().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('size', 'bigint', (col) => col.notNull().check(sql`size >= 0`))
    .addColumn('media_type', 'text', (col) => col.notNull())
    // Sealed bytes name their key and cipher inside them (an encoded Temporal payload), so keys rotate as the codec's do.
    .addColumn('encrypted', 'boolean', (col) => col.notNull())
    .addColumn('content', 'bytea', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // PDFs, images, zip-based office files and ciphertext do not compress: spare PostgreSQL the attempt.
  await sql`alter table stored_files alter column content set storage external`.execute(db);

  await db.schema
    .createTable('case_files')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('case_kind', 'text', (col) => col.notNull().check(sql`case_kind in ('application', 'dispute', 'document')`))
    .addColumn('case_no', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) =>
      col
        .notNull()
        .check(
          sql`purpose in ('application-material', 'correction-material', 'disclosed', 'redacted', 'dispute-evidence', 'published-file')`,
        ),
    )
    .addColumn('sha256', 'text', (col) => col.notNull().references('stored_files.sha256'))
    .addColumn('filename', 'text', (col) => col.notNull())
    /** A username, or `applicant` for what the applicant sent through the portal. */
    .addColumn('uploaded_by', 'text', (col) => col.notNull())
    .addColumn('uploaded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_to_applicant', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  // One file once per case and purpose: attaching it again is the same attachment (a retried upload).
  await db.schema.createIndex('case_files_once').unique().on('case_files').columns(['case_kind', 'case_no', 'purpose', 'sha256']).execute();
  await db.schema.createIndex('case_files_by_case').on('case_files').columns(['case_kind', 'case_no', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_files').execute();
  await db.schema.dropTable('stored_files').execute();
}
