/**
 * Document release (domain.md §4): the document projection, its append-only event log, the
 * written review records (kept at least three years, whatever Temporal retains), the
 * catalogue with its unique 索引号, and the registers (half-yearly 不予公开 register and the
 * November self-check) with their items. Written against Kysely<any>; never edited once released.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('doc_id', 'text', (col) => col.primaryKey())
    .addColumn('workflow_id', 'text', (col) => col.notNull().unique())
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('rule_profile_version', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('doc_number', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('normative', 'boolean', (col) => col.notNull())
    .addColumn('issuing_department', 'text', (col) => col.notNull())
    .addColumn('co_issuers', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('forwarded_doc_id', 'text')
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('proposed_attribute', 'text')
    .addColumn('final_attribute', 'text')
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open','closed')`))
    .addColumn('signed_on', 'date')
    .addColumn('next_due', 'date')
    .addColumn('next_due_at', 'timestamptz')
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('last_seq', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('documents_stage').on('documents').columns(['stage', 'final_attribute']).execute();
  await db.schema
    .createIndex('documents_open_due')
    .on('documents')
    .columns(['next_due_at'])
    .where(sql.ref('status'), '=', 'open')
    .execute();

  await db.schema
    .createTable('document_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('doc_id', 'text', (col) => col.notNull().references('documents.doc_id'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('actor_username', 'text', (col) => col.notNull())
    .addColumn('actor_role', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('document_events_doc_seq', ['doc_id', 'seq'])
    .execute();
  await sql`create trigger document_events_append_only before update or delete on document_events
    for each row execute function refuse_event_rewrite()`.execute(db);

  // 保密审查 and other written review records: title/number, basis, conclusion, reviewer and
  // date, every participant; kept at least three years (retain_until), never rewritten.
  await db.schema
    .createTable('document_reviews')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('doc_id', 'text', (col) => col.notNull().references('documents.doc_id'))
    .addColumn('event_seq', 'integer', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('basis', 'text', (col) => col.notNull())
    .addColumn('conclusion', 'text', (col) => col.notNull())
    .addColumn('reviewer', 'text', (col) => col.notNull())
    .addColumn('reviewer_role', 'text', (col) => col.notNull())
    .addColumn('reviewed_on', 'date', (col) => col.notNull())
    .addColumn('participants', sql`text[]`, (col) => col.notNull())
    .addColumn('retain_until', 'date', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('document_reviews_doc_seq', ['doc_id', 'event_seq'])
    .addCheckConstraint('document_reviews_three_years', sql`retain_until >= reviewed_on + interval '3 years'`)
    .execute();
  await sql`create trigger document_reviews_append_only before update or delete on document_reviews
    for each row execute function refuse_event_rewrite()`.execute(db);

  await db.schema
    .createTable('document_catalogue')
    .addColumn('index_no', 'text', (col) => col.primaryKey())
    .addColumn('doc_id', 'text', (col) => col.notNull().unique().references('documents.doc_id'))
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('region_code', 'text', (col) => col.notNull())
    .addColumn('department_code', 'text', (col) => col.notNull())
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('year', 'integer', (col) => col.notNull())
    .addColumn('sequence', 'integer', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('doc_number', 'text', (col) => col.notNull())
    .addColumn('produced_on', 'date', (col) => col.notNull())
    .addColumn('attribute', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('keywords', sql`text[]`, (col) => col.notNull())
    .addColumn('time_limit', 'text', (col) => col.notNull())
    .addColumn('review_summary', 'text', (col) => col.notNull())
    .addColumn('responsible_department', 'text', (col) => col.notNull())
    .addColumn('url', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('document_catalogue_sequence', ['region_code', 'department_code', 'category', 'year', 'sequence'])
    .execute();

  await db.schema
    .createTable('document_registers')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('non-disclosure','self-check')`))
    .addColumn('workflow_id', 'text', (col) => col.notNull().unique())
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('due_on', 'date', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open','overdue','completed')`))
    .addColumn('notify', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('completed_by', 'text')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('completion_note', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('document_register_items')
    .addColumn('register_id', 'bigint', (col) => col.notNull().references('document_registers.id'))
    .addColumn('doc_id', 'text', (col) => col.notNull().references('documents.doc_id'))
    .addColumn('attribute', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('doc_number', 'text', (col) => col.notNull())
    .addColumn('reasons', 'text')
    .addColumn('decision', 'text', (col) => col.check(sql`decision in ('confirm','convert')`))
    .addColumn('decision_reasons', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addPrimaryKeyConstraint('document_register_items_pk', ['register_id', 'doc_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('document_register_items').execute();
  await db.schema.dropTable('document_registers').execute();
  await db.schema.dropTable('document_catalogue').execute();
  await db.schema.dropTable('document_reviews').execute();
  await db.schema.dropTable('document_events').execute();
  await db.schema.dropTable('documents').execute();
}
