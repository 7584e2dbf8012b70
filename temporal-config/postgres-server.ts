/**
 * The "postgres" engine: a real Temporal server (the Go module go.temporal.io/server, built by
 * scripts/temporal-server.mjs into .data/bin) whose default store and visibility live in two
 * PostgreSQL databases, set up and upgraded by Temporal's own schema tool, with several history
 * shards. Used by `GONGKAI_TEMPORAL=postgres npm start`, the postgres-engine tests
 * (GONGKAI_TEST_TEMPORAL=postgres), the crash test and the benchmarks (--engine=postgresql).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { dropDatabase, ensureDatabase, freePort } from '../db/local-cluster';
import { PROJECT_ROOT } from './binaries';
import { SEARCH_ATTRIBUTES } from './search-attributes';

/** The server version `temporal server start-dev` (CLI 1.9.1) embeds: both engines run the same server code. */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
export const SERVER_CONFIG = path.join(PROJECT_ROOT, 'temporal-config', 'postgres', 'temporal-server.yaml');
export const DYNAMIC_CONFIG = path.join(PROJECT_ROOT, 'temporal-config', 'postgres', 'dynamicconfig.yaml');
const BIN_DIR = path.join(PROJECT_ROOT, '.data', 'bin');

/** Where scripts/temporal-server.mjs leaves the pinned binaries (names carry the version, so a new pin rebuilds). */
export function postgresEngineBinaries(): { server: string; sqlTool: string } {
  return {
    server: process.env.TEMPORAL_SERVER_PATH ?? path.join(BIN_DIR, `temporal-server-${TEMPORAL_SERVER_VERSION}`),
    sqlTool: process.env.TEMPORAL_SQL_TOOL_PATH ?? path.join(BIN_DIR, `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`),
  };
}

export function requirePostgresEngineBinaries(): { server: string; sqlTool: string } {
  const binaries = postgresEngineBinaries();
  for (const file of Object.values(binaries)) {
    if (!fs.existsSync(file))
      throw new Error(
        `${file} is missing: run \`node scripts/temporal-server.mjs\` (go install from the Go module proxy, ~7 min the first time)`,
      );
  }
  return binaries;
}

/** The ports one server listens on; fixed ones let a killed server come back where its clients look. */
export interface EnginePorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

/** A free port below 32768: the SQL stores keep membership ports in a smallint column. */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}

export async function freeEnginePorts(frontend?: number): Promise<EnginePorts> {
  const next = () => freePort();
  const taken = new Set<number>();
  const low = () => freeLowPort(taken);
  return {
    frontend: frontend ?? (await next()),
    frontendHttp: await next(),
    frontendMembership: await low(),
    history: await next(),
    historyMembership: await low(),
    matching: await next(),
    matchingMembership: await low(),
    worker: await next(),
    workerMembership: await low(),
    metrics: await next(),
  };
}

export interface PostgresEngineOptions {
  /** A URL of the PostgreSQL server with a role that may create databases (its path is ignored). */
  adminUrl: string;
  /** Names the two databases: `<database>` (default store) and `<database>_visibility`. */
  database: string;
  /** Where the server's log goes. */
  dataDir: string;
  namespace: string;
  ports: EnginePorts;
  /** History shards; fixed when the default store is first set up. */
  shards?: number;
  /** Retention of closed workflows in the namespace (the archive sweep copies them out well before). */
  retentionDays?: number;
  /** Connections of the default store (per server process). */
  maxConns?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface RunningPostgresEngine {
  address: string;
  metricsUrl: string;
  process: ChildProcess;
  databases: { store: string; visibility: string };
  stop(): Promise<void>;
}

function databaseUrl(adminUrl: string, name: string): URL {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url;
}

/**
 * Creates the two databases if missing and brings their schemas to the newest version the
 * pinned schema tool carries (setup-schema -v 0.0 once, then update-schema, which applies only
 * what is missing: the same two commands upgrade an existing cluster after a new pin).
 */
export async function setupEngineSchemas(adminUrl: string, database: string): Promise<void> {
  const { sqlTool } = requirePostgresEngineBinaries();
  const admin = databaseUrl(adminUrl, 'postgres');
  const targets: Array<[string, string]> = [
    [database, 'postgresql/v12/temporal'],
    [`${database}_visibility`, 'postgresql/v12/visibility'],
  ];
  for (const [name, schema] of targets) {
    await ensureDatabase(admin.toString(), name);
    const connection = [
      '--plugin',
      'postgres12',
      '--ep',
      admin.hostname,
      '--port',
      admin.port || '5432',
      '--user',
      decodeURIComponent(admin.username || 'postgres'),
      '--password',
      decodeURIComponent(admin.password),
      '--db',
      name,
      '--quiet',
    ];
    for (const command of [
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '--schema-name', schema],
    ]) {
      const result = spawnSync(sqlTool, [...connection, ...command], { encoding: 'utf8' });
      if (result.status !== 0)
        throw new Error(`temporal-sql-tool ${command[0]} on ${name} failed: ${(result.stderr || result.stdout).trim().slice(-2000)}`);
    }
  }
}

