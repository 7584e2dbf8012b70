/**
 * Foundation schema: departments, users and API tokens, and the calendar's admin layer.
 * Written against Kysely<any> and never edited once released.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('departments')
    .addColumn('code', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('clerk','department','reviewer','leader','supervisor','admin')`))
    .addColumn('department_code', 'text', (col) => col.notNull().references('departments.code'))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // Only a SHA-256 of each token is stored: a leaked table does not leak credentials.
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('user_id', 'bigint', (col) => col.notNull().references('users.id'))
    .addColumn('token_sha256', 'text', (col) => col.notNull().unique())
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  // Append-only log of every calendar change: its id is the calendar's revision number.
  await db.schema
    .createTable('calendar_revisions')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('action', 'text', (col) => col.notNull().check(sql`action in ('override','remove-override','import-year')`))
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('actor_user_id', 'bigint', (col) => col.references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('calendar_overrides')
    .addColumn('date', 'date', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('workday','weekend','holiday','makeup-workday')`))
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('revision_id', 'bigint', (col) => col.notNull().references('calendar_revisions.id'))
    .execute();

  await db.schema
    .createTable('calendar_imported_years')
    .addColumn('year', 'integer', (col) => col.primaryKey())
    .addColumn('days', 'jsonb', (col) => col.notNull())
    .addColumn('source_format', 'text', (col) => col.notNull().check(sql`source_format in ('json','ics')`))
    .addColumn('revision_id', 'bigint', (col) => col.notNull().references('calendar_revisions.id'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['calendar_imported_years', 'calendar_overrides', 'calendar_revisions', 'api_tokens', 'users', 'departments']) {
    await db.schema.dropTable(table).execute();
  }
}
