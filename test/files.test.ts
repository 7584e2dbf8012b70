/**
 * The file store on real PostgreSQL (db/files/store.ts): types read from content against the
 * allow-list, the size limit, content addressing (the same bytes stored once), personal files
 * sealed at rest with the codec's keys (AES-256-GCM and SM4) and read back equal, attachments
 * per case and purpose, and what the applicant may download.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { strToU8 } from 'fflate';
import { detectMediaType } from '../db/files/content-type';
import { FileRejected, FileStore, filesDeliveredToApplicant, listCaseFiles } from '../db/files/store';
import { EncryptionCodec } from '../temporal-config/codec';
import { createTestDatabase, type TestDatabase } from './support/database';
import { applicationRow, fileFixtures } from './support/file-fixtures';

let database: TestDatabase;
const codec = new EncryptionCodec([{ id: 'files-test', key: randomBytes(32) }], 'default');
const PNG = fs.readFileSync(path.join(__dirname, 'fixtures', 'seal.png'));

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const rawRow = (sha256: string) =>
  database.db.selectFrom('stored_files').selectAll().where('sha256', '=', sha256).executeTakeFirstOrThrow();

describe('type by content', () => {
  it('recognises each allowed type from its bytes, whatever it is called', async () => {
    const f = fileFixtures();
    expect(await detectMediaType(f.pdf)).toBe('application/pdf');
    expect(await detectMediaType(PNG)).toBe('image/png');
    expect(await detectMediaType(f.jpeg)).toBe('image/jpeg');
    expect(await detectMediaType(f.docx)).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(await detectMediaType(f.xlsx)).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(await detectMediaType(f.ofd)).toBe('application/ofd');
    expect(await detectMediaType(strToU8('申请人补充说明：所需信息为2025年度执法检查计划。\r\n'))).toBe('text/plain');
  });

  it('refuses what is not on the allow-list, naming the type found in the content', async () => {
    const store = new FileStore({ maxBytes: 1024 * 1024 });
    const f = fileFixtures();
    for (const [bytes, found] of [
      [f.zip, 'application/zip'],
      [f.gif, 'image/gif'],
      [f.exe, 'application/x-msdownload'],
      [Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0x00, 0x10]), null],
    ] as const) {
      const refused = await store.inspect(bytes, 'scan.pdf').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(FileRejected);
      expect(refused).toMatchObject({ reason: 'type-not-allowed', detectedType: found });
      expect((refused as Error).message).toContain('「scan.pdf」');
    }
  });

  it('a PNG named .pdf is stored and listed as a PNG', async () => {
    const store = new FileStore({ maxBytes: 1024 * 1024 });
    const file = await store.putAndAttach(database.db, {
      caseKind: 'dispute',
      caseNo: '2026-D0001',
      purpose: 'dispute-evidence',
      bytes: PNG,
      filename: 'evidence.pdf',
      uploadedBy: 'clerk',
    });
    expect(file).toMatchObject({ mediaType: 'image/png', filename: 'evidence.pdf', size: PNG.length });
  });
});

describe('limits', () => {
  it('refuses a file over the limit and an empty one, storing nothing', async () => {
    const store = new FileStore({ maxBytes: 1000 });
    const before = await database.db
      .selectFrom('stored_files')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      store.put(database.db, { bytes: Buffer.concat([fileFixtures().pdf, Buffer.alloc(1000)]), personal: false }),
    ).rejects.toMatchObject({ reason: 'too-large' });
    await expect(store.put(database.db, { bytes: new Uint8Array(0), personal: false })).rejects.toMatchObject({ reason: 'empty' });
    const after = await database.db
      .selectFrom('stored_files')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('GONGKAI_FILE_MAX_BYTES sets the limit; nonsense is refused naming the variable', () => {
    const saved = process.env.GONGKAI_FILE_MAX_BYTES;
    try {
      process.env.GONGKAI_FILE_MAX_BYTES = '4096';
      expect(new FileStore().maxBytes).toBe(4096);
      process.env.GONGKAI_FILE_MAX_BYTES = '10MB';
      expect(() => new FileStore()).toThrow(/GONGKAI_FILE_MAX_BYTES/);
    } finally {
      if (saved === undefined) delete process.env.GONGKAI_FILE_MAX_BYTES;
      else process.env.GONGKAI_FILE_MAX_BYTES = saved;
    }
  });
});

describe('content addressing', () => {
  it('the same bytes are stored once, attached to two cases, and once per case and purpose', async () => {
    const store = new FileStore({ codec, maxBytes: 1024 * 1024 });
    const bytes = fileFixtures('dedupe').pdf;
    const a = await store.putAndAttach(database.db, {
      caseKind: 'document',
      caseNo: '2026-000101',
      purpose: 'published-file',
      bytes,
      filename: '通知.pdf',
      uploadedBy: 'clerk',
    });
    const b = await store.putAndAttach(database.db, {
      caseKind: 'document',
      caseNo: '2026-000102',
      purpose: 'published-file',
      bytes,
      filename: '另一个名字.pdf',
      uploadedBy: 'department',
    });
    const again = await store.putAndAttach(database.db, {
      caseKind: 'document',
      caseNo: '2026-000101',
      purpose: 'published-file',
      bytes,
      filename: '重传.pdf',
      uploadedBy: 'clerk',
    });
    expect(b.sha256).toBe(a.sha256);
    expect(again.id).toBe(a.id);
    const stored = await database.db.selectFrom('stored_files').select('sha256').where('sha256', '=', a.sha256).execute();
    expect(stored).toHaveLength(1);
    expect((await listCaseFiles(database.db, 'document', '2026-000101')).map((f) => f.filename)).toEqual(['通知.pdf']);
    expect((await listCaseFiles(database.db, 'document', '2026-000102')).map((f) => f.filename)).toEqual(['另一个名字.pdf']);
  });
});

describe('encryption at rest', () => {
  for (const suite of ['default', 'gm'] as const) {
    it(`personal files are sealed (${suite === 'gm' ? 'SM4' : 'AES-256-GCM'}): the row holds no plaintext, reads back equal, the hash is the plaintext's`, async () => {
      const store = new FileStore({
        codec: new EncryptionCodec([{ id: `k-${suite}`, key: randomBytes(32) }], suite),
        maxBytes: 1024 * 1024,
      });
      const marker = `身份证号码 11010519491231002X ${suite} ${randomBytes(4).toString('hex')}`;
      const bytes = strToU8(`申请人身份证明材料\n${marker}\n`);
      const file = await store.putAndAttach(database.db, {
        caseKind: 'application',
        caseNo: '2026-000201',
        purpose: 'application-material',
        bytes,
        filename: '身份证.txt',
        uploadedBy: 'applicant',
      });
      expect(file.encrypted).toBe(true);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const row = await rawRow(file.sha256);
      expect(row.encrypted).toBe(true);
      expect(row.content.includes(Buffer.from(marker))).toBe(false);
      expect(row.content.includes(Buffer.from('11010519491231002X'))).toBe(false);
      expect(row.content.toString('latin1')).toContain(suite === 'gm' ? 'SM4-CBC/HMAC-SM3' : 'AES-256-GCM');
      const read = await store.read(database.db, file.sha256);
      expect(Buffer.compare(read!.bytes, Buffer.from(bytes))).toBe(0);
      // A store without the keys cannot open it (and says which setting it needs).
      await expect(new FileStore({ maxBytes: 1024 }).read(database.db, file.sha256)).rejects.toThrow(/GONGKAI_CODEC_KEYS/);
    });
  }

  it('non-personal files stay in the clear; the same bytes later given as personal are sealed in place', async () => {
    const store = new FileStore({ codec, maxBytes: 1024 * 1024 });
    const bytes = strToU8(`营业执照副本 统一社会信用代码 91110000${randomBytes(3).toString('hex')}\n`);
    const published = await store.putAndAttach(database.db, {
      caseKind: 'document',
      caseNo: '2026-000103',
      purpose: 'published-file',
      bytes,
      filename: 'a.txt',
      uploadedBy: 'clerk',
    });
    expect(published.encrypted).toBe(false);
    expect((await rawRow(published.sha256)).content.includes(Buffer.from(bytes))).toBe(true);
    const material = await store.putAndAttach(database.db, {
      caseKind: 'application',
      caseNo: '2026-000202',
      purpose: 'correction-material',
      bytes,
      filename: 'b.txt',
      uploadedBy: 'applicant',
    });
    expect(material.encrypted).toBe(true);
    expect((await rawRow(published.sha256)).content.includes(Buffer.from(bytes))).toBe(false);
    expect(Buffer.from((await store.read(database.db, published.sha256))!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('key rotation', () => {
  it('resealAll moves sealed files to the newest key (and cipher), after which the old key can go', async () => {
    const old = { id: `old-${randomBytes(3).toString('hex')}`, key: randomBytes(32) };
    const newest = { id: `new-${randomBytes(3).toString('hex')}`, key: randomBytes(32) };
    const before = new FileStore({ codec: new EncryptionCodec([old], 'default'), maxBytes: 1024 * 1024 });
    const bytes = Buffer.from(`身份证复印件 ${randomBytes(6).toString('hex')}\n`);
    const file = await before.putAndAttach(database.db, {
      caseKind: 'application',
      caseNo: '2026-000204',
      purpose: 'application-material',
      bytes,
      filename: 'id.txt',
      uploadedBy: 'clerk',
    });
    expect((await rawRow(file.sha256)).content.toString('latin1')).toContain(old.id);

    const rotated = new FileStore({ codec: new EncryptionCodec([newest, old], 'gm'), maxBytes: 1024 * 1024 });
    const first = await rotated.resealAll(database.db);
    expect(first.resealed).toBe(1);
    // Files sealed by the other tests, under keys this codec never had, are named and left alone.
    expect(first.keyMissing.map((m) => m.keyId)).not.toContain(old.id);
    expect(first.keyMissing.length).toBeGreaterThanOrEqual(1);
    const row = await rawRow(file.sha256);
    expect(row.content.toString('latin1')).toContain(newest.id);
    expect(row.content.toString('latin1')).toContain('SM4-CBC/HMAC-SM3');
    expect((await rotated.resealAll(database.db)).resealed).toBe(0); // nothing left under another key it has
    const withoutOld = new FileStore({ codec: new EncryptionCodec([newest], 'gm'), maxBytes: 1024 * 1024 });
    expect(Buffer.compare((await withoutOld.read(database.db, file.sha256))!.bytes, bytes)).toBe(0);
  });
});

describe('what the applicant may download', () => {
  it('only the reply’s files, and only once the reply is delivered', async () => {
    const store = new FileStore({ codec, maxBytes: 1024 * 1024 });
    const caseNo = '2026-000203';
    await database.db.insertInto('applications').values(applicationRow(caseNo)).execute();
    const f = fileFixtures('applicant');
    await store.putAndAttach(database.db, {
      caseKind: 'application',
      caseNo,
      purpose: 'application-material',
      bytes: f.jpeg,
      filename: 'id.jpg',
      uploadedBy: 'applicant',
    });
    await store.putAndAttach(database.db, {
      caseKind: 'application',
      caseNo,
      purpose: 'disclosed',
      bytes: f.pdf,
      filename: '公开信息.pdf',
      uploadedBy: 'clerk',
    });
    await store.putAndAttach(database.db, {
      caseKind: 'application',
      caseNo,
      purpose: 'redacted',
      bytes: f.docx,
      filename: '区分处理.docx',
      uploadedBy: 'department',
    });
    expect(await filesDeliveredToApplicant(database.db, caseNo)).toEqual([]);
    await database.db
      .updateTable('applications')
      .set({ state: JSON.stringify({ delivery: { method: 'email', deliveredOn: '2026-04-01' } }) })
      .where('case_no', '=', caseNo)
      .execute();
    const delivered = await filesDeliveredToApplicant(database.db, caseNo);
    expect(delivered.map((d) => [d.purpose, d.filename])).toEqual([
      ['disclosed', '公开信息.pdf'],
      ['redacted', '区分处理.docx'],
    ]);
    expect(delivered[0]!.deliveredAt).toBe('2026-03-31T16:00:00.000Z');
    expect(await filesDeliveredToApplicant(database.db, '2026-999999')).toEqual([]);
  });
});
