/**
 * One platform, two agencies (示例市应急管理局 `demo`, 示例市司法局 `sfj`): disputes, documents
 * (with their registers, self-checks and the public catalogue), 舆情 incidents and citizen
 * messages of one agency are invisible to the other's users — 404 exactly as a record that does
 * not exist, lists without them, steps refused as on a missing record — and each agency numbers
 * its own (a 索引号 too: two agencies of one region may list the same one). A dispute names only
 * its agency's application and departments; a document forwards only its agency's document and
 * is issued only by its agency's department; incidents and messages go to the agency's own
 * departments and users.
 */
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { awaitSelfCheckOpenedUpdate } from '../workflows/document-messages';
import { documentSelfCheck } from '../workflows/document-registers';
import { type ApiStack, startApiStack } from './support/api-stack';

const TASK_QUEUE = 'agency-isolation-cases';
let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack(TASK_QUEUE, { secondAgency: true });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const year = shanghaiDateOf(Date.now()).slice(0, 4);
const get = (path: string, user: string) => request(stack.app).get(path).set(stack.as(user));
const post = (path: string, user: string, payload: object = {}) => request(stack.app).post(path).set(stack.as(user)).send(payload);
const fieldsOf = (res: request.Response) => (res.body.error.details as Array<{ field: string }>).map((d) => d.field);

async function application(clerk: string): Promise<string> {
  const res = await post('/api/applications', clerk, {
    channel: 'in-person',
    applicant: {
      type: 'natural-person',
      name: '钱九',
      idType: 'resident-id',
      idNumber: '110101198001011232',
      phone: '13900000000',
      address: '某市某区某路3号',
    },
    description: '某化工企业2025年安全生产许可证审查材料',
    form: 'paper',
    delivery: 'post',
  }).expect(201);
  return res.body.caseNo as string;
}

const documentBody = (overrides: Record<string, unknown> = {}) => ({
  title: '关于印发示例市防汛应急预案的通知',
  docNumber: '示发〔2026〕31号',
  kind: '通知',
  normative: false,
  proposedAttribute: 'on-request',
  attributeReasons: '涉及特定企业',
  category: '02',
  description: '印发本市防汛应急预案',
  keywords: ['防汛', '应急预案'],
  ...overrides,
});

/** A document of the agency whose users carry `prefix`, signed as 依申请公开 (so listed in the catalogue at once). */
async function signedDocument(prefix: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await post('/api/documents', `${prefix}department`, documentBody(overrides)).expect(201);
  const docId = created.body.docId as string;
  await post(`/api/documents/${docId}/verify`, `${prefix}clerk`).expect(200);
  await post(`/api/documents/${docId}/review-secrecy`, `${prefix}reviewer`, {
    level: 1,
    conclusion: 'pass',
    basis: '定密目录',
    notes: '不涉密',
  }).expect(200);
  await post(`/api/documents/${docId}/review-secrecy`, `${prefix}leader`, {
    level: 2,
    conclusion: 'pass',
    basis: '一级审查',
    notes: '同意',
  }).expect(200);
  await post(`/api/documents/${docId}/sign-off`, `${prefix}leader`, { finalAttribute: 'on-request', reasons: '涉及特定企业' }).expect(200);
  return docId;
}

