/**
 * Applications for disclosure: the case projection, the append-only event log, the notices
 * issued on each case, and the counters that number cases and documents without gaps.
 * Written against Kysely<any> and never edited once released.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Gap-free counters: one row per (agency, year, series), bumped inside the caller's transaction.
  await db.schema
    .createTable('sequences')
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('year', 'integer', (col) => col.notNull())
    .addColumn('series', 'text', (col) => col.notNull())
    .addColumn('last_value', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('sequences_pk', ['agency_code', 'year', 'series'])
    .execute();

  await db.schema
    .createTable('applications')
    .addColumn('case_no', 'text', (col) => col.primaryKey())
    .addColumn('workflow_id', 'text', (col) => col.notNull().unique())
    .addColumn('query_code', 'text', (col) => col.notNull().unique())
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('rule_profile_version', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('applicant_type', 'text', (col) => col.notNull())
    .addColumn('applicant_name', 'text', (col) => col.notNull())
    .addColumn('applicant_id_number', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('intake', 'jsonb', (col) => col.notNull())
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open','closed')`))
    .addColumn('paused', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('department_code', 'text')
    .addColumn('assignee', 'text')
    .addColumn('outcome', 'text')
    .addColumn('received_on', 'date')
    .addColumn('reply_due', 'date')
    .addColumn('reply_due_at', 'timestamptz')
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('possible_duplicates', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('last_seq', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('applications_open_due')
    .on('applications')
    .columns(['reply_due_at'])
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await db.schema.createIndex('applications_applicant').on('applications').columns(['applicant_id_number', 'created_at']).execute();
  await db.schema.createIndex('applications_stage').on('applications').columns(['stage', 'department_code']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('case_no', 'text', (col) => col.notNull().references('applications.case_no'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('actor_username', 'text', (col) => col.notNull())
    .addColumn('actor_role', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('case_events_case_seq', ['case_no', 'seq'])
    .execute();

  // The record a reconsideration hearing rests on: nothing may rewrite or remove it.
  await sql`
    create function refuse_event_rewrite() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only (% refused)', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger case_events_append_only before update or delete on case_events
    for each row execute function refuse_event_rewrite()`.execute(db);

  await db.schema
    .createTable('case_documents')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('case_no', 'text', (col) => col.notNull().references('applications.case_no'))
    .addColumn('event_seq', 'integer', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('doc_no', 'text', (col) => col.notNull().unique())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('issued_on', 'date', (col) => col.notNull())
    .addColumn('html', 'text', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('case_documents_event_kind', ['case_no', 'event_seq', 'kind'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_documents').execute();
  await db.schema.dropTable('case_events').execute();
  await sql`drop function refuse_event_rewrite`.execute(db);
  await db.schema.dropTable('applications').execute();
  await db.schema.dropTable('sequences').execute();
}
