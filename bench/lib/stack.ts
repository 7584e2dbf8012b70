/**
 * The system under test, each part in its own process as in production: a scratch database
 * in the project's PostgreSQL, Temporal (the dev server on an on-disk SQLite file, or with
 * `--engine=postgresql` the Temporal server on PostgreSQL with 4 shards, its two databases in
 * the same cluster), one or more workers (`--workers=N`) and the API (node processes). The
 * benchmark process only sends HTTP over loopback and reads.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { type Kysely, sql } from 'kysely';
import { createDatabase, migrateToLatest } from '../../db/connection';
import { dropDatabase, ensureDatabase, ensureLocalCluster, freePort } from '../../db/local-cluster';
import type { Database } from '../../db/schema';
import { issueToken, seedDemoUsers } from '../../db/repositories/users';
import { PROJECT_ROOT } from '../../temporal-config/binaries';
import { dataConverterFor, newCodecKey, parseCodecKeys } from '../../temporal-config/codec';
import { type RunningDevServer, startDevServer } from '../../temporal-config/dev-server';
import { dropEngineDatabases, freeEnginePorts, startPostgresEngine, TEMPORAL_SERVER_VERSION } from '../../temporal-config/postgres-server';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/request-id-activity-interceptors';
import { cpuSecondsOfTree } from './cpu';
import { memoryOfTree } from './machine';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process a benchmark spawned dies with it, even when the benchmark itself fails. */
const spawned = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
});
export function supervise(child: ChildProcess): ChildProcess {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  return child;
}

/** Knobs a scenario may turn (README "Configuration" names the variables). */
export interface StackTuning {
  workerCachedWorkflows?: number;
  workerWorkflowTasks?: number;
  workerActivityTasks?: number;
  /** The worker's stickyQueueScheduleToStartTimeout, seconds (unset: the worker's default, 60 s). */
  workerStickyTimeoutSeconds?: number;
  dbPoolMax?: number;
  /** Give the worker a workflow bundle built once, instead of bundling at its start. */
  prebundled?: boolean;
  /** The worker's V8 old-space limit (`--max-old-space-size`, MB); unset keeps Node's default. */
  workerHeapMb?: number;
  /**
   * Temporal's SQLite file in write-ahead-log mode (one fsync per commit, no journal file per
   * transaction); unset or false: the rollback journal (`journal_mode=delete`), as measured before WAL.
   */
  temporalWal?: boolean;
  /** Which Temporal: the dev server (default) or the Temporal server on PostgreSQL. */
  engine?: TemporalEngine;
  /** Worker processes (default 1), each with the same settings. */
  workers?: number;
  /**
   * Each worker with `--expose-gc` and bench/lib/memory-probe.js, and its SDK metrics on a port of
   * its own, so `stack.workerMemory()` can read its heap after a full GC and its sticky-cache size.
   */
  workerMemoryProbe?: boolean;
  /** Each worker under `node --cpu-prof` (main and workflow thread), its profiles written into this directory at stop. */
  workerCpuProfDir?: string;
  /** The API under `node --cpu-prof`, its profile written into this directory at stop. */
  apiCpuProfDir?: string;
  /** Measurement only: SDK costs taken away in the workflow thread (bench/lib/sdk-experiment.js: no-vm-timeout, no-promise-hook). */
  workerSdkExperiment?: string[];
}

/** One worker's memory as bench/lib/memory-probe.js reports it, with the SDK's count of cached workflows. */
export interface WorkerMemory {
  /** Heap in use after a full GC, each thread (0: main; the others: the SDK's workflow thread). */
  threads: Array<{ threadId: number; gc: boolean; usedHeapBytes: number; totalHeapBytes: number; externalBytes: number }>;
  rssBytes: number;
  /** `temporal_sticky_cache_size` from the worker's SDK metrics (0 before the SDK first records it). */
  cachedWorkflows: number | null;
}

