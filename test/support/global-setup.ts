/**
 * Brings up real PostgreSQL for the whole run: DATABASE_URL's server when given, else the
 * private cluster under .data/postgres. Test files each create their own database on it.
 */
import path from 'node:path';
import { ensureLocalCluster } from '../../db/local-cluster';

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.GONGKAI_TEST_PG_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const cluster = await ensureLocalCluster(path.resolve(__dirname, '..', '..', '.data', 'postgres'));
  process.env.GONGKAI_TEST_PG_ADMIN_URL = cluster.adminUrl;
  if (cluster.startedHere) (globalThis as { __gongkaiCluster?: typeof cluster }).__gongkaiCluster = cluster;
}
