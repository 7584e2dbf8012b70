/**
 * The logs of a run: the API (api/main.ts) and the worker (worker/main.ts) as their own
 * processes at debug level, an application registered and accepted through HTTP with the
 * caller's X-Request-Id. The request id reaches the log lines of the activities each step's
 * workflow task runs (temporal-config/request-context.ts, worker/request-id-*.ts; workflow
 * `log` lines carry it too), and no line holds the applicant's name, ID number, phone or address.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../db/local-cluster';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { newCodecKey } from '../temporal-config/codec';
import { createTestDatabase, type TestDatabase } from './support/database';
import { pollUntil } from './support/eventually';
import { startDevServer, TEST_NAMESPACE } from './support/temporal';

const APPLICANT = {
  type: 'natural-person',
  name: '欧阳娜娜',
  idType: 'resident-id',
  idNumber: '110101199003071233',
  phone: '13912345678',
  address: '北京市东城区某街道17号',
};
const INTAKE = {
  channel: 'in-person',
  applicant: APPLICANT,
  description: '2025年度本局安全生产执法检查计划及执行情况',
  purpose: '研究',
  form: 'email',
  delivery: 'email',
};

let env: TestWorkflowEnvironment;
let database: TestDatabase;
const children: ChildProcess[] = [];
const output: Record<'api' | 'worker', string[]> = { api: [], worker: [] };

function start(name: 'api' | 'worker', entry: string, processEnv: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [path.join(__dirname, '../node_modules/tsx/dist/cli.mjs'), path.join(__dirname, '..', entry)], {
    env: processEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => output[name].push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output[name].push(d.toString()));
  children.push(child);
  return child;
}

beforeAll(async () => {
  [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
});

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await env?.teardown();
  await database?.drop();
});

it('carries the request id into workflow and activity logs, and logs no applicant personal data', async () => {
  const users = await seedDemoUsers(database.db);
  const clerk = await issueToken(database.db, users.clerk!.id, 'log-privacy');
  const apiPort = await freePort();
  const processEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: TEST_NAMESPACE,
    TEMPORAL_TASK_QUEUE: `log-privacy-${randomBytes(3).toString('hex')}`,
    GONGKAI_CODEC_KEYS: newCodecKey('klog'),
    GONGKAI_LOG_LEVEL: 'debug',
    GONGKAI_WORKER_METRICS_ADDRESS: 'off',
    GONGKAI_WORKER_HEALTH_PORT: '0',
    GONGKAI_RATE_LIMIT_PER_TOKEN: '0',
    GONGKAI_RATE_LIMIT_PER_IP: '0',
    PORT: String(apiPort),
  };
  const worker = start('worker', 'worker/main.ts', processEnv);
  const api = start('api', 'api/main.ts', processEnv);
  await pollUntil(
    async () => {
      for (const [name, child] of [
        ['worker', worker],
        ['api', api],
      ] as const)
        if (child.exitCode !== null) throw new Error(`${name} exited: ${output[name].join('')}`);
      const apiUp = await fetch(`http://127.0.0.1:${apiPort}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      return apiUp && output.worker.join('').includes('[worker] polling');
    },
    (up) => up,
    { timeoutMs: 120_000, everyMs: 500 },
  );

  const requestId = `privacy-${randomBytes(4).toString('hex')}`;
  const headers = { Authorization: `Bearer ${clerk}`, 'Content-Type': 'application/json' };
  const submitted = await fetch(`http://127.0.0.1:${apiPort}/api/applications`, {
    method: 'POST',
    headers: { ...headers, 'X-Request-Id': requestId },
    body: JSON.stringify(INTAKE),
  });
  if (submitted.status !== 201)
    throw new Error(`intake answered ${submitted.status}: ${await submitted.text()}\n${output.api.join('').slice(-3000)}`);
  expect(submitted.headers.get('x-request-id')).toBe(requestId);
  const { caseNo } = (await submitted.json()) as { caseNo: string };
  const accepted = await fetch(`http://127.0.0.1:${apiPort}/api/applications/${caseNo}/accept`, {
    method: 'POST',
    headers: { ...headers, 'X-Request-Id': `${requestId}-accept` },
    body: '{}',
  });
  expect(accepted.status).toBe(200);

  const lines = (name: 'api' | 'worker') => output[name].join('').split('\n').filter(Boolean);
  // The worker's workflow and activity lines name the request that caused them.
  const workerLines = await pollUntil(
    async () => lines('worker'),
    (all) => all.some((l) => l.includes(`"requestId":"${requestId}-accept"`)),
    { timeoutMs: 15_000, everyMs: 250 },
  );
  // The activities each step's workflow task ran (local activities, headers set by the workflow's
  // interceptor from the update's header) carry that step's id, not the other's.
  const activitiesOf = (id: string) =>
    workerLines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { requestId?: string; workflowId?: string; activityType?: string; msg: string })
      .filter((l) => l.requestId === id && l.msg === 'Activity completed' && l.workflowId === `application-${caseNo}`)
      .map((l) => l.activityType);
  expect(activitiesOf(requestId)).toEqual(expect.arrayContaining(['deriveClocks', 'recordApplicationEvent']));
  expect(activitiesOf(`${requestId}-accept`)).toContain('recordApplicationEvent');
  // Each step's own: one event recorded under each id (submitted; accepted), none under the other's.
  expect(activitiesOf(requestId).filter((a) => a === 'recordApplicationEvent')).toHaveLength(1);
  expect(activitiesOf(`${requestId}-accept`).filter((a) => a === 'recordApplicationEvent')).toHaveLength(1);
  expect(lines('api').some((l) => l.includes(`"requestId":"${requestId}"`) && l.includes('"status":201'))).toBe(true);

  // The check can fail: the run did log (many lines), and the data it looks for went through it.
  const all = [...lines('api'), ...workerLines];
  expect(all.length).toBeGreaterThan(20);
  for (const secret of [APPLICANT.name, APPLICANT.idNumber, APPLICANT.phone, APPLICANT.address]) {
    expect(all.filter((l) => l.includes(secret))).toEqual([]);
  }
}, 180_000);
