/**
 * Operations (issue 19, "Operable"): /metrics counts requests under their route pattern and
 * status and shows the supervision gauges; /livez and /readyz (503 naming PostgreSQL when it
 * is down); the request id is echoed and logged; and no applicant personal data reaches any
 * log line while a case runs through the whole stack (API, worker, workflow, activities).
 */
import { Writable } from 'node:stream';
import { Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp } from '../api/app';
import { createLogger, supervisionGauges } from '../api/observability';
import { createDatabase } from '../db/connection';
import { startWorkerHealthServer, temporalLoggerFor } from '../worker/telemetry';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { createTestDatabase } from './support/database';
import { pollUntil } from './support/eventually';
import { TEST_NAMESPACE } from './support/temporal';

const APPLICANT = {
  type: 'natural-person',
  name: '欧阳明远',
  idType: 'resident-id',
  idNumber: '110101198807153416',
  phone: '13912345678',
  address: '北京市东城区观测胡同17号',
  email: 'ouyang.mingyuan@example.cn',
};

/** Every line written anywhere: the API's pino stream, console, stdout and stderr. */
const captured: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    captured.push(chunk.toString());
    done();
  },
});

let stack: ApiStack;
let app: ApiStack['app'];
const restore: Array<() => void> = [];

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      original.apply(console, args);
    };
    restore.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return original(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original));
  }
  stack = await startApiStack('operations');
  app = createApp({
    db: stack.database.db,
    temporal: stack.env.client,
    namespace: TEST_NAMESPACE,
    taskQueue: 'operations',
    agency: TEST_AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    logger: createLogger('api', sink, 'info'),
    metricsToken: 'metrics-key-for-tests',
  });
});

afterAll(async () => {
  for (const undo of restore) undo();
  await stack?.stop();
});

