/**
 * No applicant data reaches Temporal: one case is walked through the API twice on the real
 * dev server — once by a worker and API with the payload codec in GM mode (SM4 + HMAC-SM3),
 * once with the codec off (GONGKAI_CODEC=off) — and every payload of every event of each
 * history is read as the server stores it (test/support/history-privacy.ts). The checker
 * finds the applicant's name, ID number, phone, address and e-mail all over the unencrypted
 * history (so it can fail), and nowhere in the encrypted one, where it read the same kinds of
 * payloads. The GM history then replays with the GM codec as the data converter (it cannot
 * without it: encrypted histories are replayed here, not committed under test/histories).
 */
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import request from 'supertest';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { calendarChangedSignal } from '../workflows/application-messages';
import { dataConverterFor, EncryptionCodec, ENCRYPTED_ENCODING, newCodecKey, parseCodecKeys, SM4_CIPHER } from '../temporal-config/codec';
import { TEST_AGENCY } from './support/api-stack';
import { createTestDatabase, type TestDatabase } from './support/database';
import { kindOf, plaintextIn, storedPayloads } from './support/history-privacy';
import { startDevServer, TEST_NAMESPACE } from './support/temporal';

let env: Awaited<ReturnType<typeof startDevServer>>;
let database: TestDatabase;
let code: string;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
const tokens: Record<string, string> = {};
const keys = parseCodecKeys(newCodecKey('kgm'));
const stacks = {} as Record<'gm' | 'off', { app: ReturnType<typeof createApp>; client: Client }>;

beforeAll(async () => {
  [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
  for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
    tokens[username] = await issueToken(database.db, user.id, 'history-privacy');
  ({ code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') }));
  for (const mode of ['gm', 'off'] as const) {
    const taskQueue = `history-privacy-${mode}`;
    const dataConverter = mode === 'gm' ? dataConverterFor(keys, 'gm') : undefined;
    const client = new Client({ connection: env.connection, namespace: TEST_NAMESPACE, ...(dataConverter ? { dataConverter } : {}) });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: TEST_NAMESPACE,
      taskQueue,
      workflowBundle: { code },
      ...(dataConverter ? { dataConverter } : {}),
      activities: createActivities({ db: database.db, agency: TEST_AGENCY, temporal: client }),
    });
    workers.push({ worker, running: worker.run() });
    const app = createApp({
      db: database.db,
      temporal: client,
      namespace: TEST_NAMESPACE,
      taskQueue,
      agency: TEST_AGENCY,
      rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
      ...(mode === 'gm' ? { codec: new EncryptionCodec(keys, 'gm') } : {}),
    });
    stacks[mode] = { app, client };
  }
});

afterAll(async () => {
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await env?.teardown();
  await database?.drop();
});

const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });

/** The same case on either stack: intake, accept, assign, a calendar change (a signal), a query, withdrawal. */
async function walkCase(
  mode: 'gm' | 'off',
  applicant: { name: string; idNumber: string; phone: string; address: string; email: string },
): Promise<temporal.api.history.v1.IHistory> {
  const { app, client } = stacks[mode];
  const created = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
      channel: 'in-person',
      applicant: { type: 'natural-person', idType: 'resident-id', ...applicant },
      description: '某区2025年度危化品企业执法检查记录',
      form: 'paper',
      delivery: 'email',
    });
  expect(created.status).toBe(201);
  const { caseNo } = created.body as { caseNo: string };
  const step = (action: string, user: string, body: object = {}) =>
    request(app).post(`/api/applications/${caseNo}/${action}`).set(as(user)).send(body);
  expect((await step('accept', 'clerk')).status).toBe(200);
  expect((await step('assign', 'clerk', { departmentCode: 'yjglk' })).status).toBe(200);
  const handle = client.workflow.getHandle(`application-${caseNo}`);
  await handle.signal(calendarChangedSignal, { calendarVersion: 'history-privacy-test' });
  expect((await request(app).get(`/api/applications/${caseNo}`).set(as('clerk'))).body.case.intake.applicant.idNumber).toBe(
    applicant.idNumber,
  );
  expect((await step('withdraw', 'clerk', { on: shanghaiDateOf(Date.now()), reason: '申请人撤回' })).status).toBe(200);
  await handle.result();
  // Read as the server holds it: a client without the codec.
  return env.client.workflow.getHandle(`application-${caseNo}`).fetchHistory();
}

