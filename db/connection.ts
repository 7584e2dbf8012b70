/** One pg pool and Kysely instance per process. */
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations';
import type { Database } from './schema';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

/** Pool size: GONGKAI_DB_POOL_MAX, else 10 per process. */
function poolMaxFromEnv(): number {
  const raw = process.env.GONGKAI_DB_POOL_MAX;
  if (raw === undefined || raw === '') return 10;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`GONGKAI_DB_POOL_MAX must be an integer ≥ 1, got ${raw}`);
  return value;
}

export function createDatabase(connectionString: string, options: { max?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? poolMaxFromEnv() });
  // A client the server drops (PostgreSQL restarted, a backend terminated) must not crash the
  // process: idle ones report through the pool, and one checked out between two queries (a
  // transaction waiting on the application) emits 'error' on itself, with no listener of pg's.
  // The query that next uses it fails and the request answers 5xx; the pool replaces it.
  pool.on('error', (error) => console.error('[db] idle client error:', error.message));
  pool.on('connect', (client) => {
    client.on('error', (error) => console.error('[db] client error:', error.message));
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).map((result) => result.migrationName);
}
