/**
 * Disputes (行政复议 / 行政诉讼) over replies: a projection per dispute and its append-only
 * event log, the basis of annual-report table 4 and of the defence's record.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('disputes')
    .addColumn('dispute_no', 'text', (col) => col.primaryKey())
    .addColumn('workflow_id', 'text', (col) => col.notNull().unique())
    .addColumn('agency_code', 'text', (col) => col.notNull())
    .addColumn('case_no', 'text', (col) => col.notNull().references('applications.case_no'))
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('reconsideration', 'litigation-direct', 'litigation-after-reconsideration')`),
    )
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('received_on', 'date', (col) => col.notNull())
    .addColumn('rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open', 'closed')`))
    .addColumn('department_code', 'text')
    .addColumn('result', 'text', (col) => col.check(sql`result in ('upheld', 'corrected', 'other')`))
    .addColumn('result_on', 'date')
    .addColumn('defence_due', 'date')
    .addColumn('evidence_due', 'date')
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('last_seq', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('disputes_case').on('disputes').column('case_no').execute();
  await db.schema.createIndex('disputes_received').on('disputes').columns(['received_on', 'kind']).execute();

  await db.schema
    .createTable('dispute_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('dispute_no', 'text', (col) => col.notNull().references('disputes.dispute_no'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('actor_username', 'text', (col) => col.notNull())
    .addColumn('actor_role', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('dispute_events_seq', ['dispute_no', 'seq'])
    .execute();
  await sql`create trigger dispute_events_append_only before update or delete on dispute_events
    for each row execute function refuse_event_rewrite()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dispute_events').execute();
  await db.schema.dropTable('disputes').execute();
}
