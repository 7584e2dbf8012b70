/**
 * The "postgres" engine for tests: a real Temporal server on the run's PostgreSQL (two fresh
 * databases per environment, dropped at teardown), 4 history shards, the project's namespace and
 * search attributes. Chosen with GONGKAI_TEST_TEMPORAL=postgres; needs the binaries that
 * scripts/temporal-server.mjs builds (npm test does).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dropEngineDatabases, freeEnginePorts, startPostgresEngine } from '../../temporal-config/postgres-server';

export const usePostgresEngine = (): boolean => process.env.GONGKAI_TEST_TEMPORAL === 'postgres';

export async function startPostgresEngineEnvironment(namespace: string): Promise<TestWorkflowEnvironment> {
  const adminUrl = process.env.GONGKAI_TEST_PG_ADMIN_URL;
  if (!adminUrl) throw new Error('GONGKAI_TEST_PG_ADMIN_URL is not set: run the tests through jest (global-setup)');
  const database = `gk_temporal_${randomBytes(5).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-temporal-pg-'));
  const engine = await startPostgresEngine({
    adminUrl,
    database,
    dataDir,
    namespace,
    ports: await freeEnginePorts(),
    maxConns: 10,
    retentionDays: 1,
  }).catch(async (error: unknown) => {
    await dropEngineDatabases(adminUrl, database); // the server's log stays in dataDir
    throw error;
  });
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: engine.address, namespace });
  const closeConnections = env.teardown.bind(env);
  env.teardown = async () => {
    await closeConnections();
    await engine.stop();
    await dropEngineDatabases(adminUrl, database);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return env;
}
