/**
 * Stored token digests name their algorithm (`sha256:<hex>`, `sm3:<hex>`; db/crypto.ts), so a
 * deployment can switch to the national algorithms (GONGKAI_CRYPTO=gm) and old tokens still
 * verify. The digests stored so far are SHA-256: they get the `sha256:` label.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`update api_tokens set token_sha256 = 'sha256:' || token_sha256 where position(':' in token_sha256) = 0`.execute(db);
  await sql`alter table api_tokens add constraint api_tokens_digest_names_algorithm check (token_sha256 ~ '^(sha256|sm3):[0-9a-f]{64}$')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table api_tokens drop constraint api_tokens_digest_names_algorithm`.execute(db);
  await sql`update api_tokens set token_sha256 = substr(token_sha256, 8) where token_sha256 like 'sha256:%'`.execute(db);
}
