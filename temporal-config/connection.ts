/**
 * How clients and workers reach Temporal: the local dev server by default, any cluster or
 * Temporal Cloud through TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TLS / API-key settings.
 */
import fs from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';

export const TASK_QUEUE = process.env.TEMPORAL_TASK_QUEUE ?? 'gongkai';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: { clientCertPath?: string; clientKeyPath?: string; serverRootCaPath?: string; serverName?: string } | true;
}

/** Reads TEMPORAL_* variables once; missing TLS files fail fast with the variable's name. */
export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const certPath = env.TEMPORAL_TLS_CERT;
  const keyPath = env.TEMPORAL_TLS_KEY;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together');
  }
  for (const name of ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA'] as const) {
    const file = env[name];
    if (file && !fs.existsSync(file)) throw new Error(`${name} points at a missing file: ${file}`);
  }
  const wantsTls = env.TEMPORAL_TLS === 'true' || Boolean(certPath) || Boolean(env.TEMPORAL_API_KEY);
  return {
    address: env.TEMPORAL_ADDRESS ?? 'localhost:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'gongkai',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}),
    ...(wantsTls
      ? {
          tls:
            certPath || env.TEMPORAL_TLS_CA || env.TEMPORAL_TLS_SERVER_NAME
              ? {
                  ...(certPath ? { clientCertPath: certPath, clientKeyPath: keyPath } : {}),
                  ...(env.TEMPORAL_TLS_CA ? { serverRootCaPath: env.TEMPORAL_TLS_CA } : {}),
                  ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverName: env.TEMPORAL_TLS_SERVER_NAME } : {}),
                }
              : true,
        }
      : {}),
  };
}

function tlsOptions(settings: TemporalSettings): ConnectionOptions['tls'] {
  if (!settings.tls) return undefined;
  if (settings.tls === true) return true;
  const { clientCertPath, clientKeyPath, serverRootCaPath, serverName } = settings.tls;
  return {
    ...(clientCertPath && clientKeyPath
      ? { clientCertPair: { crt: fs.readFileSync(clientCertPath), key: fs.readFileSync(clientKeyPath) } }
      : {}),
    ...(serverRootCaPath ? { serverRootCACertificate: fs.readFileSync(serverRootCaPath) } : {}),
    ...(serverName ? { serverNameOverride: serverName } : {}),
  };
}

export function connectClient(settings: TemporalSettings): Promise<Connection> {
  const tls = tlsOptions(settings);
  return Connection.connect({
    address: settings.address,
    ...(tls ? { tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  });
}

export function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  const tls = tlsOptions(settings) as NativeConnectionOptions['tls'];
  return NativeConnection.connect({
    address: settings.address,
    ...(tls ? { tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  });
}