it('disputes: each agency numbers and sees its own; a dispute names only its agency’s application and department', async () => {
  const today = shanghaiDateOf(Date.now());
  const [demoCase, sfjCase] = [await application('clerk'), await application('sfj.clerk')];
  expect(demoCase).toMatch(new RegExp(`^demo-${year}-\\d{6}$`));
  expect(sfjCase).toMatch(new RegExp(`^sfj-${year}-\\d{6}$`));
  const filing = { kind: 'reconsideration', receivedOn: today, body: '示例市人民政府', claims: '确认被申请人未依法答复违法' };

  const demo = await post('/api/disputes', 'clerk', { ...filing, caseNo: demoCase, departmentCode: 'xxzx' }).expect(201);
  expect(demo.body.disputeNo).toBe(`demo-${year}-D0001`);

  // Another agency's application is no such application; another agency's department no such department.
  const foreignCase = await post('/api/disputes', 'sfj.clerk', { ...filing, caseNo: demoCase }).expect(400);
  expect(foreignCase.body.error.details).toEqual([{ field: 'caseNo', message: 'no such application' }]);
  const foreignDepartment = await post('/api/disputes', 'sfj.clerk', { ...filing, caseNo: sfjCase, departmentCode: 'xxzx' }).expect(400);
  expect(fieldsOf(foreignDepartment)).toEqual(['departmentCode']);
  const sfj = await post('/api/disputes', 'sfj.clerk', { ...filing, caseNo: sfjCase, departmentCode: 'sfj-xxzx' }).expect(201);
  expect(sfj.body.disputeNo).toBe(`sfj-${year}-D0001`); // numbered per agency: sfj's first, though demo filed one before

  for (const [user, own, other] of [
    ['sfj.clerk', sfj.body.disputeNo, demo.body.disputeNo],
    ['sfj.supervisor', sfj.body.disputeNo, demo.body.disputeNo],
    ['clerk', demo.body.disputeNo, sfj.body.disputeNo],
    ['supervisor', demo.body.disputeNo, sfj.body.disputeNo],
  ] as const) {
    await get(`/api/disputes/${other}`, user).expect(404);
    await get(`/api/disputes/${own}`, user).expect(200);
    const list = (await get('/api/disputes', user).expect(200)).body;
    expect(list.items.map((d: { disputeNo: string }) => d.disputeNo)).toEqual([own]);
  }
  expect((await get(`/api/disputes?caseNo=${demoCase}`, 'sfj.clerk').expect(200)).body.items).toEqual([]);
  const step = await post(`/api/disputes/${demo.body.disputeNo}/forward`, 'sfj.clerk', { departmentCode: 'sfj-xxzx' });
  expect(step.status).toBe(404);
  // Forwarded to another agency's department, the dispute would reach that agency's inboxes.
  const forwarded = await post(`/api/disputes/${sfj.body.disputeNo}/forward`, 'sfj.clerk', { departmentCode: 'xxzx' }).expect(400);
  expect(forwarded.body.error.details).toEqual([{ field: 'departmentCode', message: 'no such department of this agency' }]);
  expect((await get(`/api/disputes/${demo.body.disputeNo}`, 'clerk').expect(200)).body.stage).toBe('received'); // untouched
});