export type TemporalEngine = 'dev-server' | 'postgresql';

/** What each stack of this benchmark process cost, from ready to stop: results.ts writes them into the result file. */
export interface StackRun {
  name: string;
  engine: TemporalEngine;
  temporalServer: string;
  workers: number;
  wallSeconds: number;
  /** CPU seconds (user + system) per process tree; `workers` lists each worker, `worker` is their sum. */
  cpuSeconds: Record<'worker' | 'api' | 'temporal' | 'postgres' | 'loadGenerator', number | null> & { workers: Array<number | null> };
  /** cpuSeconds ÷ wallSeconds: 1.0 is one core busy the whole time. */
  cores: Record<string, number | null>;
  /** The postgres engine's two databases at stop (MB), for storage per case. */
  temporalDatabasesMb?: { store: number; visibility: number };
}
export const stackRuns: StackRun[] = [];

export interface Scratch {
  db: Kysely<Database>;
  url: string;
  tokens: Record<string, string>;
  postgresVersion: string;
  postgresPid: number | null;
  drop: () => Promise<void>;
}

/**
 * A fresh database with the schema, the demo users and a token each; with `keep`, a named
 * database that survives the run (the resumable scale scenario) and is reused if it exists.
 */
export async function scratchDatabase(prefix: string, keep?: { name: string }): Promise<Scratch> {
  // Not the test cluster (fsync off): a durable one of its own, so every commit costs what it would in production.
  const cluster = process.env.DATABASE_URL
    ? null
    : await ensureLocalCluster(path.join(PROJECT_ROOT, '.data', 'bench-postgres'), { durable: true });
  const url = process.env.DATABASE_URL ?? cluster!.adminUrl;
  const admin = new URL(cluster?.adminUrl ?? url);
  if (!cluster) admin.pathname = '/postgres';
  const name = keep?.name ?? `${prefix}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(admin.toString(), name);
  const scratch = new URL(admin.toString());
  scratch.pathname = `/${name}`;
  const db = createDatabase(scratch.toString(), { max: 20 });
  await migrateToLatest(db);
  const users = await seedDemoUsers(db); // idempotent: a kept database keeps its users
  const tokens: Record<string, string> = {};
  for (const [username, user] of Object.entries(users)) tokens[username] = await issueToken(db, user.id, 'bench');
  const version = (await sql<{ server_version: string }>`show server_version`.execute(db)).rows[0]!.server_version;
  const fsync = (await sql<{ fsync: string }>`show fsync`.execute(db)).rows[0]!.fsync;
  // The postmaster's pid, for memory figures (null when PostgreSQL is not on this machine).
  let postgresPid: number | null = null;
  try {
    const dir = (await sql<{ setting: string }>`select setting from pg_settings where name = 'data_directory'`.execute(db)).rows[0]
      ?.setting;
    if (dir) postgresPid = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    postgresPid = null;
  }
  return {
    db,
    url: scratch.toString(),
    tokens,
    postgresVersion: `PostgreSQL ${version} (fsync ${fsync})`,
    postgresPid,
    drop: async () => {
      await db.destroy();
      if (!keep) await dropDatabase(admin.toString(), name);
      if (cluster?.startedHere) cluster.stop();
    },
  };
}

export interface Stack {
  apiUrl: string;
  scratch: Scratch;
  temporal: Client;
  tuning: StackTuning;
  /** ms from spawning the worker until it polls (bundling included unless prebundled). */
  workerStartMs: number;
  memory: () => Record<'worker' | 'api' | 'temporal' | 'postgres', { rssMb: number; pssMb: number } | null>;
  /** CPU seconds used so far by each process tree (PostgreSQL: the whole cluster; worker: all workers). */
  cpu: () => Record<'worker' | 'api' | 'temporal' | 'postgres', number | null> & { workers: Array<number | null> };
  /** Each worker's heap after a full GC and its cached workflows (tuning.workerMemoryProbe only; else empty). */
  workerMemory: () => Promise<WorkerMemory[]>;
  stop: () => Promise<void>;
}

let bundlePath: string | null = null;
/** Builds the workflow bundle once per benchmark process (as `npm run build` does). */
async function workflowBundle(): Promise<string> {
  if (bundlePath) return bundlePath;
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never,
  });
  bundlePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-bundle-')), 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, code);
  return bundlePath;
}

/** A stack whose Temporal data, database and codec key outlive the run, to be resumed later. */
export interface PersistentState {
  dir: string;
  database: string;
  codecKeys: string;
}

export async function startStack(name: string, tuning: StackTuning = {}, persistent?: PersistentState): Promise<Stack> {
  const work = persistent?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `gongkai-bench-${name}-`));
  fs.mkdirSync(work, { recursive: true });
  const scratch = await scratchDatabase(`gk_bench_${name.replace(/\W/g, '_')}`, persistent ? { name: persistent.database } : undefined);
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const codecKeys = persistent?.codecKeys ?? newCodecKey('kbench');
  const engine = tuning.engine ?? 'dev-server';
  const engineAdmin = new URL(scratch.url);
  engineAdmin.pathname = '/postgres';
  const engineDatabase = `${new URL(scratch.url).pathname.slice(1)}_temporal`;
  const devServer: RunningDevServer | Awaited<ReturnType<typeof startPostgresEngine>> =
    engine === 'postgresql'
      ? await startPostgresEngine({
          adminUrl: engineAdmin.toString(),
          database: engineDatabase,
          dataDir: path.join(work, 'temporal'),
          namespace: 'gongkai',
          ports: await freeEnginePorts(temporalPort),
          retentionDays: 1,
        })
      : await startDevServer({
          port: temporalPort,
          uiPort,
          namespace: 'gongkai',
          dataDir: path.join(work, 'temporal'),
          // Explicit both ways: the dev server's own default is now WAL (DEFAULT_SQLITE_PRAGMAS), and
          // a file once in WAL mode stays so until told otherwise.
          sqlitePragmas: [tuning.temporalWal ? 'journal_mode=wal' : 'journal_mode=delete'],
        });
  if (!devServer.process) throw new Error(`port ${temporalPort} is taken by another Temporal server`);
  supervise(devServer.process);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: scratch.url,
    TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_NAMESPACE: 'gongkai',
    TEMPORAL_TASK_QUEUE: 'bench',
    GONGKAI_CODEC_KEYS: codecKeys,
    PORT: String(apiPort),
    GONGKAI_RATE_LIMIT_PER_TOKEN: '0',
    GONGKAI_RATE_LIMIT_PER_IP: '0',
    // Several workers on one machine would fight over the fixed ports: none of them serves metrics or health here.
    GONGKAI_WORKER_METRICS_ADDRESS: 'off',
    GONGKAI_WORKER_HEALTH_PORT: '0',
    ...(tuning.workerCachedWorkflows !== undefined ? { GONGKAI_WORKER_CACHED_WORKFLOWS: String(tuning.workerCachedWorkflows) } : {}),
    ...(tuning.workerWorkflowTasks !== undefined ? { GONGKAI_WORKER_WORKFLOW_TASKS: String(tuning.workerWorkflowTasks) } : {}),
    ...(tuning.workerActivityTasks !== undefined ? { GONGKAI_WORKER_ACTIVITY_TASKS: String(tuning.workerActivityTasks) } : {}),
    ...(tuning.workerStickyTimeoutSeconds !== undefined
      ? { GONGKAI_WORKER_STICKY_TIMEOUT_SECONDS: String(tuning.workerStickyTimeoutSeconds) }
      : {}),
    ...(tuning.dbPoolMax !== undefined ? { GONGKAI_DB_POOL_MAX: String(tuning.dbPoolMax) } : {}),
    ...(tuning.prebundled ? { GONGKAI_WORKFLOW_BUNDLE: await workflowBundle() } : {}),
  };
  const log = (file: string) => fs.openSync(path.join(work, `${file}.log`), 'a');
  const node = (entry: string, file: string, nodeArgs: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess =>
    supervise(
      spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
        cwd: PROJECT_ROOT,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', log(file), log(file)],
      }),
    );

  const workerSpawned = Date.now();
  const workerCount = tuning.workers ?? 1;
  // worker.log for the first (as before), worker-2.log … for the others; each its own metrics and health ports.
  const workerLogs = Array.from({ length: workerCount }, (_, i) => (i === 0 ? 'worker' : `worker-${i + 1}`));
  // With the memory probe, each worker serves the probe and its SDK metrics on ports of its own.
  const probePorts = tuning.workerMemoryProbe
    ? await Promise.all(workerLogs.map(async () => ({ probe: await freePort(), metrics: await freePort() })))
    : [];
  if (tuning.workerCpuProfDir) fs.mkdirSync(tuning.workerCpuProfDir, { recursive: true });
  const workers = workerLogs.map((file, i) =>
    node(
      'worker/main.ts',
      file,
      [
        ...(tuning.workerHeapMb ? [`--max-old-space-size=${tuning.workerHeapMb}`] : []),
        ...(tuning.workerMemoryProbe ? ['--expose-gc', '--require', path.join(__dirname, 'memory-probe.js')] : []),
        ...(tuning.workerCpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${tuning.workerCpuProfDir}`] : []),
        ...(tuning.workerSdkExperiment?.length ? ['--require', path.join(__dirname, 'sdk-experiment.js')] : []),
      ],
      {
        ...(probePorts[i]
          ? {
              GONGKAI_BENCH_MEMORY_PROBE_PORT: String(probePorts[i].probe),
              GONGKAI_WORKER_METRICS_ADDRESS: `127.0.0.1:${probePorts[i].metrics}`,
            }
          : {}),
        ...(tuning.workerSdkExperiment?.length ? { GONGKAI_BENCH_SDK_EXPERIMENT: tuning.workerSdkExperiment.join(',') } : {}),
      },
    ),
  );
  if (tuning.apiCpuProfDir) fs.mkdirSync(tuning.apiCpuProfDir, { recursive: true });
  const api = node('api/main.ts', 'api', tuning.apiCpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${tuning.apiCpuProfDir}`] : []);
  const died = (child: ChildProcess, label: string) =>
    new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`${label} exited with ${code}; see ${work}/${label}.log`))),
    );
  const workerDied = Promise.race(workers.map((w, i) => died(w, workerLogs[i]!)));
  const apiDied = died(api, 'api');
  workerDied.catch(() => undefined);
  apiDied.catch(() => undefined);
  const until = async (ready: () => Promise<boolean> | boolean, label: string) => {
    for (let i = 0; i < 1200; i += 1) {
      if (await ready()) return;
      await sleep(100);
    }
    throw new Error(`${label} not ready after 120 s; see ${work}`);
  };
  await Promise.race([
    Promise.all([
      ...workerLogs.map((file) => until(() => fs.readFileSync(path.join(work, `${file}.log`), 'utf8').includes('[worker] polling'), file)),
      until(
        () =>
          fetch(`http://127.0.0.1:${apiPort}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        'api',
      ),
    ]),
    workerDied,
    apiDied,
  ]);
  const workerStartMs = Date.now() - workerSpawned;
  const connection = await Connection.connect({ address: devServer.address });
  const temporal = new Client({ connection, namespace: 'gongkai', dataConverter: dataConverterFor(parseCodecKeys(codecKeys)) });

  const mem = (pid: number | undefined | null) => (pid ? memoryOfTree(pid) : null);
  const cpuOf = (pid: number | undefined | null) => (pid ? cpuSecondsOfTree(pid) : null);
  const sumOf = <T extends number | null>(values: T[]): number | null =>
    values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);
  const workersMemory = () => {
    const each = workers.map((w) => mem(w.pid));
    if (each.some((m) => m === null)) return null;
    return { rssMb: each.reduce((a, m) => a + m!.rssMb, 0), pssMb: each.reduce((a, m) => a + m!.pssMb, 0) };
  };
  const cpu = () => {
    const each = workers.map((w) => cpuOf(w.pid));
    return {
      worker: sumOf(each),
      workers: each,
      api: cpuOf(api.pid),
      temporal: cpuOf(devServer.process?.pid),
      postgres: cpuOf(scratch.postgresPid),
    };
  };
  const readyAt = Date.now();
  const cpuAtReady = cpu();
  const ownCpuAtReady = process.cpuUsage();
  const databaseMb = async (database: string) =>
    Math.round(
      Number((await sql<{ size: string }>`select pg_database_size(${database}) as size`.execute(scratch.db)).rows[0]!.size) / 1024 / 102.4,
    ) / 10;
  const recordRun = async () => {
    const wallSeconds = (Date.now() - readyAt) / 1000;
    const now = cpu();
    const own = process.cpuUsage(ownCpuAtReady);
    const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((a - b) * 100) / 100);
    const cpuSeconds = {
      worker: minus(now.worker, cpuAtReady.worker),
      workers: now.workers.map((v, i) => minus(v, cpuAtReady.workers[i] ?? null)),
      api: minus(now.api, cpuAtReady.api),
      temporal: minus(now.temporal, cpuAtReady.temporal),
      postgres: minus(now.postgres, cpuAtReady.postgres),
      loadGenerator: Math.round((own.user + own.system) / 1e4) / 100,
    };
    const cores = Object.fromEntries(
      Object.entries(cpuSeconds)
        .filter(([k]) => k !== 'workers')
        .map(([k, v]) => [k, v === null ? null : Math.round(((v as number) / wallSeconds) * 100) / 100]),
    );
    stackRuns.push({
      name,
      engine,
      temporalServer:
        engine === 'postgresql'
          ? `temporal-server ${TEMPORAL_SERVER_VERSION} (PostgreSQL, 4 shards)`
          : 'temporal server start-dev (SQLite)',
      workers: workerCount,
      wallSeconds: Math.round(wallSeconds),
      cpuSeconds,
      cores,
      ...(engine === 'postgresql'
        ? { temporalDatabasesMb: { store: await databaseMb(engineDatabase), visibility: await databaseMb(`${engineDatabase}_visibility`) } }
        : {}),
    });
  };
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    scratch,
    temporal,
    tuning,
    workerStartMs,
    memory: () => ({
      worker: workersMemory(),
      api: mem(api.pid),
      temporal: mem(devServer.process?.pid),
      postgres: mem(scratch.postgresPid),
    }),
    cpu,
    workerMemory: () =>
      Promise.all(
        probePorts.map(async ({ probe, metrics }) => {
          const heap = (await (await fetch(`http://127.0.0.1:${probe}/memory`)).json()) as Omit<WorkerMemory, 'cachedWorkflows'>;
          const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
          const line = text.split('\n').find((l) => /^temporal_sticky_cache_size[{ ]/.test(l));
          // The SDK records the gauge at the first change: none yet is an empty cache.
          return { ...heap, cachedWorkflows: line ? Number(line.trim().split(/\s+/).pop()) : 0 };
        }),
      ),
    stop: async () => {
      await recordRun();
      for (const child of [api, ...workers]) {
        if (child.exitCode !== null) continue;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
      }
      await connection.close();
      await devServer.stop();
      if (engine === 'postgresql' && !persistent) await dropEngineDatabases(engineAdmin.toString(), engineDatabase);
      await scratch.drop();
      if (!persistent) fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
