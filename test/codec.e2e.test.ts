/**
 * Payload encryption: the Temporal server holds ciphertext only (a client without the codec
 * — like the CLI or UI without a codec endpoint — sees no applicant data), authorised admins
 * read it back through /codec, keys rotate, tampering is detected, and encrypted histories
 * still replay. Real dev server, real worker, real database.
 */
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import {
  AES_CIPHER,
  dataConverterFor,
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  newCodecKey,
  parseCodecKeys,
  SM4_CIPHER,
} from '../temporal-config/codec';
import { TEST_AGENCY } from './support/api-stack';
import { createTestDatabase, type TestDatabase } from './support/database';
import { plaintextIn, storedPayloads } from './support/history-privacy';
import { startDevServer, TEST_NAMESPACE } from './support/temporal';

const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const json = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });

describe('EncryptionCodec', () => {
  const [oldKey, newKey] = [parseCodecKeys(newCodecKey('k2025'))[0]!, parseCodecKeys(newCodecKey('k2026'))[0]!];

  it('round-trips, rotates keys and refuses altered or unknown ciphertext', async () => {
    const before = new EncryptionCodec([oldKey]);
    const [sealed] = await before.encode([json({ name: '张三', idNumber: '110101199003071233' })]);
    expect(utf8(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(utf8(sealed!.metadata!['encryption-key-id'])).toBe('k2025');
    expect(Buffer.from(sealed!.data!).includes(Buffer.from('110101199003071233'))).toBe(false);

    // Rotation: the new key encrypts, the old one still opens what it sealed.
    const after = new EncryptionCodec([newKey, oldKey]);
    const [opened] = await after.decode([sealed!]);
    expect(JSON.parse(utf8(opened!.data))).toEqual({ name: '张三', idNumber: '110101199003071233' });
    const [resealed] = await after.encode([opened!]);
    expect(utf8(resealed!.metadata!['encryption-key-id'])).toBe('k2026');

    const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(after.decode([tampered])).rejects.toThrow();
    await expect(new EncryptionCodec([newKey]).decode([sealed!])).rejects.toThrow(/unknown key id "k2025"/);
    // Histories from before encryption pass through.
    expect(await after.decode([json('plain')])).toEqual([json('plain')]);
    expect(() => parseCodecKeys('k1:c2hvcnQ=')).not.toThrow();
    expect(() => new EncryptionCodec(parseCodecKeys('k1:c2hvcnQ='))).toThrow(/32 bytes/);
  });
});

describe('EncryptionCodec in GM mode (GONGKAI_CRYPTO=gm)', () => {
  const [key, otherKey] = [parseCodecKeys(newCodecKey('kgm'))[0]!, parseCodecKeys(newCodecKey('kgm2'))[0]!];

  it('seals with SM4 and HMAC-SM3, opens AES payloads sealed before the switch, and refuses altered ones', async () => {
    const gm = new EncryptionCodec([key], 'gm');
    expect(gm.cipher).toBe(SM4_CIPHER);
    const value = { name: '孙国密', idNumber: '110101199009094567', address: '某市某区商密路2号' };
    const plain = json(value);
    const open = async (codec: EncryptionCodec, payload: Payload) => {
      const [opened] = await codec.decode([payload]);
      expect(utf8(opened!.metadata!.encoding)).toBe('json/plain');
      return JSON.parse(utf8(opened!.data));
    };
    const [sealed] = await gm.encode([plain]);
    expect(utf8(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(utf8(sealed!.metadata!['encryption-cipher'])).toBe(SM4_CIPHER);
    expect(utf8(sealed!.metadata!['encryption-key-id'])).toBe('kgm');
    for (const secret of ['孙国密', '110101199009094567', '商密路'])
      expect(Buffer.from(sealed!.data!).includes(Buffer.from(secret))).toBe(false);
    // 16-byte IV, whole SM4 blocks, 32-byte HMAC-SM3.
    expect((sealed!.data!.length - 16 - 32) % 16).toBe(0);
    expect(await open(gm, sealed!)).toEqual(value);
    // Each payload says how it was sealed: either suite opens both.
    const aes = new EncryptionCodec([key], 'default');
    expect(aes.cipher).toBe(AES_CIPHER);
    expect(await open(aes, sealed!)).toEqual(value);
    const [aesSealed] = await aes.encode([plain]);
    expect(await open(gm, aesSealed!)).toEqual(value);
    // The cipher of payloads sealed before it was named (AES-256-GCM).
    const unnamed = { ...aesSealed!, metadata: { ...aesSealed!.metadata } };
    delete unnamed.metadata['encryption-cipher'];
    expect(await open(gm, unnamed)).toEqual(value);

    // Encrypt-then-MAC: a flipped bit anywhere, a swapped key id or cipher name, is refused before decryption.
    for (const at of [0, 20, sealed!.data!.length - 1]) {
      const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).map((b, i) => (i === at ? b ^ 1 : b)) };
      await expect(gm.decode([tampered])).rejects.toThrow(/HMAC-SM3/);
    }
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('kgm2') } };
    await expect(new EncryptionCodec([otherKey, key], 'gm').decode([relabelled])).rejects.toThrow(/HMAC-SM3/);
    await expect(
      gm.decode([{ ...sealed!, metadata: { ...sealed!.metadata, 'encryption-cipher': Buffer.from('SM4-ECB') } }]),
    ).rejects.toThrow(/unknown cipher "SM4-ECB"/);
    await expect(gm.decode([{ ...sealed!, data: sealed!.data!.subarray(0, 40) }])).rejects.toThrow(/too short/);
    // Rotation as with AES: a new key first, the old one still opens.
    const rotated = new EncryptionCodec([otherKey, key], 'gm');
    expect(await open(rotated, sealed!)).toEqual(value);
    expect(utf8((await rotated.encode([plain]))[0]!.metadata!['encryption-key-id'])).toBe('kgm2');
  });

  it('follows GONGKAI_CRYPTO when no suite is given', () => {
    const before = process.env.GONGKAI_CRYPTO;
    try {
      process.env.GONGKAI_CRYPTO = 'gm';
      expect(new EncryptionCodec([key]).cipher).toBe(SM4_CIPHER);
      delete process.env.GONGKAI_CRYPTO;
      expect(new EncryptionCodec([key]).cipher).toBe(AES_CIPHER);
      process.env.GONGKAI_CRYPTO = 'sm9';
      expect(() => new EncryptionCodec([key])).toThrow(/GONGKAI_CRYPTO/);
    } finally {
      if (before === undefined) delete process.env.GONGKAI_CRYPTO;
      else process.env.GONGKAI_CRYPTO = before;
    }
  });
});

