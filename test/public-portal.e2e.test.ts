/**
 * The citizen portal's public API against the real stack (Temporal dev server, PostgreSQL, a
 * worker): the proof-of-work challenge (missing, wrong, for another purpose, replayed), body
 * and file limits by size and by content type, the ID check on the application, the second
 * factor, a wrong 查询码 answering exactly like a right one with a wrong factor, the per-address
 * and per-code limits, and an online application that waits for the clerk's confirmation, is
 * corrected through the portal, answered, and its reply and disclosed file downloaded.
 */
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../api/app';
import { createHash } from 'node:crypto';
import { leadingZeroBits, type PortalSettings, solveChallenge } from '../api/routes/public-guard';
import { FileStore } from '../db/files/store';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { fileFixtures } from './support/file-fixtures';
import { TEST_NAMESPACE } from './support/temporal';

let stack: ApiStack;
let app: Express;
const TASK_QUEUE = 'public-portal-e2e';

const portalApp = (portal: Partial<PortalSettings>) =>
  createApp({
    db: stack.database.db,
    temporal: stack.env.client,
    namespace: TEST_NAMESPACE,
    taskQueue: TASK_QUEUE,
    agency: TEST_AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    portal: { applyChallengeBits: 8, lookupChallengeBits: 4, perIpPerMinute: 0, ...portal },
  });

beforeAll(async () => {
  stack = await startApiStack(TASK_QUEUE);
  app = portalApp({ maxFileBytes: 64 * 1024 });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const ID_NUMBER = '110101199003071233';
const PHONE = '13812345678';
const APPLICATION = {
  applicant: {
    type: 'natural-person',
    name: '赵网申',
    idType: 'resident-id',
    idNumber: ID_NUMBER,
    phone: PHONE,
    email: 'zhao@example.org',
    address: '北京市东城区示例胡同3号',
  },
  description: '2026年本市防汛应急预案全文',
  purpose: '了解本小区防汛安排',
  form: 'email',
  delivery: 'email',
  feeWaiverRequested: false,
  consent: true,
};

async function solved(target: Express, purpose: 'apply' | 'lookup'): Promise<string> {
  const challenge = await request(target).get('/api/public/challenge').query({ purpose });
  expect(challenge.status).toBe(200);
  return solveChallenge(challenge.body.token, challenge.body.bits);
}

async function apply(target: Express = app, body: object = APPLICATION) {
  return request(target)
    .post('/api/public/applications')
    .set('X-Proof-Of-Work', await solved(target, 'apply'))
    .send(body);
}

async function lookup(target: Express, queryCode: string, factor: string) {
  return request(target)
    .post('/api/public/lookup')
    .set('X-Proof-Of-Work', await solved(target, 'lookup'))
    .send({ queryCode, factor });
}

describe('the challenge', () => {
  it('is required, must be solved, must be for the purpose, and opens one request only', async () => {
    const missing = await request(app).post('/api/public/applications').send(APPLICATION);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'challenge_required', details: [{ field: 'X-Proof-Of-Work' }] });

    const challenge = await request(app).get('/api/public/challenge').query({ purpose: 'apply' });
    expect(challenge.body.bits).toBe(8);
    // A counter that does not solve it (checked against the real hash, so this cannot pass by luck).
    const good = solveChallenge(challenge.body.token, 8);
    const goodCounter = Number(good.split(':').pop());
    let wrongCounter = 0;
    while (leadingZeroBits(createHash('sha256').update(`${challenge.body.token}:${wrongCounter}`).digest()) >= 8) wrongCounter++;
    const wrong = await request(app)
      .post('/api/public/applications')
      .set('X-Proof-Of-Work', `${challenge.body.token}:${wrongCounter}`)
      .send(APPLICATION);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('challenge_failed');

    const forged = await request(app)
      .post('/api/public/applications')
      .set('X-Proof-Of-Work', `${challenge.body.token.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'))}:${goodCounter}`)
      .send(APPLICATION);
    expect(forged.status).toBe(400);

    const lookupChallenge = await request(app).get('/api/public/challenge').query({ purpose: 'lookup' });
    const otherPurpose = await request(app)
      .post('/api/public/applications')
      .set('X-Proof-Of-Work', solveChallenge(lookupChallenge.body.token, 8))
      .send(APPLICATION);
    expect(otherPurpose.status).toBe(400);
    expect(otherPurpose.body.error.message).toContain('lookup');

    const first = await request(app).post('/api/public/applications').set('X-Proof-Of-Work', good).send(APPLICATION);
    expect(first.status).toBe(201);
    const replayed = await request(app).post('/api/public/applications').set('X-Proof-Of-Work', good).send(APPLICATION);
    expect(replayed.status).toBe(409);
    expect(replayed.body.error.code).toBe('challenge_used');
    // Refused requests started nothing: one case only.
    const cases = await stack.database.db
      .selectFrom('applications')
      .select('case_no')
      .where('applicant_id_number', '=', ID_NUMBER)
      .execute();
    expect(cases).toHaveLength(1);
  });
});

