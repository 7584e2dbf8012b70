/**
 * Case files through the staff API (api/routes/files.ts) on real PostgreSQL: upload by raw body
 * and X-File-Name, type by content (415 naming the type found), size (413), no 5xx for bodies
 * that are not files; listing and downloading only for roles that see the case (a department
 * outside it gets 404; application materials only for clerk and admin), audit rows for uploads
 * and downloads; the reply's files fixed once delivered; each attachment and its hash in the
 * evidence bundle.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import { unzipSync } from 'fflate';
import request from 'supertest';
import { createApp } from '../api/app';
import { buildEvidenceBundle, zipBundle } from '../api/evidence';
import { FileStore, filesDeliveredToApplicant } from '../db/files/store';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { EncryptionCodec } from '../temporal-config/codec';
import { createTestDatabase, type TestDatabase } from './support/database';
import { applicationRow, fileFixtures } from './support/file-fixtures';

const AGENCY = { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' };
const CASE = '2026-000501';
const OTHER_CASE = '2026-000502';
const DISPUTE = '2026-D0501';
const DOC = '2026-000503';
const MAX_BYTES = 64 * 1024;
const PNG = fs.readFileSync(path.join(__dirname, 'fixtures', 'seal.png'));

/** What the evidence bundle reads of the case: a delivered reply. */
const deliveredState = {
  caseNo: CASE,
  queryCode: 'QFILES0501',
  ruleProfile: { id: 'national-2019', version: '2019.1' },
  stage: 'delivered',
  closed: false,
  outcome: null,
  receivedOn: '2026-05-06',
  intake: {
    channel: 'in-person',
    description: '本市2025年度安全生产执法检查计划',
    applicant: { type: 'natural-person', name: '李四', idNumber: '11010519491231002X', phone: '13800000000', address: '某市某路1号' },
  },
  clocks: [],
  notices: [],
  delivery: { method: 'post', deliveredOn: '2026-05-20' },
};

