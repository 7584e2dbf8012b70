/**
 * The worker process's operations surface: the Temporal SDK's own Prometheus metrics (runtime
 * telemetry: sticky cache hits and misses, schedule-to-start and task latencies, served by the
 * SDK's core on GONGKAI_WORKER_METRICS_ADDRESS), its logs (SDK, workflow `log`, activity `log`)
 * as pino JSON lines, and /livez and /readyz on GONGKAI_WORKER_HEALTH_PORT.
 */
import { createServer, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createLogger, type Logger } from '../api/observability';
import { readiness } from '../api/routes/system';
import type { Database } from '../db/schema';

/** Temporal's logger interface onto pino: one JSON line per SDK, workflow or activity log call. */
export function temporalLoggerFor(logger: Logger): TemporalLogger {
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) => {
    const method =
      level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : 'info';
    logger[method](meta ?? {}, message);
  };
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

/** `host:port` of the SDK's Prometheus endpoint (default 0.0.0.0:9464); `off` for none. */
export function workerMetricsAddress(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.GONGKAI_WORKER_METRICS_ADDRESS ?? '0.0.0.0:9464';
  if (value === 'off' || value === '') return undefined;
  if (!/^[^\s:]+:\d{1,5}$/.test(value) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(value))
    throw new Error(`GONGKAI_WORKER_METRICS_ADDRESS must be host:port or off, got ${value}`);
  return value;
}

/** Installs the process-wide Temporal runtime: pino logs and (unless off) the Prometheus endpoint. Call before any connection. */
export function installWorkerRuntime(env: NodeJS.ProcessEnv = process.env): { logger: Logger; metricsAddress: string | undefined } {
  const logger = createLogger('worker');
  const metricsAddress = workerMetricsAddress(env);
  Runtime.install({
    logger: temporalLoggerFor(logger),
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
  });
  return { logger, metricsAddress };
}

export interface WorkerHealthDeps {
  db: Kysely<Database>;
  temporal: Client;
  namespace: string;
  worker: { getState(): string };
}

/** GET /livez (the process answers) and /readyz (PostgreSQL, Temporal and the worker polling; 503 naming what is not). */
export async function startWorkerHealthServer(
  deps: WorkerHealthDeps,
  port: number,
  host = '0.0.0.0',
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: { code: 'method_not_allowed', message: 'GET only' } });
    if (req.url === '/livez') return send(200, { status: 'ok' });
    if (req.url !== '/readyz') return send(404, { error: { code: 'not_found', message: 'GET /livez or /readyz' } });
    readiness(deps).then(
      ({ body }) => {
        const state = deps.worker.getState();
        const down: string[] = [...body.down, ...(state === 'RUNNING' ? [] : ['worker'])];
        send(down.length === 0 ? 200 : 503, {
          status: down.length === 0 ? 'ready' : 'unready',
          down,
          checks: { ...body.checks, worker: { ok: state === 'RUNNING', state } },
        });
      },
      (error: unknown) => send(500, { error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