it('documents the public routes and the headers they read in the OpenAPI document', async () => {
  const doc = (await request(app).get('/api/openapi.json')).body;
  const headersOf = (path: string, method: string) =>
    (doc.paths[path][method].parameters ?? [])
      .filter((p: { in: string }) => p.in === 'header')
      .map((p: { name: string; required: boolean }) => [p.name, p.required]);
  expect(headersOf('/api/public/applications', 'post')).toEqual([['X-Proof-Of-Work', true]]);
  expect(headersOf('/api/public/lookup', 'post')).toEqual([['X-Proof-Of-Work', true]]);
  expect(headersOf('/api/public/documents/{docNo}', 'get')).toEqual([['X-Applicant-Access', true]]);
  expect(Object.keys(doc.paths['/api/public/lookup'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '429']));
  expect(doc.paths['/api/public/applications/{queryCode}']).toBeUndefined(); // the code alone opens nothing
});

describe('limits and what errors say', () => {
  it('refuses a bad ID number, an application without consent, oversize and unreadable bodies, without echoing what was sent', async () => {
    const badId = await apply(app, { ...APPLICATION, applicant: { ...APPLICATION.applicant, idNumber: '110101199003071234' } });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.map((d: { field: string }) => d.field)).toContain('applicant.idNumber');
    expect(JSON.stringify(badId.body)).not.toContain('110101199003071234');

    const noConsent = await request(app)
      .post('/api/public/applications')
      .send({ ...APPLICATION, consent: false });
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.error.details.map((d: { field: string }) => d.field)).toContain('consent');

    const waiverWithoutReason = await request(app)
      .post('/api/public/applications')
      .send({ ...APPLICATION, feeWaiverRequested: true });
    expect(waiverWithoutReason.body.error.details.map((d: { field: string }) => d.field)).toContain('feeWaiverReason');

    const secret = '秘密地址-' + 'x'.repeat(70 * 1024);
    const tooLarge = await request(app)
      .post('/api/public/applications')
      .send({ ...APPLICATION, description: secret });
    expect(tooLarge.status).toBe(413);
    expect(JSON.stringify(tooLarge.body)).not.toContain('秘密地址');

    const broken = await request(app).post('/api/public/lookup').set('Content-Type', 'application/json').send('{"queryCode":"MYSECRETID"');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    expect(JSON.stringify(broken.body)).not.toContain('MYSECRETID');
  });

  it('takes attachments of allowed types by content and size only, while the case awaits confirmation', async () => {
    const submitted = await apply();
    expect(submitted.status).toBe(201);
    const access = submitted.body.access.token as string;
    const fixtures = fileFixtures('limits');
    const upload = (bytes: Buffer, kind = 'id-copy', name = 'scan.pdf', token = access) =>
      request(app)
        .post('/api/public/attachments')
        .query({ kind, name })
        .set('X-Applicant-Access', token)
        .set('Content-Type', 'application/octet-stream')
        .send(bytes);

    const pdf = await upload(fixtures.pdf);
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({ mediaType: 'application/pdf', purpose: 'application-material', filename: '身份证明-scan.pdf' });
    // An executable named like a photo is refused by its content.
    const exe = await upload(fixtures.exe, 'supporting', 'photo.jpg');
    expect(exe.status).toBe(415);
    expect((await upload(fixtures.zip, 'supporting', 'papers.pdf')).status).toBe(415);
    const big = await upload(Buffer.concat([fixtures.pdf, Buffer.alloc(65 * 1024)]), 'supporting', 'big.pdf');
    expect(big.status).toBe(413);
    expect((await upload(fixtures.jpeg, 'business-licence', 'licence.jpg', 'forged.token')).status).toBe(403);
    expect(
      (await request(app).post('/api/public/attachments').query({ kind: 'selfie' }).set('X-Applicant-Access', access).send(fixtures.jpeg))
        .status,
    ).toBe(400);

    const progress = await request(app).get('/api/public/progress').set('X-Applicant-Access', access);
    expect(progress.body.attachments.map((f: { filename: string }) => f.filename)).toEqual(['身份证明-scan.pdf']);
    const stored = await stack.database.db
      .selectFrom('case_files')
      .select(['purpose', 'uploaded_by'])
      .where('case_no', '=', submitted.body.caseNo)
      .execute();
    expect(stored).toEqual([{ purpose: 'application-material', uploaded_by: 'applicant' }]);

    // Once the office has confirmed receipt, no more application materials.
    expect((await stack.post(submitted.body.caseNo, 'confirm-receipt', 'clerk', { receivedOn: shanghaiDateOf(Date.now()) })).status).toBe(
      200,
    );
    expect((await upload(fixtures.jpeg, 'supporting', 'late.jpg')).status).toBe(409);
  });

  it('limits requests per address', async () => {
    const limited = portalApp({ perIpPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await request(limited).get('/api/public/challenge')).status).toBe(200);
    const over = await request(limited).get('/api/public/challenge');
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBeDefined();
    // The staff API is not counted against the public limit.
    expect(
      (await request(limited).get('/api/calendar/add-working-days').query({ from: '2026-09-28', days: 1 }).set(stack.as('clerk'))).status,
    ).toBe(200);
  });
});

