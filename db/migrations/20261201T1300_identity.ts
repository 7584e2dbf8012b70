/**
 * Staff sign in as people: passwords (argon2id hashes), the first-sign-in and periodic change,
 * TOTP second factor with single-use recovery codes, server-side sessions (only a hash of the
 * session id is stored), and the sign-in throttle that locks a username after repeated
 * failures whether or not such a user exists.
 *
 * Existing users carry forward with no password and `must_change_password = true`: they sign
 * in once an admin (or the demo bootstrap) sets one. Their bearer tokens keep working.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    /** argon2id PHC string; null = no password yet (cannot sign in with one). */
    .addColumn('password_hash', 'text')
    .addColumn('password_changed_at', 'timestamptz')
    .addColumn('must_change_password', 'boolean', (col) => col.notNull().defaultTo(true))
    /** Base32 TOTP secret once enrolment is confirmed; pending while the user scans it. */
    .addColumn('totp_secret', 'text')
    .addColumn('totp_pending_secret', 'text')
    .addColumn('totp_enabled_at', 'timestamptz')
    /** The last accepted 30-second step: a code is never accepted twice. */
    .addColumn('totp_last_step', 'bigint')
    .execute();
  // Every user existing today changes the password it is first given.
  await sql`update users set must_change_password = true`.execute(db);

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('user_id', 'bigint', (col) => col.notNull().references('users.id'))
    .addColumn('code_sha256', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('user_id', 'bigint', (col) => col.notNull().references('users.id'))
    /** Hash of the cookie's value; the value itself is never stored. */
    .addColumn('token_sha256', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_seen_at', 'timestamptz', (col) => col.notNull())
    /** Absolute end, whatever the activity. */
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    /** Password accepted, TOTP still owed: the session may only complete the second step. */
    .addColumn('second_factor_pending', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('revoked_at', 'timestamptz')
    /** sign-out, revoked, idle, password-changed, admin. */
    .addColumn('revoked_reason', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'revoked_at']).execute();

  // Failures per (lower-cased) username, known or not, so a lockout says nothing about existence.
  await db.schema
    .createTable('sign_in_throttle')
    .addColumn('username', 'text', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_failure_at', 'timestamptz', (col) => col.notNull())
    .addColumn('locked_until', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['sign_in_throttle', 'sessions', 'recovery_codes']) await db.schema.dropTable(table).execute();
  await db.schema
    .alterTable('users')
    .dropColumn('password_hash')
    .dropColumn('password_changed_at')
    .dropColumn('must_change_password')
    .dropColumn('totp_secret')
    .dropColumn('totp_pending_secret')
    .dropColumn('totp_enabled_at')
    .dropColumn('totp_last_step')
    .execute();
}