export async function dropEngineDatabases(adminUrl: string, database: string): Promise<void> {
  const admin = databaseUrl(adminUrl, 'postgres').toString();
  await dropDatabase(admin, database);
  await dropDatabase(admin, `${database}_visibility`);
}

const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the namespace and the project's search attributes unless they are there already. */
export async function ensureNamespace(address: string, namespace: string, retentionDays: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        const service = connection.workflowService;
        try {
          await service.describeNamespace({ namespace });
        } catch {
          await service
            .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionDays * 86_400_000) })
            .catch((error: { code?: number }) => {
              if (error.code !== 6) throw error; // ALREADY_EXISTS: another process got there first
            });
        }
        // The frontend learns a new namespace on its next cache refresh (2 s by default).
        await service.describeNamespace({ namespace });
        const existing = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = SEARCH_ATTRIBUTES.filter((key) => !(key.name in (existing.customAttributes ?? {})));
        if (missing.length > 0) {
          await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPES[key.type]!])),
          });
        }
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`Temporal at ${address}: namespace ${namespace} not ready: ${String(error)}`, { cause: error });
      await sleep(500);
    }
  }
}

/** Sets the schemas up (or upgrades them), starts the server and registers the namespace. */
export async function startPostgresEngine(options: PostgresEngineOptions): Promise<RunningPostgresEngine> {
  const { server } = requirePostgresEngineBinaries();
  await setupEngineSchemas(options.adminUrl, options.database);
  const admin = new URL(options.adminUrl);
  const { ports } = options;
  fs.mkdirSync(options.dataDir, { recursive: true });
  const logPath = path.join(options.dataDir, 'temporal-server.log');
  const logFile = fs.openSync(logPath, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GONGKAI_TS_LOG_LEVEL: options.logLevel ?? 'warn',
    GONGKAI_TS_SHARDS: String(options.shards ?? 4),
    GONGKAI_TS_DB: options.database,
    GONGKAI_TS_VISIBILITY_DB: `${options.database}_visibility`,
    GONGKAI_TS_PG_ADDRESS: `${admin.hostname}:${admin.port || '5432'}`,
    GONGKAI_TS_PG_USER: decodeURIComponent(admin.username || 'postgres'),
    GONGKAI_TS_PG_PASSWORD: decodeURIComponent(admin.password),
    GONGKAI_TS_PG_MAX_CONNS: String(options.maxConns ?? 20),
    GONGKAI_TS_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}`,
    GONGKAI_TS_FRONTEND_PORT: String(ports.frontend),
    GONGKAI_TS_FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    GONGKAI_TS_FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    GONGKAI_TS_HISTORY_PORT: String(ports.history),
    GONGKAI_TS_HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    GONGKAI_TS_MATCHING_PORT: String(ports.matching),
    GONGKAI_TS_MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    GONGKAI_TS_WORKER_PORT: String(ports.worker),
    GONGKAI_TS_WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
    GONGKAI_TS_DYNAMIC_CONFIG: DYNAMIC_CONFIG,
  };
  const child = spawn(server, ['--config-file', SERVER_CONFIG, '--allow-no-auth', 'start'], { env, stdio: ['ignore', logFile, logFile] });
  fs.closeSync(logFile);
  const address = `127.0.0.1:${ports.frontend}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`temporal server exited with ${code ?? signal}; see ${logPath}`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([ensureNamespace(address, options.namespace, options.retentionDays ?? 7, 120_000), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    address,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
    process: child,
    databases: { store: options.database, visibility: `${options.database}_visibility` },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
