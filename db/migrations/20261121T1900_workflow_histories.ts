/**
 * Archived Temporal histories: the record of every closed workflow, compressed, kept long
 * after the namespace's retention has removed it. Never edited once released.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workflow_histories')
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('workflow_type', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('event_count', 'integer', (col) => col.notNull())
    /** gzip of the history in proto3 JSON, as `temporal workflow show --output json` writes it. */
    .addColumn('history_gzip', 'bytea', (col) => col.notNull())
    /** SHA-256 of the uncompressed JSON, so a tampered archive is detectable. */
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('archived_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('workflow_histories_pk', ['workflow_id', 'run_id'])
    .execute();
  await db.schema.createIndex('workflow_histories_latest').on('workflow_histories').columns(['workflow_id', 'closed_at']).execute();
  await sql`create trigger workflow_histories_append_only before update or delete on workflow_histories
    for each row execute function refuse_event_rewrite()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workflow_histories').execute();
}
