/**
 * The production worker entry point (worker/main.ts) as its own process: the Temporal SDK's
 * Prometheus endpoint (runtime telemetry) serves the SDK's worker metrics on
 * GONGKAI_WORKER_METRICS_ADDRESS, and /readyz on GONGKAI_WORKER_HEALTH_PORT answers 200 once
 * the worker polls. Its log lines are JSON.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { migrateToLatest } from '../db/connection';
import { createTestDatabase, type TestDatabase } from './support/database';
import { pollUntil } from './support/eventually';
import { startDevServer, TEST_NAMESPACE } from './support/temporal';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let child: ChildProcess | undefined;

beforeAll(async () => {
  [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
  await migrateToLatest(database.db);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await env?.teardown();
  await database?.drop();
});

it('serves the SDK metrics and /readyz from its own ports', async () => {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const output: string[] = [];
  const worker = spawn(
    process.execPath,
    [path.join(__dirname, '../node_modules/tsx/dist/cli.mjs'), path.join(__dirname, '../worker/main.ts')],
    {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: TEST_NAMESPACE,
        TEMPORAL_TASK_QUEUE: 'worker-metrics',
        GONGKAI_CODEC: 'off',
        GONGKAI_LOG_LEVEL: 'info',
        GONGKAI_WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        GONGKAI_WORKER_HEALTH_PORT: String(healthPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = worker;
  worker.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  worker.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const ready = await pollUntil(
    async () => {
      if (worker.exitCode !== null) throw new Error(`worker exited: ${output.join('')}`);
      return fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined);
    },
    (r) => r?.status === 200,
    { timeoutMs: 120_000, everyMs: 500 },
  );
  expect(ready?.status).toBe(200);
  expect(await ready!.json()).toMatchObject({ status: 'ready', down: [], checks: { worker: { state: 'RUNNING' } } });
  const text = await pollUntil(
    async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(),
    (t) => /temporal_worker_task_slots_available\{/.test(t),
    { timeoutMs: 10_000, everyMs: 250 },
  );
  expect(text).toMatch(/temporal_worker_task_slots_available\{[^}]*task_queue="worker-metrics"/);
  // Task latencies, schedule-to-start and sticky cache figures join these once tasks run.
  expect(text).toMatch(/temporal_worker_start\{[^}]*task_queue="worker-metrics"[^}]*\} 1/);
  expect(text).toMatch(/temporal_num_pollers\{[^}]*poller_type="workflow_task"/);
  expect(text).toContain('temporal_request_latency_bucket{');
  expect(output.join('')).toMatch(/\{"level":30,[^\n]*"process":"worker"/);
}, 180_000);
