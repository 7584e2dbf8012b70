/**
 * Supervision: one row per open clock of every case kind (the supervisor's live screen reads
 * only this), and the notification outbox every reminder and escalation goes through.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_clocks')
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('clock_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('case_ref', 'text', (col) => col.notNull())
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('unit', 'text', (col) => col.notNull().check(sql`unit in ('working-days', 'minutes')`))
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('running', 'paused')`))
    /** Null while paused: a paused clock has no due instant, only days left. */
    .addColumn('due_at', 'timestamptz')
    .addColumn('due_date', 'date')
    .addColumn('remaining_when_paused', 'integer')
    .addColumn('department_code', 'text')
    .addColumn('assignee', 'text')
    .addColumn('rule_profile_id', 'text', (col) => col.notNull())
    /** The case event that last wrote the row: an older (retried) write never wins. */
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('case_clocks_pk', ['workflow_id', 'clock_id'])
    .execute();
  // The screen's queries: running clocks by due instant, optionally per department or kind.
  await sql`create index case_clocks_running_due on case_clocks (due_at) where status = 'running'`.execute(db);
  await sql`create index case_clocks_department_due on case_clocks (department_code, status, due_at)`.execute(db);
  await sql`create index case_clocks_kind_due on case_clocks (kind, status, due_at)`.execute(db);
  await sql`create index case_clocks_assignee on case_clocks (assignee) where assignee is not null`.execute(db);

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    /** 'user:<username>', 'role:<role>', 'department:<code>', 'department-head:<code>'. */
    .addColumn('recipient', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull().defaultTo('in-app'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('link', 'text')
    .addColumn('workflow_id', 'text')
    /** One notification per (clock, due date, rung, recipient): retries and sweeps never repeat one. */
    .addColumn('dedupe_key', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('read_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('notifications_recipient').on('notifications').columns(['recipient', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('case_clocks').execute();
}
