/**
 * Single sign-on with the agency's unified identity platform (统一身份认证, OpenID Connect).
 *
 * - users get the identity they are linked to at the provider: issuer and `sub`, unique
 *   together (a stable link; a username at the provider may change, `sub` does not).
 * - sessions say how they were opened (`password` or `oidc`) and whether the provider
 *   attested a multi-factor sign-in (then the product's TOTP is not asked again).
 * - `sso_mapping`, one row, the admin's rule from claims to role and department.
 * - `oidc_sign_ins`: authorization requests under way (state, nonce, PKCE verifier), each
 *   bound to the browser that started it by the digest of a short-lived cookie; taken once.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('oidc_issuer', 'text').addColumn('oidc_subject', 'text').execute();
  await db.schema.createIndex('users_oidc_identity').on('users').columns(['oidc_issuer', 'oidc_subject']).unique().execute();
  await sql`alter table users add constraint users_oidc_identity_both check ((oidc_issuer is null) = (oidc_subject is null))`.execute(db);

  await db.schema
    .alterTable('sessions')
    .addColumn('sign_in_method', 'text', (col) =>
      col
        .notNull()
        .defaultTo('password')
        .check(sql`sign_in_method in ('password', 'oidc')`),
    )
    .addColumn('second_factor_by_provider', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable('sso_mapping')
    .addColumn('id', 'boolean', (col) =>
      col
        .primaryKey()
        .defaultTo(true)
        .check(sql`id`),
    )
    .addColumn('username_claim', 'text', (col) => col.notNull())
    .addColumn('display_name_claim', 'text', (col) => col.notNull())
    .addColumn('role_claim', 'text', (col) => col.notNull())
    /** [{ value, role }], tried in order. */
    .addColumn('role_map', 'jsonb', (col) => col.notNull())
    /** Null: a sign-in whose claim matches no entry is refused. */
    .addColumn('default_role', 'text', (col) =>
      col.check(sql`default_role in ('clerk','department','reviewer','leader','supervisor','admin')`),
    )
    .addColumn('department_claim', 'text', (col) => col.notNull())
    /** [{ value, departmentCode }], tried in order. */
    .addColumn('department_map', 'jsonb', (col) => col.notNull())
    .addColumn('default_department_code', 'text', (col) => col.references('departments.code'))
    /** At a first SSO sign-in, link an existing user of the same username not yet linked (else refused). */
    .addColumn('link_existing_users', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'bigint', (col) => col.references('users.id'))
    .execute();

  await db.schema
    .createTable('oidc_sign_ins')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('state_digest', 'text', (col) => col.notNull().unique())
    /** Digest of the value of the browser's `gongkai_oidc` cookie. */
    .addColumn('browser_digest', 'text', (col) => col.notNull())
    .addColumn('nonce', 'text', (col) => col.notNull())
    .addColumn('code_verifier', 'text', (col) => col.notNull())
    .addColumn('return_to', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_sign_ins').execute();
  await db.schema.dropTable('sso_mapping').execute();
  await db.schema.alterTable('sessions').dropColumn('sign_in_method').dropColumn('second_factor_by_provider').execute();
  await sql`alter table users drop constraint users_oidc_identity_both`.execute(db);
  await db.schema.dropIndex('users_oidc_identity').execute();
  await db.schema.alterTable('users').dropColumn('oidc_issuer').dropColumn('oidc_subject').execute();
}