let database: TestDatabase;
let app: Express;
const codec = new EncryptionCodec([{ id: 'files-api', key: randomBytes(32) }], 'default');
const files = new FileStore({ codec, maxBytes: MAX_BYTES });
const tokens: Record<string, string> = {};
const temporal = new Client(); // lazy: nothing here reaches Temporal

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
    tokens[username] = await issueToken(database.db, user.id, 'files-api-test');
  app = createApp({
    db: database.db,
    temporal,
    namespace: 'unused',
    agency: AGENCY,
    codec,
    files,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
  });
  // The demo department user is in yjglk: CASE is assigned to it, OTHER_CASE to another department.
  await database.db
    .insertInto('applications')
    .values([applicationRow(CASE, 'yjglk'), applicationRow(OTHER_CASE, 'bmk')])
    .execute();
  await database.db
    .insertInto('disputes')
    .values({
      dispute_no: DISPUTE,
      workflow_id: `dispute-${DISPUTE}`,
      agency_code: 'demo',
      case_no: CASE,
      kind: 'reconsideration',
      body: '示例市人民政府',
      received_on: '2026-05-01',
      rule_profile_id: 'national-2019',
      stage: 'received',
      status: 'open',
      department_code: 'yjglk',
      state: '{}',
      last_seq: 1,
    })
    .execute();
  await database.db
    .insertInto('documents')
    .values({
      doc_id: DOC,
      workflow_id: `document-${DOC}`,
      agency_code: 'demo',
      rule_profile_id: 'national-2019',
      rule_profile_version: '2019.1',
      title: '关于开展安全检查的通知',
      doc_number: '示应急发〔2026〕3号',
      kind: '通知',
      normative: false,
      issuing_department: 'bmk',
      category: '01',
      proposed_attribute: 'proactive',
      final_attribute: null,
      stage: 'drafted',
      status: 'open',
      signed_on: null,
      state: '{}',
      last_seq: 1,
    } as never)
    .execute();
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const binary = (req: request.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
const upload = (url: string, user: string, bytes: Buffer, name: string, contentType = 'application/octet-stream') =>
  request(app).post(url).set(as(user)).set('Content-Type', contentType).set('X-File-Name', encodeURIComponent(name)).send(bytes);
const auditRows = (action: string) =>
  database.db.selectFrom('audit_log').select(['actor_username', 'target', 'details']).where('action', '=', action).orderBy('id').execute();

describe('upload', () => {
  it('stores a file by its content under its name, and audits the upload', async () => {
    const pdf = fileFixtures('upload').pdf;
    const res = await upload(
      `/api/applications/${CASE}/files?purpose=application-material`,
      'clerk',
      pdf,
      '申请人身份证明.pdf',
      'image/png',
    ).expect(201);
    expect(res.body).toMatchObject({
      caseKind: 'application',
      caseNo: CASE,
      purpose: 'application-material',
      filename: '申请人身份证明.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      encrypted: true,
      uploadedBy: 'clerk',
      deliveredToApplicant: false,
    });
    const [row] = (await auditRows('file.uploaded')).filter((r) => (r.details as { fileId: string }).fileId === res.body.id);
    expect(row).toMatchObject({
      actor_username: 'clerk',
      target: `case:${CASE}`,
      details: { purpose: 'application-material', sha256: sha256(pdf), mediaType: 'application/pdf' },
    });
  });

  it('a PNG named .pdf is stored as a PNG; a zip named .pdf is refused 415 naming the body and the type found', async () => {
    const png = await upload(`/api/applications/${CASE}/files?purpose=disclosed`, 'clerk', PNG, '公开信息.pdf', 'application/pdf').expect(
      201,
    );
    expect(png.body.mediaType).toBe('image/png');
    const zip = await upload(
      `/api/applications/${CASE}/files?purpose=disclosed`,
      'clerk',
      fileFixtures().zip,
      '公开信息.pdf',
      'application/pdf',
    ).expect(415);
    expect(zip.body.error).toMatchObject({ code: 'unsupported_media_type', details: [{ field: 'body' }] });
    expect(zip.body.error.message).toContain('application/zip');
    const stored = await database.db.selectFrom('stored_files').select('sha256').where('sha256', '=', sha256(fileFixtures().zip)).execute();
    expect(stored).toEqual([]);
  });

  it('too large is 413 (declared or streamed), an empty body 400, JSON and multipart 415, a bad name 400: never a 5xx', async () => {
    const big = Buffer.concat([fileFixtures().pdf, Buffer.alloc(MAX_BYTES)]);
    const declared = await upload(`/api/applications/${CASE}/files?purpose=disclosed`, 'clerk', big, 'big.pdf').expect(413);
    expect(declared.body.error.details).toEqual([{ field: 'body', message: `must be at most ${MAX_BYTES} bytes` }]);
    // Chunked: no Content-Length to refuse by, the stream is counted.
    const chunked = request(app)
      .post(`/api/applications/${CASE}/files?purpose=disclosed`)
      .set(as('clerk'))
      .set('Content-Type', 'application/pdf')
      .set('Transfer-Encoding', 'chunked');
    chunked.write(big.subarray(0, MAX_BYTES / 2));
    chunked.write(big.subarray(MAX_BYTES / 2));
    expect((await chunked).status).toBe(413);
    await upload(`/api/applications/${CASE}/files?purpose=disclosed`, 'clerk', Buffer.alloc(0), 'empty.pdf').expect(400);
    await request(app).post(`/api/applications/${CASE}/files`).set(as('clerk')).send({ file: 'JVBERi0=' }).expect(415);
    await request(app).post(`/api/applications/${CASE}/files`).set(as('clerk')).attach('file', fileFixtures().pdf, 'a.pdf').expect(415);
    const badName = await request(app)
      .post(`/api/applications/${CASE}/files`)
      .set(as('clerk'))
      .set('Content-Type', 'application/pdf')
      .set('X-File-Name', '%E4%B8')
      .send(fileFixtures().pdf)
      .expect(400);
    expect(badName.body.error.details[0].field).toBe('X-File-Name');
    const badPurpose = await upload(`/api/applications/${CASE}/files?purpose=published-file`, 'clerk', fileFixtures().pdf, 'a.pdf').expect(
      400,
    );
    expect(badPurpose.body.error.details[0].field).toBe('purpose');
  });

  it('who uploads: a department only the reply’s files, only on its own cases; a reviewer not at all', async () => {
    await upload(`/api/applications/${CASE}/files?purpose=redacted`, 'department', fileFixtures('redacted').docx, '区分处理.docx').expect(
      201,
    );
    await upload(`/api/applications/${CASE}/files?purpose=application-material`, 'department', fileFixtures('dept').pdf, 'x.pdf').expect(
      403,
    );
    await upload(`/api/applications/${OTHER_CASE}/files?purpose=redacted`, 'department', fileFixtures('other').pdf, 'x.pdf').expect(404);
    await upload(`/api/applications/${CASE}/files?purpose=disclosed`, 'reviewer', fileFixtures('rev').pdf, 'x.pdf').expect(403);
    await upload(`/api/applications/2026-009999/files?purpose=disclosed`, 'clerk', fileFixtures('none').pdf, 'x.pdf').expect(404);
    await upload(`/api/disputes/${DISPUTE}/files`, 'department', fileFixtures('evidence').pdf, '证据.pdf').expect(201);
    await upload(`/api/documents/${DOC}/files`, 'department', fileFixtures('doc').pdf, '通知.pdf').expect(404); // issued by bmk, not yjglk
    const published = await upload(`/api/documents/${DOC}/files`, 'clerk', fileFixtures('doc').ofd, '通知.ofd').expect(201);
    expect(published.body).toMatchObject({
      caseKind: 'document',
      purpose: 'published-file',
      mediaType: 'application/ofd',
      encrypted: false,
    });
  });

  it('the OpenAPI document gives the upload a binary body (so the console offers it as no JSON step)', async () => {
    const doc = (await request(app).get('/api/openapi.json').expect(200)).body;
    const op = doc.paths['/api/applications/{caseNo}/files'].post;
    expect(Object.keys(op.requestBody.content)).toEqual(['application/octet-stream']);
    expect(op.responses).toHaveProperty('413');
    expect(op.responses).toHaveProperty('415');
  });
});

describe('list and download', () => {
  it('lists to whoever sees the case; a department outside it gets 404', async () => {
    const clerk = await request(app).get(`/api/applications/${CASE}/files`).set(as('clerk')).expect(200);
    expect(clerk.body.items.map((f: { purpose: string }) => f.purpose)).toEqual(['application-material', 'disclosed', 'redacted']);
    const leader = await request(app).get(`/api/applications/${CASE}/files`).set(as('leader')).expect(200);
    // The applicant's materials keep their name (and bytes) from roles that do not see the applicant in full.
    expect(leader.body.items[0]).toMatchObject({ purpose: 'application-material', downloadable: false });
    expect(leader.body.items[0].filename).not.toContain('身份证明');
    await request(app).get(`/api/applications/${OTHER_CASE}/files`).set(as('department')).expect(404);
    await request(app).get(`/api/documents/${DOC}/files`).set(as('department')).expect(404);
    await request(app).get(`/api/applications/${CASE}/files`).expect(401);
  });

  it('downloads the bytes with the type found in the content and their SHA-256, audited; application materials only for clerk and admin', async () => {
    const list = (await request(app).get(`/api/applications/${CASE}/files`).set(as('clerk'))).body.items as Array<{
      id: string;
      purpose: string;
      sha256: string;
    }>;
    const material = list.find((f) => f.purpose === 'application-material')!;
    const disclosed = list.find((f) => f.purpose === 'disclosed')!;

    const png = await binary(request(app).get(`/api/applications/${CASE}/files/${disclosed.id}`).set(as('department'))).expect(200);
    expect(Buffer.compare(png.body as Buffer, PNG)).toBe(0);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['x-content-sha256']).toBe(sha256(PNG));
    expect(png.headers['content-disposition']).toContain("filename*=UTF-8''%E5%85%AC%E5%BC%80%E4%BF%A1%E6%81%AF.pdf");

    const pdf = await binary(request(app).get(`/api/applications/${CASE}/files/${material.id}`).set(as('clerk'))).expect(200);
    expect(sha256(pdf.body as Buffer)).toBe(material.sha256);
    for (const role of ['department', 'reviewer', 'leader', 'supervisor'])
      await request(app).get(`/api/applications/${CASE}/files/${material.id}`).set(as(role)).expect(403);
    await request(app).get(`/api/applications/${OTHER_CASE}/files/${material.id}`).set(as('clerk')).expect(404); // another case's id
    await request(app).get(`/api/applications/${OTHER_CASE}/files/${disclosed.id}`).set(as('department')).expect(404);

    const downloads = await auditRows('file.downloaded');
    expect(downloads.map((r) => [r.actor_username, (r.details as { fileId: string }).fileId])).toEqual([
      ['department', disclosed.id],
      ['clerk', material.id],
    ]);
  });
});

