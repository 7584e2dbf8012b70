/**
 * Production worker entry point: DATABASE_URL and TEMPORAL_* from the environment
 * (see README, "Configuration"). `npm start` runs the same worker in-process instead.
 */
import { createActivities } from '../activities';
import { createDatabase } from '../db/connection';
import { Client } from '@temporalio/client';
import { connectClient, connectWorker, temporalSettingsFromEnv } from '../temporal-config/connection';
import { platformAgencies } from '../db/repositories/agency';
import { ensureSchedules } from '../temporal-config/schedules';
import { createWorker } from './create-worker';
import { dataConverterFor, requireCodecKeys } from '../temporal-config/codec';
import { installWorkerRuntime, startWorkerHealthServer } from './telemetry';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required for the worker');
  const settings = temporalSettingsFromEnv();
  const dataConverter = dataConverterFor(requireCodecKeys(process.env));
  const healthPort = Number(process.env.GONGKAI_WORKER_HEALTH_PORT ?? 9465);
  if (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65535)
    throw new Error(`GONGKAI_WORKER_HEALTH_PORT must be a TCP port or 0, got ${process.env.GONGKAI_WORKER_HEALTH_PORT}`);
  // Before any connection: SDK metrics (Prometheus) and SDK / workflow / activity logs as pino JSON.
  const { metricsAddress } = installWorkerRuntime(process.env);
  const db = createDatabase(databaseUrl);
  const connection = await connectWorker(settings);
  const clientConnection = await connectClient(settings);
  const temporal = new Client({ connection: clientConnection, namespace: settings.namespace, ...(dataConverter ? { dataConverter } : {}) });
  const worker = await createWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    activities: createActivities({ db, temporal }),
    ...(dataConverter ? { dataConverter } : {}),
  });
  // The API migrates the database; a worker that starts first schedules the configured agency's duties only.
  const agencies = await platformAgencies(db).catch((error: Error) => {
    console.warn(`[worker] agencies not readable yet (${error.message}); scheduling the configured agency's duties only`);
    return undefined;
  });
  const schedules = await ensureSchedules(temporal, settings.taskQueue, agencies);
  console.log(`[worker] schedules: ${schedules.join(', ')}`);
  console.log(`[worker] polling ${settings.taskQueue} on ${settings.address}/${settings.namespace}`);
  if (metricsAddress) console.log(`[worker] Temporal SDK metrics on http://${metricsAddress}/metrics`);
  const health =
    healthPort > 0 ? await startWorkerHealthServer({ db, temporal, namespace: settings.namespace, worker }, healthPort) : undefined;
  if (health) console.log(`[worker] /livez and /readyz on port ${health.port}`);
  await worker.run(); // returns after SIGINT / SIGTERM, which the SDK handles
  await health?.close();
  await connection.close();
  await clientConnection.close();
  await db.destroy();
}

main().catch((error) => {
  console.error('[worker] fatal:', error instanceof Error ? error.message : error);
  process.exit(1);
});
