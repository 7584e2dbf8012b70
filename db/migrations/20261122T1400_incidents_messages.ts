/**
 * Public-opinion incidents and citizen messages: their projections, append-only event logs
 * (reusing `refuse_event_rewrite()` from the applications migration), and the accountability
 * records of missed clocks. Written against Kysely<any> and never edited once released.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workflow_id', 'text', (col) => col.notNull().unique())
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('incident','rumour')`))
    .addColumn('rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('rule_profile_version', 'text', (col) => col.notNull())
    .addColumn('grade', 'text', (col) => col.notNull())
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open','closed')`))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('department_code', 'text')
    .addColumn('first_seen_at', 'timestamptz', (col) => col.notNull())
    .addColumn('report_due_at', 'timestamptz')
    .addColumn('response_due_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('last_seq', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('incidents_list').on('incidents').columns(['status', 'grade', 'stage']).execute();

  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('incident_id', 'text', (col) => col.notNull().references('incidents.id'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('actor_username', 'text', (col) => col.notNull())
    .addColumn('actor_role', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('incident_events_incident_seq', ['incident_id', 'seq'])
    .execute();
  await sql`create trigger incident_events_append_only before update or delete on incident_events
    for each row execute function refuse_event_rewrite()`.execute(db);

  await db.schema
    .createTable('citizen_messages')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workflow_id', 'text', (col) => col.notNull().unique())
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('rule_profile_version', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open','closed')`))
    .addColumn('department_code', 'text')
    .addColumn('complained_department_code', 'text')
    .addColumn('confidential', 'boolean', (col) => col.notNull())
    // The writer's identity: kept in these columns only, never in `state` or event payloads.
    .addColumn('writer_name', 'text', (col) => col.notNull())
    .addColumn('writer_phone', 'text')
    .addColumn('writer_email', 'text')
    .addColumn('writer_address', 'text')
    .addColumn('received_on', 'date', (col) => col.notNull())
    .addColumn('reply_due', 'date')
    .addColumn('reply_due_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('last_seq', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('citizen_messages_list')
    .on('citizen_messages')
    .columns(['status', 'type', 'stage', 'department_code'])
    .execute();

  await db.schema
    .createTable('message_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('message_id', 'text', (col) => col.notNull().references('citizen_messages.id'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('actor_username', 'text', (col) => col.notNull())
    .addColumn('actor_role', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('message_events_message_seq', ['message_id', 'seq'])
    .execute();
  await sql`create trigger message_events_append_only before update or delete on message_events
    for each row execute function refuse_event_rewrite()`.execute(db);

  // One row per missed clock (per due instant): who, which clock, and by how much once done.
  await db.schema
    .createTable('accountability_records')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('case_kind', 'text', (col) => col.notNull().check(sql`case_kind in ('incident','message')`))
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('clock_id', 'text', (col) => col.notNull())
    .addColumn('clock_label', 'text', (col) => col.notNull())
    .addColumn('responsible', 'text', (col) => col.notNull())
    .addColumn('responsible_person', 'text')
    .addColumn('due_at', 'timestamptz', (col) => col.notNull())
    .addColumn('missed_at', 'timestamptz', (col) => col.notNull())
    .addColumn('satisfied_at', 'timestamptz')
    .addColumn('late_minutes', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('accountability_records_clock_due', ['case_kind', 'case_id', 'clock_id', 'due_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('accountability_records').execute();
  await db.schema.dropTable('message_events').execute();
  await db.schema.dropTable('citizen_messages').execute();
  await db.schema.dropTable('incident_events').execute();
  await db.schema.dropTable('incidents').execute();
}