describe('the reply’s files', () => {
  it('reach the applicant once the reply is delivered, and no longer change after it', async () => {
    await database.db
      .updateTable('applications')
      .set({ state: JSON.stringify(deliveredState) })
      .where('case_no', '=', CASE)
      .execute();
    const res = await upload(`/api/applications/${CASE}/files?purpose=disclosed`, 'clerk', fileFixtures('late').pdf, 'late.pdf').expect(
      409,
    );
    expect(res.body.error.message).toContain('delivered');
    const forApplicant = await filesDeliveredToApplicant(database.db, CASE);
    expect(forApplicant.map((f) => [f.purpose, f.filename])).toEqual([
      ['disclosed', '公开信息.pdf'],
      ['redacted', '区分处理.docx'],
    ]);
    // Materials are not the reply's: still accepted.
    await upload(
      `/api/applications/${CASE}/files?purpose=correction-material`,
      'clerk',
      Buffer.from('补正说明：所需信息为2025年度计划。'),
      '补正.txt',
    ).expect(201);
  });
});

describe('evidence bundle', () => {
  it('holds every attachment of the case and of its disputes, each with its hash in the manifest', async () => {
    const bundle = (await buildEvidenceBundle(database.db, 'demo', CASE, { source: 'archive', json: '{"events":[]}' }, 'sm3', files))!;
    const attached = await database.db
      .selectFrom('case_files')
      .select(['id', 'sha256', 'case_kind', 'purpose'])
      .where((eb) => eb.or([eb('case_no', '=', CASE), eb('case_no', '=', DISPUTE)]))
      .orderBy('id')
      .execute();
    expect(attached.length).toBe(5);
    const entries = bundle.manifest.filter((m) => m.path.startsWith('files/'));
    expect(entries.map((m) => m.recordedSha256).sort()).toEqual(attached.map((a) => a.sha256).sort());
    expect(entries.find((m) => m.path.startsWith(`files/${DISPUTE}/dispute-evidence/`))).toBeDefined();
    const zip = unzipSync(zipBundle(bundle));
    for (const entry of entries) {
      const bytes = zip[`${CASE}/${entry.path}`]!;
      expect(sha256(bytes)).toBe(entry.recordedSha256); // the sealed material comes out as its plaintext
      expect(createHash('sm3').update(bytes).digest('hex')).toBe(entry.sm3);
    }
    const timeline = Buffer.from(zip[`${CASE}/timeline.html`]!).toString('utf8');
    expect(timeline).toContain('四、附件');
    for (const a of attached) expect(timeline).toContain(a.sha256);
  });
});