describe('looking an application up', () => {
  let queryCode = '';
  let caseNo = '';

  beforeAll(async () => {
    const submitted = await apply(app, {
      ...APPLICATION,
      applicant: { ...APPLICATION.applicant, idNumber: '11010519491231002X', phone: '010-6655 4321' },
    });
    expect(submitted.status).toBe(201);
    ({ queryCode, caseNo } = submitted.body);
  });

  it('needs the second factor: the last four of the ID number or of the phone', async () => {
    const byId = await lookup(app, queryCode, '002x');
    expect(byId.status).toBe(200);
    expect(byId.body.progress).toMatchObject({ caseNo, stage: 'awaiting-receipt-confirmation', receivedOn: null, replyDue: null });
    expect(JSON.stringify(byId.body)).not.toMatch(/赵网申|11010519491231002X|6655|示例胡同/);
    expect((await lookup(app, queryCode.toLowerCase(), '4321')).status).toBe(200);
    expect((await request(app).post('/api/public/lookup').send({ queryCode, factor: '4321' })).status).toBe(400); // no challenge
  });

  it('answers a wrong 查询码 exactly as a right one with a wrong factor, in similar time', async () => {
    const wrongFactor = await lookup(app, queryCode, '9999');
    const wrongCode = await lookup(app, 'ZZZZZZZZZZ', '4321');
    expect(wrongFactor.status).toBe(404);
    expect(wrongCode.status).toBe(wrongFactor.status);
    expect(wrongCode.text).toBe(wrongFactor.text);
    const headersOf = (r: request.Response) =>
      Object.keys(r.headers)
        .filter((h) => !['date', 'x-request-id', 'ratelimit', 'ratelimit-policy', 'etag'].includes(h))
        .sort();
    expect(headersOf(wrongCode)).toEqual(headersOf(wrongFactor));

    // Timing: the median of several of each (the challenge is solved beforehand, outside the clock).
    const timed = async (code: string, factor: string) => {
      const pow = await solved(app, 'lookup');
      const started = process.hrtime.bigint();
      const answer = await request(app).post('/api/public/lookup').set('X-Proof-Of-Work', pow).send({ queryCode: code, factor });
      expect(answer.status).toBe(404);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const right: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 7; i++) {
      right.push(await timed(queryCode, String(1000 + i)));
      wrong.push(await timed(`ZZZZZZZZZ${i}`, String(1000 + i)));
    }
    expect(Math.abs(median(right) - median(wrong))).toBeLessThan(Math.max(15, 0.5 * Math.max(median(right), median(wrong))));
  });

  it('limits failed lookups per 查询码, whether or not the code exists', async () => {
    const strict = portalApp({ lookupFailuresPerCodePerHour: 2 });
    for (const code of [queryCode, 'YYYYYYYYYY']) {
      expect((await lookup(strict, code, '0000')).status).toBe(404);
      expect((await lookup(strict, code, '0001')).status).toBe(404);
      expect((await lookup(strict, code, '0002')).status).toBe(429);
      expect((await lookup(strict, ` ${code.toLowerCase()} `, '0003')).status).toBe(429); // the same code spelt otherwise
    }
  });
});

