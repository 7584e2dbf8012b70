/**
 * The outbox of messages to applicants: one row per notice and channel (e-mail with the
 * notice's PDF, SMS), written in the transaction that issues the notice, so that a message
 * exists exactly when its notice does. A dispatch workflow per row sends it and keeps each
 * attempt here; the recipient is read from the case when sending (not copied here).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('applicant_messages')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('case_no', 'text', (col) => col.notNull().references('applications.case_no'))
    .addColumn('event_seq', 'integer', (col) => col.notNull())
    .addColumn('doc_no', 'text', (col) => col.notNull())
    .addColumn('notice_kind', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull().check(sql`channel in ('email', 'sms')`))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'sent', 'failed', 'superseded')`),
    )
    .addColumn('workflow_id', 'text', (col) => col.notNull().unique())
    .addColumn('dispatch_started_at', 'timestamptz')
    .addColumn('attempt_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('attempts', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('sent_on', 'date')
    .addColumn('provider_message_id', 'text')
    .addColumn('provider_response', 'text')
    .addColumn('delivery_recorded_at', 'timestamptz')
    .addColumn('delivery_note', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('applicant_messages_notice_channel', ['case_no', 'doc_no', 'channel'])
    .execute();
  await db.schema
    .createIndex('applicant_messages_queued')
    .on('applicant_messages')
    .column('created_at')
    .where(sql<boolean>`status = 'queued'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('applicant_messages').execute();
}
