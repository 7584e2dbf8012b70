/** The database URL: DATABASE_URL, or the private cluster under .data/postgres. */
import path from 'node:path';
import { ensureDatabase, ensureLocalCluster, type LocalCluster } from './local-cluster';

export const LOCAL_DATABASE_NAME = 'gongkai';

export async function resolveDatabaseUrl(projectRoot: string): Promise<{ url: string; cluster: LocalCluster | null }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, cluster: null };
  const cluster = await ensureLocalCluster(path.join(projectRoot, '.data', 'postgres'));
  await ensureDatabase(cluster.adminUrl, LOCAL_DATABASE_NAME);
  return { url: cluster.databaseUrl(LOCAL_DATABASE_NAME), cluster };
}