it('finds the applicant in every kind of payload of a history written with the codec off, and nowhere in one encrypted in GM mode', async () => {
  const plain = {
    name: '欧阳明文',
    idNumber: '110101199009094567',
    phone: '13912345678',
    address: '某市某区明文路9号',
    email: 'ouyang.mingwen@example.cn',
  };
  const sealed = {
    name: '司马密文',
    idNumber: '110101198505053452',
    phone: '13887654321',
    address: '某市某区密文路6号',
    email: 'sima.miwen@example.cn',
  };
  const offHistory = await walkCase('off', plain);
  const gmHistory = await walkCase('gm', sealed);

  // The naive check the old test made: blind to both, because payload bytes are not text in JSON.
  for (const secret of Object.values(plain)) expect(JSON.stringify(offHistory).includes(secret)).toBe(false);

  // Codec off: each item of personal data, in plain text, in the input (steps answer only
  // {seq, stage} and the run returns only how the case ended, so neither carries any).
  const leaks = plaintextIn(offHistory, Object.values(plain));
  expect(new Set(leaks.map((l) => l.secret))).toEqual(new Set(Object.values(plain)));
  const leakKinds = new Set(leaks.map(kindOf));
  expect([...leakKinds]).toContain('WORKFLOW_EXECUTION_STARTED input.payloads');
  expect([...leakKinds]).not.toContain('WORKFLOW_EXECUTION_UPDATE_COMPLETED outcome.success.payloads');
  expect([...leakKinds]).not.toContain('WORKFLOW_EXECUTION_COMPLETED result.payloads');
  const offKinds = new Set(storedPayloads(offHistory).map(kindOf));
  expect([...offKinds]).toEqual(
    expect.arrayContaining([
      'MARKER_RECORDED details.result.payloads',
      'WORKFLOW_EXECUTION_UPDATE_ACCEPTED acceptedRequest.input.args.payloads',
      'WORKFLOW_EXECUTION_SIGNALED input.payloads',
    ]),
  );

  // GM mode: not one item, anywhere in the history (payloads, failure messages, any string)…
  expect(plaintextIn(gmHistory, Object.values(sealed))).toEqual([]);
  // …though the checker read the same kinds of payloads there: all but what Temporal itself must read sealed with SM4.
  const gmPayloads = storedPayloads(gmHistory);
  const gmKinds = new Set(gmPayloads.map(kindOf));
  for (const kind of offKinds) expect(gmKinds).toContain(kind);
  const temporalOwn = / (searchAttributes\.indexedFields\.\w+|details\.patch-data\.payloads|details\.data\.payloads)$/; // indexed, patch ids, local-activity bookkeeping
  for (const payload of gmPayloads.filter((p) => !temporalOwn.test(kindOf(p)))) {
    expect(payload.encoding).toBe(ENCRYPTED_ENCODING);
    expect(payload.text).toContain(`encryption-cipher=${SM4_CIPHER}`);
  }
  expect(gmKinds).toContain('WORKFLOW_EXECUTION_STARTED memo.fields.startAttempt');
  for (const payload of gmPayloads.filter((p) => kindOf(p).endsWith(' details.data.payloads'))) {
    expect(Object.keys(JSON.parse(payload.text.split('\n')[1]!) as object).sort()).toEqual([
      'activity_id',
      'activity_type',
      'attempt',
      'backoff',
      'complete_time',
      'original_schedule_time',
      'seq',
    ]);
  }

  // The GM-encrypted history replays with the GM codec as the data converter, and not without it.
  await expect(
    Worker.runReplayHistory({ workflowBundle: { code }, dataConverter: dataConverterFor(keys, 'gm') }, gmHistory),
  ).resolves.toBeUndefined();
  await expect(Worker.runReplayHistory({ workflowBundle: { code } }, gmHistory)).rejects.toThrow();
});
