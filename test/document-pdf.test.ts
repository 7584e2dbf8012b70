/**
 * Notices as PDF through the product, on real PostgreSQL: recordApplicationEvent stores each
 * notice's PDF and its SHA-256; GET …/documents/:docNo?format=pdf serves it (HTML stays the
 * default; a bad format is a 400 naming the field); a document from before PDFs gets its PDF
 * rendered on demand; the admin's seal (PUT /api/admin/agency/seal, a PNG checked by content
 * and size) is on the notices issued after it; the evidence bundle holds the PDFs and their
 * hashes in its manifest.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import { unzipSync } from 'fflate';
import request from 'supertest';
import { createApplicationActivities } from '../activities/application';
import { renderNotice } from '../activities/notices';
import { createApp } from '../api/app';
import { buildEvidenceBundle, zipBundle } from '../api/evidence';
import { CalendarStore } from '../db/repositories/calendar';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import type { ApplicationState } from '../domain/application/types';
import { createTestDatabase, type TestDatabase } from './support/database';

const AGENCY = {
  code: 'demo',
  name: '示例市应急管理局',
  shortName: '示例应急',
  defaultRuleProfileId: 'national-2019',
  officeDepartmentCode: 'gkb',
};
const ACTOR = { userId: '1', username: 'clerk', displayName: '受理员', role: 'clerk' as const, departmentCode: 'office' };
const SEAL = fs.readFileSync(path.join(__dirname, 'fixtures', 'seal.png'));
const CASE = '2026-000301';

const state = {
  caseNo: CASE,
  queryCode: 'QPDF000301',
  ruleProfile: { id: 'national-2019', version: '2019.1' },
  stage: 'registered',
  closed: false,
  outcome: null,
  intake: {
    channel: 'in-person',
    description: '本市2025年度安全生产执法检查计划',
    form: 'paper',
    delivery: 'post',
    feeWaiverRequested: false,
    receivedOn: '2026-03-02',
    applicant: {
      type: 'natural-person',
      name: '李四',
      idType: 'resident-id',
      idNumber: '11010519491231002X',
      phone: '13800000000',
      address: '某市某路1号',
    },
  },
  receivedOn: '2026-03-02',
  departmentCode: null,
  assignee: null,
  correction: null,
  proposal: null,
  secrecy: { firstLevel: null, secondLevel: null, escalation: null },
  decision: null,
  consultations: [],
  suspension: null,
  fee: null,
  extension: null,
  delivery: null,
  clocks: [],
  possibleDuplicates: [],
  seq: 1,
} as unknown as ApplicationState;

let database: TestDatabase;
let app: Express;
let record: ReturnType<typeof createApplicationActivities>['recordApplicationEvent'];
const tokens: Record<string, string> = {};
const temporal = new Client(); // lazy: nothing here reaches Temporal

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
    tokens[username] = await issueToken(database.db, user.id, 'document-pdf-test');
  app = createApp({
    db: database.db,
    temporal,
    namespace: 'unused',
    agency: AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
  });
  record = createApplicationActivities({
    db: database.db,
    calendar: new CalendarStore(database.db),
    agency: AGENCY,
  }).recordApplicationEvent;
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

function poppler(tool: 'pdftotext' | 'pdfimages', pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'document-pdf-'));
  try {
    fs.writeFileSync(path.join(dir, 'n.pdf'), pdf);
    return execFileSync(
      tool,
      tool === 'pdftotext' ? ['-enc', 'UTF-8', path.join(dir, 'n.pdf'), '-'] : ['-list', path.join(dir, 'n.pdf')],
    ).toString('utf8');
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}
const imagesIn = (pdf: Buffer) => poppler('pdfimages', pdf).trim().split('\n').slice(2).length;

async function issueCorrection(seq: number): Promise<string> {
  const { docNo } = await record({
    workflowId: `application-${CASE}`,
    agencyCode: 'demo',
    event: { seq, type: 'correction-requested', actor: ACTOR, at: `2026-03-0${2 + seq}T02:00:00Z`, payload: {} },
    state: { ...state, seq },
    notice: { kind: 'correction', items: ['请说明所需信息的具体名称或者文号'], periodWorkingDays: 15, correctBy: null },
  });
  return docNo!;
}

describe('notices as PDF', () => {
  let unsealed: string;
  let sealed: string;

  it('stores each notice’s PDF and SHA-256 when it is issued; the seal an admin uploads is on the notices after it', async () => {
    unsealed = await issueCorrection(1);

    // The seal: checked by content and size, not by name or Content-Type.
    const notPng = await request(app)
      .put('/api/admin/agency/seal')
      .set(as('admin'))
      .set('Content-Type', 'image/png')
      .send(Buffer.from('GIF89a not a png at all, really not'))
      .expect(400);
    expect(notPng.body.error.details).toEqual([{ field: 'body', message: 'must be a PNG image' }]);
    const tooLarge = Buffer.concat([SEAL, Buffer.alloc(600 * 1024)]);
    await request(app).put('/api/admin/agency/seal').set(as('admin')).set('Content-Type', 'image/png').send(tooLarge).expect(413);
    await request(app).put('/api/admin/agency/seal').set(as('clerk')).set('Content-Type', 'image/png').send(SEAL).expect(403);
    const stored = await request(app)
      .put('/api/admin/agency/seal')
      .set(as('admin'))
      .set('Content-Type', 'image/png')
      .send(SEAL)
      .expect(200);
    expect(stored.body).toEqual({ sha256: sha256(SEAL), bytes: SEAL.length });

    sealed = await issueCorrection(2);
    const rows = await database.db
      .selectFrom('case_documents')
      .select(['doc_no', 'pdf', 'pdf_sha256'])
      .where('case_no', '=', CASE)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.doc_no)).toEqual([unsealed, sealed]);
    for (const row of rows) expect(row.pdf_sha256).toBe(sha256(row.pdf!));
    expect(imagesIn(rows[0]!.pdf!)).toBe(0);
    expect(imagesIn(rows[1]!.pdf!)).toBe(1);
  });

  it('GET …/documents/:docNo?format=pdf serves the stored PDF; HTML stays the default; a bad format is a 400 naming it', async () => {
    const url = `/api/applications/${CASE}/documents/${encodeURIComponent(sealed)}`;
    const pdf = await binary(request(app).get(`${url}?format=pdf`).set(as('clerk'))).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const stored = await database.db
      .selectFrom('case_documents')
      .select(['pdf_sha256'])
      .where('doc_no', '=', sealed)
      .executeTakeFirstOrThrow();
    expect(sha256(pdf.body as Buffer)).toBe(stored.pdf_sha256);
    expect(pdf.headers['x-content-sha256']).toBe(stored.pdf_sha256);
    const view = await request(app).get(`/api/applications/${CASE}`).set(as('clerk')).expect(200);
    expect(view.body.documents.find((d: { docNo: string }) => d.docNo === sealed)).toMatchObject({ pdfSha256: stored.pdf_sha256 });
    const text = poppler('pdftotext', pdf.body as Buffer).replace(/\s+/g, '');
    expect(text).toContain(sealed);
    expect(text).toContain('补正申请告知书');
    expect(text).toContain('请说明所需信息的具体名称或者文号');
    expect(text).toContain('示例市应急管理局');

    const html = await request(app).get(url).set(as('clerk')).expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain(sealed);

    const bad = await request(app).get(`${url}?format=docx`).set(as('clerk')).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['format']);
  });

  it('renders on demand, the same bytes each time, the PDF of a document stored before PDFs', async () => {
    const { html, model } = renderNotice({
      docNo: '示例应急依申请〔2026〕补正第99号',
      issuedOn: '2026-03-01',
      agencyName: AGENCY.name,
      caseNo: CASE,
      queryCode: 'QPDF000301',
      intake: state.intake,
      receivedOn: '2026-03-02',
      details: { kind: 'correction', items: ['请提供身份证明'], periodWorkingDays: 15, correctBy: '2026-03-20' },
    });
    await database.db
      .insertInto('case_documents')
      .values({
        case_no: CASE,
        event_seq: 0,
        kind: 'correction',
        doc_no: model.docNo,
        title: model.title,
        issued_on: '2026-03-01',
        html,
        sha256: sha256(Buffer.from(html)),
      })
      .execute();
    const url = `/api/applications/${CASE}/documents/${encodeURIComponent(model.docNo)}?format=pdf`;
    const first = await binary(request(app).get(url).set(as('clerk'))).expect(200);
    const second = await binary(request(app).get(url).set(as('clerk'))).expect(200);
    expect(sha256(first.body as Buffer)).toBe(sha256(second.body as Buffer));
    const text = poppler('pdftotext', first.body as Buffer).replace(/\s+/g, '');
    expect(text).toContain('示例应急依申请〔2026〕补正第99号');
    expect(text).toContain('请提供身份证明');
    expect(imagesIn(first.body as Buffer)).toBe(0);
  });

  it('the evidence bundle holds every notice’s PDF, with its digest and the SHA-256 recorded at issue in the manifest', async () => {
    const bundle = (await buildEvidenceBundle(database.db, 'demo', CASE, { source: 'archive', json: '{"events":[]}' }, 'sha256'))!;
    const rows = await database.db
      .selectFrom('case_documents')
      .select(['doc_no', 'pdf_sha256'])
      .where('case_no', '=', CASE)
      .orderBy('id')
      .execute();
    const pdfs = bundle.manifest.filter((m) => m.path.endsWith('.pdf'));
    expect(pdfs.map((m) => m.path)).toEqual(rows.map((r) => `notices/${r.doc_no}.pdf`));
    for (const row of rows.filter((r) => r.pdf_sha256)) {
      expect(pdfs.find((m) => m.path === `notices/${row.doc_no}.pdf`)).toMatchObject({
        sha256: row.pdf_sha256,
        recordedSha256: row.pdf_sha256,
      });
    }
    const zip = unzipSync(zipBundle(bundle));
    const inZip = zip[`${CASE}/notices/${sealed}.pdf`]!;
    expect(sha256(inZip)).toBe(rows.find((r) => r.doc_no === sealed)!.pdf_sha256);
    expect(JSON.parse(Buffer.from(zip[`${CASE}/manifest.json`]!).toString('utf8')).algorithm).toBe('sha256');
  });
});
