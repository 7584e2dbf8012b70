/**
 * Tokens expire (90 days unless issued otherwise) and every authentication failure, token
 * issue, revocation and first use after an idle hour is recorded in `auth_events`.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'timestamptz').execute();
  await sql`update api_tokens set expires_at = now() + interval '90 days' where expires_at is null`.execute(db);
  await sql`alter table api_tokens alter column expires_at set not null, alter column expires_at set default now() + interval '90 days'`.execute(
    db,
  );
  await db.schema
    .createTable('auth_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('event', 'text', (col) => col.notNull().check(sql`event in ('token-issued', 'token-revoked', 'authenticated', 'rejected')`))
    .addColumn('user_id', 'bigint', (col) => col.references('users.id'))
    .addColumn('token_id', 'bigint', (col) => col.references('api_tokens.id'))
    /** For rejections: unknown, expired, revoked, inactive-user. */
    .addColumn('reason', 'text')
    .addColumn('ip', 'text')
    .addColumn('method', 'text')
    .addColumn('path', 'text')
    .execute();
  await db.schema.createIndex('auth_events_at').on('auth_events').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('auth_events').execute();
  await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
}
