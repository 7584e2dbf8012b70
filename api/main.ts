/**
 * Production API entry point: DATABASE_URL, PORT and TEMPORAL_* from the environment.
 * Migrations run at start (the Migrator takes a lock, so several instances are safe).
 */
import { Client } from '@temporalio/client';
import { createDatabase, migrateToLatest } from '../db/connection';
import { connectClient, temporalSettingsFromEnv } from '../temporal-config/connection';
import { startApiServer } from './server';
import { auditRetentionDaysFromEnv } from '../db/repositories/audit';
import { dataConverterFor, EncryptionCodec, requireCodecKeys } from '../temporal-config/codec';
import { requestIdClientInterceptor } from '../temporal-config/request-context';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required for the API');
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a TCP port, got ${process.env.PORT}`);
  auditRetentionDaysFromEnv(process.env); // refuses a retention under 180 days before anything starts
  const settings = temporalSettingsFromEnv();
  const keys = requireCodecKeys(process.env);
  const dataConverter = dataConverterFor(keys);
  const db = createDatabase(databaseUrl);
  await migrateToLatest(db);
  const connection = await connectClient(settings);
  const temporal = new Client({
    connection,
    namespace: settings.namespace,
    interceptors: { workflow: [requestIdClientInterceptor] },
    ...(dataConverter ? { dataConverter } : {}),
  });
  const api = await startApiServer(
    { db, temporal, namespace: settings.namespace, taskQueue: settings.taskQueue, ...(keys ? { codec: new EncryptionCodec(keys) } : {}) },
    port,
  );
  console.log(`[api] listening on ${api.url}`);
  const stop = async () => {
    await api.close();
    await connection.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error) => {
  console.error('[api] fatal:', error instanceof Error ? error.message : error);
  process.exit(1);
});