describe('an online application from submission to the reply', () => {
  it('waits for the confirmation of receipt, takes a correction through the portal, and hands over the reply and the disclosed file', async () => {
    const submitted = await apply();
    expect(submitted.status).toBe(201);
    const { caseNo, queryCode, receipt } = submitted.body;
    const access = { 'X-Applicant-Access': submitted.body.access.token as string };
    expect(submitted.body.progress).toMatchObject({ stage: 'awaiting-receipt-confirmation', replyDue: null });

    // The 登记回执 as PDF; another case's documents and staff-only notices stay out of reach.
    const pdf = await request(app)
      .get(`/api/public/documents/${encodeURIComponent(receipt.docNo)}`)
      .set(access)
      .buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await request(app).get(`/api/public/documents/${encodeURIComponent(receipt.docNo)}`)).status).toBe(403);
    const staffView = await request(app).get(`/api/applications/${caseNo}`).set(stack.as('clerk'));
    expect(staffView.body).toMatchObject({ stage: 'awaiting-receipt-confirmation', receivedOn: null });
    expect(staffView.body.events[0]).toMatchObject({ type: 'submitted', actor: 'portal' });
    expect(staffView.body.case.intake.channel).toBe('online');

    const today = shanghaiDateOf(Date.now());
    expect((await stack.post(caseNo, 'confirm-receipt', 'clerk', { receivedOn: today })).status).toBe(200);
    expect(
      (await stack.post(caseNo, 'request-correction', 'clerk', { items: ['请写明所需预案的年份和发文机关'], periodWorkingDays: 10 }))
        .status,
    ).toBe(200);

    const found = await lookup(app, queryCode, PHONE.slice(-4));
    expect(found.status).toBe(200);
    const asApplicant = { 'X-Applicant-Access': found.body.access.token as string };
    expect(found.body.progress.stage).toBe('correction-requested');
    expect(found.body.progress.correction).toMatchObject({ items: ['请写明所需预案的年份和发文机关'], canSubmit: true });
    expect(found.body.progress.notices.map((n: { kind: string }) => n.kind)).toEqual(['receipt', 'receipt', 'correction']);
    expect(found.body.progress.replyClock.derivation.map((s: { text: string }) => s.text)).toEqual([
      `${today} 收到申请，答复期限为20个工作日（收到当日不计入）`,
      `${today} 告知补正，期限暂停计算`,
    ]);

    const material = await request(app)
      .post('/api/public/attachments')
      .query({ kind: 'supporting', name: '补正说明.pdf' })
      .set(asApplicant)
      .set('Content-Type', 'application/octet-stream')
      .send(fileFixtures('correction').pdf);
    expect(material.body.purpose).toBe('correction-material');
    const corrected = await request(app)
      .post('/api/public/correction')
      .set(asApplicant)
      .send({ statement: '2026年《示例市防汛应急预案》，示例市应急管理局发布' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.stage).toBe('registered');
    expect(corrected.body.replyClock.derivation.at(-1).text).toBe(`${today} 收到补正后的申请，答复期限重新起算`);
    expect(corrected.body.replyDue).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await request(app).post('/api/public/correction').set(asApplicant).send({ statement: '再来一次' })).status).toBe(409);
    const events = await request(app).get(`/api/applications/${caseNo}`).set(stack.as('clerk'));
    expect(events.body.events.at(-1)).toMatchObject({ type: 'correction-received', actor: 'portal' });
    const correctionFiles = await stack.database.db
      .selectFrom('case_files')
      .select('filename')
      .where('case_no', '=', caseNo)
      .where('purpose', '=', 'correction-material')
      .orderBy('id')
      .execute();
    expect(correctionFiles.map((f) => f.filename)).toEqual(['其他材料-补正说明.pdf', `补正后的申请-${today}.txt`]);
    // The event records what was received, each file by its SHA-256.
    const recorded = events.body.events.at(-1).payload.materials as Array<{ sha256: string; filename: string }>;
    expect(recorded.map((f) => f.filename)).toEqual(['其他材料-补正说明.pdf', `补正后的申请-${today}.txt`]);
    for (const f of recorded) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);

    // Answered through the staff API; the disclosed file is attached before delivery.
    for (const [action, user, body] of [
      ['accept', 'clerk', {}],
      ['assign', 'clerk', { departmentCode: 'yjglk', assignee: 'department' }],
      ['propose', 'department', { outcome: 'disclosed', summary: '预案全文', reasons: '可以公开' }],
      ['review-secrecy', 'reviewer', { level: 1, conclusion: 'pass', notes: '不涉密' }],
      ['review-secrecy', 'leader', { level: 2, conclusion: 'pass', notes: '同意' }],
      [
        'decide',
        'clerk',
        { outcome: 'disclosed', reasons: '予以公开', legalBasis: '《中华人民共和国政府信息公开条例》第三十六条第（二）项' },
      ],
      ['sign-off', 'leader', {}],
    ] as const) {
      const step = await stack.post(caseNo, action, user, body);
      expect([action, step.status]).toEqual([action, 200]);
    }
    const disclosed = await new FileStore({ codec: null }).putAndAttach(stack.database.db, {
      caseKind: 'application',
      caseNo,
      purpose: 'disclosed',
      filename: '示例市防汛应急预案.pdf',
      uploadedBy: 'clerk',
      bytes: fileFixtures('disclosed').pdf,
    });
    const beforeDelivery = await request(app).get('/api/public/progress').set(asApplicant);
    expect(beforeDelivery.body.reply).toBeNull();
    expect(beforeDelivery.body.deliveredFiles).toEqual([]);
    expect(beforeDelivery.body.notices.map((n: { kind: string }) => n.kind)).not.toContain('reply');
    expect((await request(app).get(`/api/public/files/${disclosed.id}`).set(asApplicant)).status).toBe(404);

    expect((await stack.post(caseNo, 'deliver', 'clerk', { method: 'email', deliveredOn: today })).status).toBe(200);
    const delivered = await request(app).get('/api/public/progress').set(asApplicant);
    expect(delivered.body).toMatchObject({ stage: 'delivered', stageLabel: '已答复' });
    expect(delivered.body.reply.kind).toBe('reply');
    const replyPdf = await request(app)
      .get(`/api/public/documents/${encodeURIComponent(delivered.body.reply.docNo)}`)
      .set(asApplicant)
      .buffer(true);
    expect(replyPdf.status).toBe(200);
    expect(replyPdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(delivered.body.deliveredFiles).toEqual([expect.objectContaining({ id: disclosed.id, filename: '示例市防汛应急预案.pdf' })]);
    const file = await request(app).get(`/api/public/files/${disclosed.id}`).set(asApplicant).buffer(true);
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body, fileFixtures('disclosed').pdf)).toBe(0);
    // The applicant's own materials are not handed back as "delivered".
    const ownMaterial = await stack.database.db
      .selectFrom('case_files')
      .select('id')
      .where('case_no', '=', caseNo)
      .where('purpose', '=', 'correction-material')
      .executeTakeFirstOrThrow();
    expect((await request(app).get(`/api/public/files/${ownMaterial.id}`).set(asApplicant)).status).toBe(404);
  });
});
