/**
 * Two agencies on one platform (示例市应急管理局 `demo`, 示例市司法局 `sfj`): neither sees, acts
 * on, lists or downloads the other's applications (another agency's case answers 404 exactly as
 * a case that does not exist), each numbers its cases from 000001, admin histories and evidence
 * bundles stay within the admin's agency (a workflow with no case: platform admins only), and a
 * citizen applies online to the agency they choose, whose case it then is.
 */
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../api/app';
import { reconcileClockProjection } from '../api/reconcile';
import { solveChallenge } from '../api/routes/public-guard';
import { Agency } from '../temporal-config/search-attributes';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { fileFixtures } from './support/file-fixtures';
import { TEST_NAMESPACE } from './support/temporal';

let stack: ApiStack;
let app: Express;
let portal: Express;
let as: ApiStack['as'];
const TASK_QUEUE = 'agency-isolation-applications-e2e';

beforeAll(async () => {
  stack = await startApiStack(TASK_QUEUE, { secondAgency: true });
  ({ app, as } = stack);
  // The same API with cheap proofs of work, for the citizen's requests.
  portal = createApp({
    db: stack.database.db,
    temporal: stack.env.client,
    namespace: TEST_NAMESPACE,
    taskQueue: TASK_QUEUE,
    agency: TEST_AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    portal: { applyChallengeBits: 4, lookupChallengeBits: 4, perIpPerMinute: 0 },
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const INTAKE = {
  channel: 'in-person',
  applicant: {
    type: 'commercial',
    name: '某某安全技术有限公司',
    contactPerson: '李四',
    idType: 'unified-credit-code',
    idNumber: '91110000MA01ABCD2Q',
    phone: '010-88886666',
    address: '北京市海淀区某路8号',
  },
  description: '2026年第三季度本市危险化学品企业执法检查结果',
  form: 'email',
  delivery: 'email',
};

const ONLINE = {
  applicant: {
    type: 'natural-person',
    name: '赵网申',
    idType: 'resident-id',
    idNumber: '110101199003071233',
    phone: '13812345678',
    email: 'zhao@example.org',
    address: '北京市东城区示例胡同3号',
  },
  description: '本市法律援助机构名录',
  form: 'email',
  delivery: 'email',
  feeWaiverRequested: false,
  consent: true,
};

async function applyOnline(body: object) {
  const challenge = await request(portal).get('/api/public/challenge').query({ purpose: 'apply' });
  return request(portal)
    .post('/api/public/applications')
    .set('X-Proof-Of-Work', solveChallenge(challenge.body.token, challenge.body.bits))
    .send(body);
}

const register = async (clerk: string) => {
  const res = await request(app).post('/api/applications').set(as(clerk)).send(INTAKE);
  expect(res.status).toBe(201);
  return res.body as { caseNo: string; workflowId: string; documents: Array<{ docNo: string }>; possibleDuplicates: string[] };
};

let demoCase: Awaited<ReturnType<typeof register>>;
let sfjCase: Awaited<ReturnType<typeof register>>;

it('numbers each agency’s cases in its own series: the first of each ends -000001 under its own code', async () => {
  demoCase = await register('clerk');
  sfjCase = await register('sfj.clerk');
  const year = demoCase.caseNo.slice(5, 9);
  expect(demoCase.caseNo).toBe(`demo-${year}-000001`);
  expect(sfjCase.caseNo).toBe(`sfj-${year}-000001`);
  // The same applicant asked demo the same thing: not a duplicate that sfj may see.
  expect(sfjCase.possibleDuplicates).toEqual([]);
  const rows = await stack.database.db.selectFrom('applications').select(['case_no', 'agency_code']).orderBy('case_no').execute();
  expect(rows).toEqual([
    { case_no: demoCase.caseNo, agency_code: 'demo' },
    { case_no: sfjCase.caseNo, agency_code: 'sfj' },
  ]);
  // Each case's receipt carries its own agency's name.
  const receipt = await request(app)
    .get(`/api/applications/${sfjCase.caseNo}/documents/${sfjCase.documents[0]!.docNo}`)
    .set(as('sfj.clerk'));
  expect(receipt.status).toBe(200);
  expect(receipt.text).toContain('示例市司法局');
});

it('reconciles one agency’s clocks only when asked for that agency', async () => {
  const sfj = await reconcileClockProjection(stack.database.db, stack.env.client, { repair: false, agencyCode: 'sfj' });
  expect(sfj).toMatchObject({ checked: 1, unreachable: [] });
  const all = await reconcileClockProjection(stack.database.db, stack.env.client, { repair: false });
  expect(all).toMatchObject({ checked: 2, unreachable: [] });
});

describe.each([
  ['sfj', () => demoCase, () => sfjCase],
  ['demo', () => sfjCase, () => demoCase],
] as const)('%s staff and the other agency’s case', (prefix, theirs, own) => {
  const who = (role: string) => (prefix === 'demo' ? role : `${prefix}.${role}`);

  it('is not found: the view, its notices, its steps (as a case that does not exist)', async () => {
    const other = theirs();
    for (const role of ['clerk', 'reviewer', 'leader', 'supervisor', 'admin', 'department']) {
      const view = await request(app)
        .get(`/api/applications/${other.caseNo}`)
        .set(as(who(role)));
      expect([role, view.status]).toEqual([role, 404]);
    }
    const missing = await request(app)
      .get(`/api/applications/${other.caseNo.replace(/\d{6}$/, '999999')}`)
      .set(as(who('clerk')));
    const hidden = await request(app)
      .get(`/api/applications/${other.caseNo}`)
      .set(as(who('clerk')));
    expect(hidden.body.error.code).toBe(missing.body.error.code);
    const docNo = other.documents[0]!.docNo;
    expect(
      (
        await request(app)
          .get(`/api/applications/${other.caseNo}/documents/${docNo}`)
          .set(as(who('clerk')))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .get(`/api/applications/${other.caseNo}/documents/${docNo}`)
          .query({ format: 'pdf' })
          .set(as(who('admin')))
      ).status,
    ).toBe(404);
    const accept = await stack.post(other.caseNo, 'accept', who('clerk'), {});
    expect(accept.status).toBe(404);
    // Nothing happened to the case.
    const row = await stack.database.db
      .selectFrom('applications')
      .select('stage')
      .where('case_no', '=', other.caseNo)
      .executeTakeFirstOrThrow();
    expect(row.stage).toBe('registered');
  });

  it('is not in any list', async () => {
    for (const role of ['clerk', 'supervisor', 'admin', 'department']) {
      const list = await request(app)
        .get('/api/applications')
        .set(as(who(role)));
      expect(list.status).toBe(200);
      const numbers = list.body.items.map((i: { caseNo: string }) => i.caseNo);
      expect(numbers).not.toContain(theirs().caseNo);
      expect(numbers.every((n: string) => n.startsWith(`${prefix}-`))).toBe(true);
      expect(list.body.total).toBe(numbers.length);
    }
    const own_ = await request(app)
      .get('/api/applications')
      .set(as(who('clerk')));
    expect(own_.body.items.map((i: { caseNo: string }) => i.caseNo)).toContain(own().caseNo);
  });

  it('has no files to list, download or add', async () => {
    const other = theirs();
    const uploaded = await request(app)
      .post(`/api/applications/${other.caseNo}/files?purpose=application-material`)
      .set(as(prefix === 'demo' ? 'sfj.clerk' : 'clerk'))
      .set('Content-Type', 'application/pdf')
      .set('X-File-Name', encodeURIComponent('身份证.pdf'))
      .send(fileFixtures(`isolation-${prefix}`).pdf);
    expect(uploaded.status).toBe(201); // by its own agency's clerk
    const fileId: string = uploaded.body.id;
    expect(
      (
        await request(app)
          .get(`/api/applications/${other.caseNo}/files`)
          .set(as(who('clerk')))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .get(`/api/applications/${other.caseNo}/files/${fileId}`)
          .set(as(who('clerk')))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .get(`/api/applications/${other.caseNo}/files/${fileId}`)
          .set(as(who('admin')))
      ).status,
    ).toBe(404);
    const added = await request(app)
      .post(`/api/applications/${other.caseNo}/files?purpose=application-material`)
      .set(as(who('clerk')))
      .set('Content-Type', 'application/pdf')
      .set('X-File-Name', encodeURIComponent('x.pdf'))
      .send(fileFixtures(`intruder-${prefix}`).pdf);
    expect(added.status).toBe(404);
    const files = await stack.database.db.selectFrom('case_files').select('uploaded_by').where('case_no', '=', other.caseNo).execute();
    expect(files.map((f) => f.uploaded_by)).toEqual([prefix === 'demo' ? 'sfj.clerk' : 'clerk']);
  });

  it('has no evidence bundle, history, replay or archive for the other agency’s admin', async () => {
    const other = theirs();
    for (const format of ['html', 'json', 'zip']) {
      const evidence = await request(app)
        .get(`/api/admin/applications/${other.caseNo}/evidence`)
        .query({ format })
        .set(as(who('admin')));
      expect([format, evidence.status]).toEqual([format, 404]);
    }
    expect(
      (
        await request(app)
          .get(`/api/admin/workflows/${other.workflowId}/history`)
          .set(as(who('admin')))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .post(`/api/admin/workflows/${other.workflowId}/replay`)
          .set(as(who('admin')))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .post(`/api/admin/workflows/${other.workflowId}/archive`)
          .set(as(who('admin')))
      ).status,
    ).toBe(404);
    // The own agency's admin has them.
    expect(
      (
        await request(app)
          .get(`/api/admin/workflows/${own().workflowId}/history`)
          .set(as(who('admin')))
      ).status,
    ).toBe(200);
    const json = await request(app)
      .get(`/api/admin/applications/${own().caseNo}/evidence`)
      .query({ format: 'json' })
      .set(as(who('admin')));
    expect(json.status).toBe(200);
  });
});

it('leaves a workflow with no case (an archiver) to platform admins', async () => {
  const requested = await request(app).post(`/api/admin/workflows/${demoCase.workflowId}/archive`).set(as('admin'));
  expect(requested.status).toBe(202);
  const archiver: string = requested.body.archiverWorkflowId;
  expect((await request(app).get(`/api/admin/workflows/${archiver}/history`).set(as('admin'))).status).toBe(404);
  expect((await request(app).get(`/api/admin/workflows/${archiver}/history`).set(as('sfj.admin'))).status).toBe(404);
  const platform = await request(app).get(`/api/admin/workflows/${archiver}/history`).set(as('platform.admin'));
  expect(platform.status).toBe(200);
  expect(platform.body.source).toBe('temporal');
});

describe('the citizen portal', () => {
  it('lists the agencies one may apply to, and refuses an unknown one naming agencyCode', async () => {
    const agencies = await request(portal).get('/api/public/agencies');
    expect(agencies.status).toBe(200);
    expect(agencies.body).toEqual({
      default: 'demo',
      items: [
        { code: 'demo', name: '示例市应急管理局' },
        { code: 'sfj', name: '示例市司法局' },
      ],
    });
    for (const agencyCode of ['nowhere', 'Not A Code']) {
      const refused = await applyOnline({ ...ONLINE, agencyCode });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual(['agencyCode']);
    }
    const doc = (await request(portal).get('/api/openapi.json')).body;
    expect(doc.paths['/api/public/agencies'].get).toBeDefined();
    expect(doc.components.schemas.PublicApplication.properties.agencyCode).toBeDefined();
  });

  it('registers an online application to the chosen agency: its number, its case, its search attribute, its name on the status page', async () => {
    const applied = await applyOnline({ ...ONLINE, agencyCode: 'sfj' });
    expect(applied.status).toBe(201);
    const caseNo: string = applied.body.caseNo;
    expect(caseNo).toMatch(/^sfj-\d{4}-000002$/);
    expect(applied.body.progress.agency).toEqual({ code: 'sfj', name: '示例市司法局' });
    expect(applied.body.progress.transferredTo).toBeNull();
    const row = await stack.database.db
      .selectFrom('applications')
      .select(['agency_code', 'stage'])
      .where('case_no', '=', caseNo)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ agency_code: 'sfj', stage: 'awaiting-receipt-confirmation' });
    const described = await stack.env.client.workflow.getHandle(`application-${caseNo}`).describe();
    expect(described.typedSearchAttributes.get(Agency)).toBe('sfj');
    // sfj's clerk has it; demo's does not.
    expect((await request(app).get(`/api/applications/${caseNo}`).set(as('sfj.clerk'))).status).toBe(200);
    expect((await request(app).get(`/api/applications/${caseNo}`).set(as('clerk'))).status).toBe(404);
    const progress = await request(portal).get('/api/public/progress').set('X-Applicant-Access', applied.body.access.token);
    expect(progress.body.agency.name).toBe('示例市司法局');

    // Without a choice, the deployment's own agency.
    const plain = await applyOnline(ONLINE);
    expect(plain.status).toBe(201);
    expect(plain.body.caseNo).toMatch(/^demo-\d{4}-000002$/);
    expect(plain.body.progress.agency).toEqual({ code: 'demo', name: '示例市应急管理局' });
  });

  it('says where a handed-over application went, and the console shows both ends of the hand-over', async () => {
    const from = await applyOnline(ONLINE);
    expect(from.status).toBe(201);
    // The hand-over itself is written elsewhere (the lead's work): here, only its record.
    await stack.database.db
      .updateTable('applications')
      .set({ transferred_to: sfjCase.caseNo })
      .where('case_no', '=', from.body.caseNo)
      .execute();
    await stack.database.db
      .updateTable('applications')
      .set({ transferred_from: from.body.caseNo })
      .where('case_no', '=', sfjCase.caseNo)
      .execute();
    const progress = await request(portal).get('/api/public/progress').set('X-Applicant-Access', from.body.access.token);
    expect(progress.status).toBe(200);
    expect(progress.body.agency.code).toBe('demo');
    expect(progress.body.transferredTo).toMatchObject({
      agencyCode: 'sfj',
      agencyName: '示例市司法局',
      caseNo: sfjCase.caseNo,
      stage: 'registered',
      closed: false,
    });
    expect(progress.body.transferredTo.replyDue).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const fromView = await request(app).get(`/api/applications/${from.body.caseNo}`).set(as('clerk'));
    expect(fromView.body).toMatchObject({ transferredFrom: null, transferredTo: sfjCase.caseNo });
    const toView = await request(app).get(`/api/applications/${sfjCase.caseNo}`).set(as('sfj.clerk'));
    expect(toView.body).toMatchObject({ transferredFrom: from.body.caseNo, transferredTo: null });
  });
});