it('documents: numbered per agency, seen and stepped only by their agency; forwarded and issued only within it; the catalogue says whose', async () => {
  const demoDoc = await signedDocument('', { docNumber: '示应急发〔2026〕1号' });
  const sfjDoc = await signedDocument('sfj.', { docNumber: '示司法发〔2026〕1号', title: '关于印发示例市法律援助办法的通知' });
  expect(demoDoc).toBe(`demo-${year}-000001`);
  expect(sfjDoc).toBe(`sfj-${year}-000001`);

  for (const [user, own, other] of [
    ['sfj.clerk', sfjDoc, demoDoc],
    ['sfj.leader', sfjDoc, demoDoc],
    ['clerk', demoDoc, sfjDoc],
    ['supervisor', demoDoc, sfjDoc],
  ] as const) {
    await get(`/api/documents/${other}`, user).expect(404);
    const mine = (await get(`/api/documents/${own}`, user).expect(200)).body;
    expect(mine.reviews.length).toBeGreaterThan(0);
    expect(mine.indexNo).toEqual(expect.any(String));
    const list = (await get('/api/documents', user).expect(200)).body;
    expect(list).toMatchObject({ total: 1, items: [expect.objectContaining({ docId: own })] });
  }
  // A step on another agency's document: 404 as for a missing one, and nothing happens to it.
  await post(`/api/documents/${demoDoc}/record-deposit`, 'sfj.clerk', { place: '档案馆', depositedOn: shanghaiDateOf(Date.now()) }).expect(
    404,
  );

  // Forwarding another agency's document, or issuing it for another agency's department: no such document / department.
  const forwarding = await post('/api/documents', 'sfj.department', documentBody({ forwardedDocId: demoDoc })).expect(400);
  expect(forwarding.body.error.details).toEqual([{ field: 'forwardedDocId', message: 'no such document' }]);
  const issuing = await post('/api/documents', 'sfj.clerk', documentBody({ issuingDepartment: 'yjglk' })).expect(400);
  expect(fieldsOf(issuing)).toEqual(['issuingDepartment']);
  await post('/api/documents', 'sfj.department', documentBody({ forwardedDocId: sfjDoc })).expect(201);

  // The public catalogue: every agency's entries, each naming its agency; or one agency's.
  const all = (await request(stack.app).get('/api/catalogue').expect(200)).body;
  expect(all.items.map((e: { agency: { code: string } }) => e.agency.code).sort()).toEqual(['demo', 'sfj']);
  // Same region, each agency's own 002 department, each its first: the same 索引号 in two agencies' catalogues.
  expect(all.items[0].indexNo).toBe(all.items[1].indexNo);
  const sfjOnly = (await request(stack.app).get('/api/catalogue?agency=sfj').expect(200)).body;
  expect(sfjOnly).toMatchObject({
    total: 1,
    items: [{ agency: { code: 'sfj', name: '示例市司法局', shortName: '示例司法' }, docNumber: '示司法发〔2026〕1号' }],
  });
  expect((await request(stack.app).get('/api/catalogue?agency=nowhere').expect(200)).body.total).toBe(0);
  expect(fieldsOf(await request(stack.app).get('/api/catalogue?agency=Not%20A%20Code').expect(400))).toEqual(['agency']);
});

it('registers and self-checks: each agency lists, reads and completes only its own', async () => {
  const start = (agencyCode: string) =>
    stack.env.client.workflow.start(documentSelfCheck, {
      workflowId: `document-self-check-isolation-${agencyCode}`,
      taskQueue: TASK_QUEUE,
      args: [{ agencyCode, profileId: 'lvliang-000' }],
    });
  const handles = [await start('demo'), await start('sfj')];
  for (const h of handles) await h.executeUpdate(awaitSelfCheckOpenedUpdate);
  const idOf = async (user: string) => {
    const items = (await get('/api/document-registers', user).expect(200)).body.items as Array<{ id: string; workflowId: string }>;
    expect(items).toHaveLength(1);
    return items[0]!;
  };
  const demo = await idOf('clerk');
  const sfj = await idOf('sfj.clerk');
  expect(demo.workflowId).toBe('document-self-check-isolation-demo');
  expect(sfj.workflowId).toBe('document-self-check-isolation-sfj');

  for (const [user, own, other] of [
    ['sfj.clerk', sfj.id, demo.id],
    ['clerk', demo.id, sfj.id],
  ] as const) {
    await get(`/api/document-registers/${other}`, user).expect(404);
    const detail = (await get(`/api/document-registers/${own}`, user).expect(200)).body;
    // The rule the self-check was opened under (lvliang-000), though both agencies' own profile is national-2019.
    expect(detail.basis).toMatchObject({ seed: '000', article: '第三條' });
    await post(`/api/document-registers/${other}/items/${user === 'clerk' ? 'sfj' : 'demo'}-${year}-000001/decide`, user, {
      decision: 'confirm',
      reasons: '维持',
    }).expect(404);
    await post(`/api/document-registers/${other}/submit`, user, { submittedTo: '市政务公开办公室' }).expect(404);
  }
  for (const h of handles) await h.terminate('test finished');
});

