/**
 * The citizen portal's abuse protections: the secret that signs its proof-of-work challenges
 * and applicant access tokens (one row, made on first use, shared by every API process), and
 * each redeemed challenge's nonce until it expires, so a solved challenge opens one request.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('public_portal_secret')
    .addColumn('id', 'smallint', (col) =>
      col
        .primaryKey()
        .defaultTo(1)
        .check(sql`id = 1`),
    )
    .addColumn('secret', 'bytea', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('public_challenge_redemptions')
    .addColumn('nonce', 'text', (col) => col.primaryKey())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('public_challenge_redemptions_expiry').on('public_challenge_redemptions').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('public_challenge_redemptions').execute();
  await db.schema.dropTable('public_portal_secret').execute();
}
