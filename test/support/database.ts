/** A fresh, migrated database per test file on the run's real PostgreSQL server. */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createDatabase, migrateToLatest } from '../../db/connection';
import { dropDatabase, ensureDatabase } from '../../db/local-cluster';
import type { Database } from '../../db/schema';

export interface TestDatabase {
  db: Kysely<Database>;
  url: string;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.GONGKAI_TEST_PG_ADMIN_URL;
  if (!adminUrl) throw new Error('GONGKAI_TEST_PG_ADMIN_URL is not set: run the tests through jest (global-setup)');
  const name = `gk_test_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const url = withDatabaseName(adminUrl, name);
  const db = createDatabase(url, { max: 5 });
  await migrateToLatest(db);
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      await dropDatabase(adminUrl, name);
    },
  };
}