it('incidents and citizen messages: each agency numbers, sees and steps only its own', async () => {
  const seen = new Date(Date.now() - 5 * 60_000).toISOString();
  const intake = { grade: '重大', title: '网传某小区燃气爆炸', source: 'media', summary: '短视频平台流传', firstSeenAt: seen };
  const demoIncident = (await post('/api/incidents', 'clerk', intake).expect(201)).body.id as string;
  const sfjIncident = (await post('/api/incidents', 'sfj.clerk', intake).expect(201)).body.id as string;
  expect([demoIncident, sfjIncident]).toEqual([`demo-${year}-000001`, `sfj-${year}-000001`]);

  const complaint = {
    type: 'policy-question',
    channel: 'hotline',
    subject: '咨询办事流程',
    content: '请问如何办理',
    writer: { name: '钱七', phone: '13712345678' },
    ruleProfileId: 'bijie-004',
  };
  const demoMessage = (await post('/api/messages', 'clerk', complaint).expect(201)).body.id as string;
  const sfjMessage = (await post('/api/messages', 'sfj.clerk', complaint).expect(201)).body.id as string;
  expect([demoMessage, sfjMessage]).toEqual([`demo-${year}-000001`, `sfj-${year}-000001`]);

  for (const [user, ownIncident, otherIncident, ownMessage, otherMessage] of [
    ['sfj.clerk', sfjIncident, demoIncident, sfjMessage, demoMessage],
    ['sfj.supervisor', sfjIncident, demoIncident, sfjMessage, demoMessage],
    ['clerk', demoIncident, sfjIncident, demoMessage, sfjMessage],
    ['supervisor', demoIncident, sfjIncident, demoMessage, sfjMessage],
  ] as const) {
    await get(`/api/incidents/${otherIncident}`, user).expect(404);
    expect((await get(`/api/incidents/${ownIncident}`, user).expect(200)).body.accountability).toEqual([]);
    expect((await get('/api/incidents', user).expect(200)).body).toMatchObject({ total: 1, items: [{ id: ownIncident }] });
    await get(`/api/messages/${otherMessage}`, user).expect(404);
    await get(`/api/messages/${ownMessage}`, user).expect(200);
    expect((await get('/api/messages', user).expect(200)).body).toMatchObject({ total: 1, items: [{ id: ownMessage }] });
  }
  await post(`/api/incidents/${demoIncident}/report`, 'sfj.clerk', { to: 'leadership', recipient: '局长', summary: '情况' }).expect(404);
  // Assigned only to the agency's own department and users.
  const foreign = await post(`/api/incidents/${sfjIncident}/assign`, 'sfj.clerk', {
    departmentCode: 'yjglk',
    assignee: 'department',
  }).expect(400);
  expect(fieldsOf(foreign)).toEqual(['departmentCode', 'assignee']);
  await post(`/api/incidents/${sfjIncident}/assign`, 'sfj.clerk', { departmentCode: 'sfj-yjglk', assignee: 'sfj.department' }).expect(200);
  expect(fieldsOf(await post(`/api/messages/${sfjMessage}/assign`, 'sfj.clerk', { departmentCode: 'yjglk' }).expect(400))).toEqual([
    'departmentCode',
  ]);
  await post(`/api/messages/${sfjMessage}/assign`, 'sfj.clerk', { departmentCode: 'sfj-yjglk' }).expect(200);
  const complained = await post('/api/messages', 'sfj.clerk', {
    ...complaint,
    type: 'complaint',
    complainedDepartmentCode: 'yjglk',
  }).expect(400);
  expect(fieldsOf(complained)).toEqual(['complainedDepartmentCode']);
  await post(`/api/messages/${demoMessage}/close`, 'sfj.clerk').expect(404);
  await post(`/api/messages/${sfjMessage}/close`, 'clerk').expect(404);
  expect((await get(`/api/messages/${demoMessage}`, 'clerk').expect(200)).body.status).toBe('open');
});