describe('on the real stack', () => {
  let env: Awaited<ReturnType<typeof startDevServer>>;
  let database: TestDatabase;
  let worker: Worker;
  let running: Promise<void>;
  let app: ReturnType<typeof createApp>;
  const tokens: Record<string, string> = {};
  const keys = parseCodecKeys(newCodecKey('ktest'));
  const codec = new EncryptionCodec(keys);

  beforeAll(async () => {
    [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
    for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
      tokens[username] = await issueToken(database.db, user.id, 'codec');
    const dataConverter = dataConverterFor(keys)!;
    const encrypted = new Client({ connection: env.connection, namespace: TEST_NAMESPACE, dataConverter });
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: TEST_NAMESPACE,
      taskQueue: 'codec-e2e',
      dataConverter,
      workflowsPath: require.resolve('../workflows'),
      activities: createActivities({ db: database.db, agency: TEST_AGENCY, temporal: encrypted }),
    });
    running = worker.run();
    app = createApp({
      db: database.db,
      temporal: encrypted,
      namespace: TEST_NAMESPACE,
      taskQueue: 'codec-e2e',
      agency: TEST_AGENCY,
      codec,
    });
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await database?.drop();
  });

  it('keeps applicant data out of Temporal and lets only admins decode it', async () => {
    const submitted = await request(app)
      .post('/api/applications')
      .set('Authorization', `Bearer ${tokens.clerk}`)
      .send({
        channel: 'in-person',
        applicant: {
          type: 'natural-person',
          name: '郑密',
          idType: 'resident-id',
          idNumber: '11010119771212567X',
          phone: '13512345678',
          address: '某市某区机密路8号',
        },
        description: '某危化品仓库2025年度检查记录',
        form: 'paper',
        delivery: 'post',
      });
    expect(submitted.status).toBe(201);
    const workflowId = `application-${submitted.body.caseNo}`;

    // What the server stores (and what the CLI or UI shows without the codec): ciphertext.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    // Every payload of every event read as stored (test/support/history-privacy.ts; it finds these in a history written without the codec: test/history-privacy.e2e.test.ts).
    expect(storedPayloads(history).length).toBeGreaterThan(10);
    expect(plaintextIn(history, ['郑密', '11010119771212567X', '13512345678', '机密路'])).toEqual([]);
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(utf8(input.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);

    // The codec endpoint, as `temporal workflow show --codec-endpoint …/codec --codec-auth "Bearer <admin token>"` calls it.
    const wire = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(input.data!).toString('base64'),
        },
      ],
    };
    const decoded = await request(app)
      .post('/codec/decode')
      .set('Authorization', `Bearer ${tokens.admin}`)
      .set('X-Namespace', TEST_NAMESPACE)
      .send(wire);
    expect(decoded.status).toBe(200);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8')).toContain('11010119771212567X');
    expect((await request(app).post('/codec/decode').set('Authorization', `Bearer ${tokens.supervisor}`).send(wire)).status).toBe(403);
    expect((await request(app).post('/codec/decode').send(wire)).status).toBe(401);
    const broken = await request(app)
      .post('/codec/decode')
      .set('Authorization', `Bearer ${tokens.admin}`)
      .send({ payloads: [{ ...wire.payloads[0], data: Buffer.from('garbage-garbage-garbage-garbage').toString('base64') }] });
    expect(broken.status).toBe(422);

    // The Temporal UI's origin may call it from the browser.
    const preflight = await request(app)
      .options('/codec/decode')
      .set('Origin', 'http://localhost:8233')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');

    // Encrypted histories replay with today's code.
    const replay = await request(app).post(`/api/admin/workflows/${workflowId}/replay`).set('Authorization', `Bearer ${tokens.admin}`);
    expect(replay.body).toMatchObject({ source: 'temporal', reproduces: true });
  });
});