it('a case through the stack: counted under its route pattern, request id echoed and logged, no personal data in any log line', async () => {
  const registered = await request(app).post('/api/applications').set(stack.as('clerk')).set('X-Request-Id', 'ops-test-register-1').send({
    channel: 'in-person',
    applicant: APPLICANT,
    description: '2026年度本区老旧小区改造项目清单',
    form: 'email',
    delivery: 'email',
  });
  expect(registered.status).toBe(201);
  expect(registered.headers['x-request-id']).toBe('ops-test-register-1');
  const { caseNo } = registered.body;
  const accepted = await request(app).post(`/api/applications/${caseNo}/accept`).set(stack.as('clerk')).send({});
  expect(accepted.status).toBe(200);
  expect(accepted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/); // generated when not given
  expect(
    (await request(app).post(`/api/applications/${caseNo}/assign`).set(stack.as('clerk')).send({ departmentCode: 'yjglk' })).status,
  ).toBe(200);
  expect((await request(app).get(`/api/applications/${caseNo}`).set(stack.as('clerk'))).status).toBe(200);

  // /metrics: not without the key; with it, the request under its pattern and status.
  expect((await request(app).get('/metrics')).status).toBe(401);
  expect((await request(app).get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
  const metrics = await request(app).get('/metrics').set('Authorization', 'Bearer metrics-key-for-tests');
  expect(metrics.status).toBe(200);
  expect(metrics.text).toMatch(
    /gongkai_http_requests_total\{method="POST",route="\/api\/applications\/:caseNo\/accept",status="200"\} 1\n/,
  );
  expect(metrics.text).toMatch(/gongkai_http_requests_total\{method="POST",route="\/api\/applications",status="201"\} 1\n/);
  expect(metrics.text).toMatch(
    /gongkai_http_request_duration_seconds_count\{method="POST",route="\/api\/applications\/:caseNo\/accept",status="200"\} 1\n/,
  );
  expect(metrics.text).toContain('process_cpu_user_seconds_total');
  expect(metrics.text).toMatch(/gongkai_open_clocks\{status="running"\} [1-9]/);
  expect(metrics.text).not.toContain(caseNo);

  const lines = captured.join('\n');
  const requestLogs = lines
    .split('\n')
    .filter((l) => l.includes('"msg":"request"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(requestLogs).toContainEqual(
    expect.objectContaining({
      requestId: 'ops-test-register-1',
      method: 'POST',
      route: '/api/applications',
      status: 201,
      durationMs: expect.any(Number),
    }),
  );
  expect(requestLogs).toContainEqual(
    expect.objectContaining({ route: '/api/applications/:caseNo/accept', status: 200, requestId: accepted.headers['x-request-id'] }),
  );
  for (const value of [
    APPLICANT.name,
    APPLICANT.idNumber,
    APPLICANT.phone,
    APPLICANT.address,
    APPLICANT.email,
    '13912345678'.slice(3),
    '19880715',
  ]) {
    expect(lines).not.toContain(value);
  }
});

it('/livez answers 200; /readyz 200 when PostgreSQL and Temporal answer, 503 naming PostgreSQL when it does not', async () => {
  expect((await request(app).get('/livez')).body).toEqual({ status: 'ok' });
  const ready = await request(app).get('/readyz');
  expect(ready.status).toBe(200);
  expect(ready.body).toMatchObject({ status: 'ready', down: [] });
  const closed = createDatabase('postgres://gongkai:x@127.0.0.1:1/none', { max: 1 });
  try {
    const broken = createApp({
      db: closed,
      temporal: stack.env.client,
      namespace: TEST_NAMESPACE,
      agency: TEST_AGENCY,
      logger: createLogger('api', sink),
    });
    const res = await request(broken).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: 'unready',
      down: ['postgresql'],
      checks: { postgresql: { ok: false }, temporal: { ok: true } },
    });
  } finally {
    await closed.destroy();
  }
});

it('the gauges count open clocks by status, overdue clocks and the undelivered outbox, cached between scrapes', async () => {
  const database = await createTestDatabase();
  try {
    const clock = (id: string, status: 'running' | 'paused', dueAt: Date | null) => ({
      workflow_id: 'wf-ops',
      clock_id: id,
      kind: 'application',
      case_ref: 'GK-OPS',
      label: id,
      stage: 'registered',
      unit: 'minutes' as const,
      status,
      due_at: dueAt,
      due_date: null,
      remaining_when_paused: null,
      department_code: null,
      assignee: null,
      rule_profile_id: 'national-2019',
      seq: 1,
    });
    const day = 86_400_000;
    await database.db
      .insertInto('case_clocks')
      .values([
        clock('a', 'running', new Date(Date.now() - day)),
        clock('b', 'running', new Date(Date.now() - 2 * day)),
        clock('c', 'running', new Date(Date.now() + day)),
        clock('d', 'paused', null),
      ])
      .execute();
    const note = (n: number, delivered: boolean) => ({
      recipient: 'clerk',
      kind: 'ops',
      title: 't',
      body: 'b',
      link: null,
      workflow_id: null,
      dedupe_key: `ops-${n}`,
      delivered_at: delivered ? new Date() : null,
    });
    await database.db
      .insertInto('notifications')
      .values([note(1, false), note(2, false), note(3, true)])
      .execute();
    const registry = new Registry();
    supervisionGauges(registry, database.db, 60_000);
    const text = await registry.metrics();
    expect(text).toContain('gongkai_open_clocks{status="running"} 3\n');
    expect(text).toContain('gongkai_open_clocks{status="paused"} 1\n');
    expect(text).toContain('gongkai_overdue_clocks 2\n');
    expect(text).toContain('gongkai_outbox_backlog 2\n');
    // Within the cache window a scrape does not query again.
    await database.db.deleteFrom('case_clocks').execute();
    expect(await registry.metrics()).toContain('gongkai_overdue_clocks 2\n');
  } finally {
    await database.drop();
  }
});

it('the worker’s /readyz names the worker until it polls, then answers 200; /livez answers; Temporal log calls become pino JSON lines', async () => {
  const worker = await Worker.create({
    connection: stack.env.nativeConnection,
    namespace: TEST_NAMESPACE,
    taskQueue: 'operations-health',
    activities: { noop: async () => undefined },
  });
  const health = await startWorkerHealthServer(
    { db: stack.database.db, temporal: stack.env.client, namespace: TEST_NAMESPACE, worker },
    0,
    '127.0.0.1',
  );
  const running = worker.run();
  try {
    const url = `http://127.0.0.1:${health.port}`;
    expect(await (await fetch(`${url}/livez`)).json()).toEqual({ status: 'ok' });
    const ready = await pollUntil(
      () => fetch(`${url}/readyz`),
      (r) => r.status === 200,
      { timeoutMs: 10_000 },
    );
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', down: [], checks: { worker: { ok: true, state: 'RUNNING' } } });
    worker.shutdown();
    await running;
    const stopped = await fetch(`${url}/readyz`);
    expect(stopped.status).toBe(503);
    expect(await stopped.json()).toMatchObject({ status: 'unready', down: ['worker'] });
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await health.close();
  }
  const lines: string[] = [];
  const logger = temporalLoggerFor(
    createLogger('worker', new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }), 'debug'),
  );
  logger.info('Activity completed', { workflowId: 'wf-1', activityType: 'project' });
  logger.log('WARN', 'Workflow task failed', { requestId: 'r-1' });
  expect(lines.map((l) => JSON.parse(l))).toEqual([
    expect.objectContaining({ level: 30, process: 'worker', msg: 'Activity completed', workflowId: 'wf-1', activityType: 'project' }),
    expect.objectContaining({ level: 40, msg: 'Workflow task failed', requestId: 'r-1' }),
  ]);
});
