/**
 * `GONGKAI_TEMPORAL=postgres npm start`: the Temporal server on PostgreSQL (temporal-config/
 * postgres-server.ts) instead of the dev server, and GONGKAI_WORKERS worker processes
 * (worker/main.ts, default 1) instead of the in-process worker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { CodecKey } from '../temporal-config/codec';
import { PROJECT_ROOT } from '../temporal-config/binaries';
import { type EnginePorts, ensureNamespace, type RunningPostgresEngine, startPostgresEngine } from '../temporal-config/postgres-server';

export const usePostgresEngine = (env: NodeJS.ProcessEnv = process.env): boolean => env.GONGKAI_TEMPORAL === 'postgres';

/** How many worker processes: GONGKAI_WORKERS, an integer from 1. */
export function workerCountFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GONGKAI_WORKERS ?? '1';
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new Error(`GONGKAI_WORKERS must be an integer from 1 to 64, got ${raw}`);
  return count;
}

/** The ports of Temporal's own layout around the frontend's (7233 → history 7234, matching 7235, worker 7239, membership 69xx). */
export function standardEnginePorts(frontend: number): EnginePorts {
  return {
    frontend,
    frontendHttp: frontend + 10,
    frontendMembership: frontend - 300,
    history: frontend + 1,
    historyMembership: frontend - 299,
    matching: frontend + 2,
    matchingMembership: frontend - 298,
    worker: frontend + 6,
    workerMembership: frontend - 294,
    metrics: frontend + 767,
  };
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface StartedEngine {
  address: string;
  /** Null when a server already listening on the port was reused. */
  engine: RunningPostgresEngine | null;
  logFile: string | null;
}

/** Databases gongkai_temporal and gongkai_temporal_visibility on the same PostgreSQL server as the product's. */
export async function startEngineForNpmStart(adminUrl: string, dataDir: string, namespace: string): Promise<StartedEngine> {
  const frontend = Number(process.env.TEMPORAL_PORT ?? 7233);
  const address = `127.0.0.1:${frontend}`;
  if (await portInUse(frontend)) {
    await ensureNamespace(address, namespace, 7, 10_000);
    return { address, engine: null, logFile: null };
  }
  const shards = Number(process.env.GONGKAI_TEMPORAL_SHARDS ?? 4);
  if (!Number.isInteger(shards) || shards < 1)
    throw new Error(`GONGKAI_TEMPORAL_SHARDS must be a positive integer, got ${process.env.GONGKAI_TEMPORAL_SHARDS}`);
  const engine = await startPostgresEngine({
    adminUrl,
    database: 'gongkai_temporal',
    dataDir,
    namespace,
    ports: standardEnginePorts(frontend),
    shards,
  });
  return { address: engine.address, engine, logFile: path.join(dataDir, 'temporal-server.log') };
}

export const formatCodecKeys = (keys: readonly CodecKey[]): string => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

export interface WorkerProcesses {
  processes: ChildProcess[];
  logFiles: string[];
  stop(): Promise<void>;
}

/**
 * Starts `count` worker processes (worker/main.ts, each its own Node process as in production),
 * logging to .data/logs/worker-<i>.log; worker i serves SDK metrics on 9464+2i and /livez,
 * /readyz on 9465+2i (loopback). A worker that dies is reported, not restarted.
 */
export function spawnWorkers(
  count: number,
  env: NodeJS.ProcessEnv,
  logDir: string,
  onExit: (index: number, code: number | null) => void,
): WorkerProcesses {
  fs.mkdirSync(logDir, { recursive: true });
  const processes: ChildProcess[] = [];
  const logFiles: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const logFile = path.join(logDir, `worker-${i + 1}.log`);
    const fd = fs.openSync(logFile, 'w'); // fresh: waitForWorkers reads it
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...env,
        GONGKAI_WORKER_METRICS_ADDRESS: env.GONGKAI_WORKER_METRICS_ADDRESS ?? `127.0.0.1:${9464 + 2 * i}`,
        GONGKAI_WORKER_HEALTH_PORT: String(Number(env.GONGKAI_WORKER_HEALTH_PORT ?? 9465) + 2 * i),
      },
      stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    child.once('exit', (code) => onExit(i + 1, code));
    processes.push(child);
    logFiles.push(logFile);
  }
  return {
    processes,
    logFiles,
    stop: async () => {
      await Promise.all(
        processes.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Resolves once every worker log says it polls (worker/main.ts prints `[worker] polling`), or rejects after the deadline. */
export async function waitForWorkers(workers: WorkerProcesses, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const polling = workers.logFiles.filter(
      (file) => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('[worker] polling'),
    ).length;
    if (polling === workers.logFiles.length) return;
    const dead = workers.processes.findIndex((child) => child.exitCode !== null);
    if (dead >= 0) throw new Error(`worker ${dead + 1} exited with ${workers.processes[dead]!.exitCode}; see ${workers.logFiles[dead]}`);
    if (Date.now() > deadline) throw new Error(`workers not polling after ${timeoutMs / 1000} s; see ${workers.logFiles.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
