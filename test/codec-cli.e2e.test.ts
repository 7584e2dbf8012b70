/**
 * The codec server as an admin uses it: the real `temporal` CLI's `workflow show
 * --codec-endpoint … --codec-auth "Bearer <admin>"` against the API over HTTP, in the default
 * suite (AES-256-GCM) and in GM mode (SM4 + HMAC-SM3). The CLI shows the applicant's data only
 * through the codec; after a switch to GM, cases sealed with AES still decode.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import type { CryptoSuite } from '../db/crypto';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { requireTemporalCli } from '../temporal-config/binaries';
import {
  AES_CIPHER,
  dataConverterFor,
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  newCodecKey,
  parseCodecKeys,
  SM4_CIPHER,
} from '../temporal-config/codec';
import { TEST_AGENCY } from './support/api-stack';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startDevServer, TEST_NAMESPACE } from './support/temporal';

const run = promisify(execFile);
const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

let env: Awaited<ReturnType<typeof startDevServer>>;
let database: TestDatabase;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
const servers: Server[] = [];
const tokens: Record<string, string> = {};
const keys = parseCodecKeys(newCodecKey('kcli'));
/** Per suite: the API's base URL (its /codec seals with that suite) and the task queue its cases run on. */
const stacks = {} as Record<CryptoSuite, { url: string; taskQueue: string; app: ReturnType<typeof createApp> }>;

beforeAll(async () => {
  [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
  for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
    tokens[username] = await issueToken(database.db, user.id, 'codec-cli');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  for (const suite of ['default', 'gm'] as const) {
    const taskQueue = `codec-cli-${suite}`;
    const dataConverter = dataConverterFor(keys, suite)!;
    const temporal = new Client({ connection: env.connection, namespace: TEST_NAMESPACE, dataConverter });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: TEST_NAMESPACE,
      taskQueue,
      dataConverter,
      workflowBundle: { code },
      activities: createActivities({ db: database.db, agency: TEST_AGENCY, temporal }),
    });
    workers.push({ worker, running: worker.run() });
    const app = createApp({
      db: database.db,
      temporal,
      namespace: TEST_NAMESPACE,
      taskQueue,
      agency: TEST_AGENCY,
      codec: new EncryptionCodec(keys, suite),
      rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    servers.push(server);
    stacks[suite] = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, taskQueue, app };
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await env?.teardown();
  await database?.drop();
});

/** Registers a case through the API of a suite; the workflow id of its case. */
async function submit(suite: CryptoSuite, applicant: { name: string; idNumber: string; phone: string; address: string }): Promise<string> {
  const created = await request(stacks[suite].app)
    .post('/api/applications')
    .set('Authorization', `Bearer ${tokens.clerk}`)
    .send({
      channel: 'in-person',
      applicant: { type: 'natural-person', idType: 'resident-id', ...applicant },
      description: '某化工企业2025年度安全检查记录',
      form: 'paper',
      delivery: 'post',
    });
  expect(created.status).toBe(201);
  return `application-${created.body.caseNo}`;
}

/** `temporal workflow show`, as the README has an admin run it; with the codec unless `codec` is null. */
async function show(workflowId: string, codec: { url: string; token: string } | null, output: 'text' | 'json' = 'text'): Promise<string> {
  const args = ['workflow', 'show', '--workflow-id', workflowId, '--namespace', TEST_NAMESPACE, '--address', env.address];
  if (output === 'json') args.push('--output', 'json');
  else args.push('--detailed');
  if (codec) args.push('--codec-endpoint', `${codec.url}/codec`, '--codec-auth', `Bearer ${codec.token}`);
  const { stdout } = await run(requireTemporalCli(), args, {
    timeout: 60_000,
    maxBuffer: 32 * 1024 * 1024,
    env: { ...process.env, TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' },
  });
  return stdout;
}

/** Every payload in the CLI's JSON output of a history (proto3 JSON: metadata values and data in base64). */
function payloadsOf(json: string): Array<{ encoding: string; text: string }> {
  const found: Array<{ encoding: string; text: string }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const metadata = record.metadata as Record<string, string> | undefined;
      if (metadata && typeof metadata === 'object' && typeof metadata.encoding === 'string') {
        found.push({
          encoding: Buffer.from(metadata.encoding, 'base64').toString('utf8'),
          text: Buffer.from(String(record.data ?? ''), 'base64').toString('utf8'),
        });
      } else Object.values(record).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return found;
}

const firstInput = async (workflowId: string): Promise<Payload> => {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
};

it('answers an empty payload list, as the CLI posts it ({}), with an empty list', async () => {
  for (const direction of ['decode', 'encode']) {
    const answered = await request(stacks.default.app)
      .post(`/codec/${direction}`)
      .set('Authorization', `Bearer ${tokens.admin}`)
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ payloads: [] });
  }
});

it('decodes histories in the real temporal CLI, AES by default and SM4 in GM mode; AES cases still decode after the switch', async () => {
  const aesApplicant = { name: '卫秘', idNumber: '110101198001011232', phone: '13600001111', address: '某市某区加密路1号' };
  const gmApplicant = { name: '蒋国密', idNumber: '110101198202022341', phone: '13700002222', address: '某市某区商密路2号' };
  const aesCase = await submit('default', aesApplicant);
  const gmCase = await submit('gm', gmApplicant);
  expect(utf8((await firstInput(aesCase)).metadata!['encryption-cipher'])).toBe(AES_CIPHER);
  expect(utf8((await firstInput(gmCase)).metadata!['encryption-cipher'])).toBe(SM4_CIPHER);

  const admin = (suite: CryptoSuite) => ({ url: stacks[suite].url, token: tokens.admin! });
  for (const [workflowId, applicant] of [
    [aesCase, aesApplicant],
    [gmCase, gmApplicant],
  ] as const) {
    // Without the codec the CLI shows ciphertext only.
    const sealed = await show(workflowId, null, 'json');
    expect(sealed).toContain('WORKFLOW_EXECUTION_STARTED');
    for (const secret of Object.values(applicant)) expect(sealed).not.toContain(secret);
    expect(payloadsOf(sealed).some((p) => p.encoding === ENCRYPTED_ENCODING)).toBe(true); // search attributes and patch markers stay readable: nothing personal
    for (const secret of Object.values(applicant)) expect(payloadsOf(sealed).some((p) => p.text.includes(secret))).toBe(false);
    // Through the codec of the GM-mode API: both the SM4 case and the AES one sealed before the switch.
    const opened = await show(workflowId, admin('gm'));
    for (const secret of Object.values(applicant)) expect(opened).toContain(secret);
    // JSON output (for replay) keeps payload bytes in base64: every payload there is decoded too.
    const openedJson = payloadsOf(await show(workflowId, admin('gm'), 'json'));
    expect(openedJson.length).toBe(payloadsOf(sealed).length);
    expect(openedJson.filter((p) => p.encoding === ENCRYPTED_ENCODING)).toEqual([]);
    for (const secret of Object.values(applicant)) expect(openedJson.some((p) => p.text.includes(secret))).toBe(true);
  }
  // The default suite's API decodes its own cases.
  const aesOpened = await show(aesCase, admin('default'));
  expect(aesOpened).toContain(aesApplicant.idNumber);

  // Only admins: any other role's token leaves the CLI without plaintext.
  await expect(show(gmCase, { url: stacks.gm.url, token: tokens.supervisor! })).rejects.toThrow();
});
