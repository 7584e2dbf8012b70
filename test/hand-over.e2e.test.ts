/**
 * Hand-over between two agencies of one platform (条例 §36(五)), end to end through the API on
 * the real dev server and PostgreSQL: 示例市应急管理局 replies "not this agency", naming
 * 示例市司法局 on the platform; when that case closes the application goes to 司法局 with its
 * materials, received the day of the hand-over; 司法局 answers it; both timelines name each other.
 */
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { type ApiStack, startApiStack } from './support/api-stack';
import { eventually } from './support/eventually';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('hand-over-e2e', { secondAgency: true });
});

afterAll(async () => {
  await stack?.stop();
});

const INTAKE = {
  channel: 'in-person',
  applicant: {
    type: 'natural-person',
    name: '钱七',
    idType: 'resident-id',
    idNumber: '110101199003071233',
    phone: '13800000007',
    address: '某市某区某路7号',
  },
  description: '2026年本市法律援助案件办理情况统计',
  form: 'email',
  delivery: 'email',
};

type Event = { seq: number; type: string; payload: Record<string, unknown> };

async function step(caseNo: string, action: string, user: string, body: object = {}): Promise<request.Response> {
  const res = await request(stack.app).post(`/api/applications/${caseNo}/${action}`).set(stack.as(user)).send(body);
  expect({ action, status: res.status, error: res.body.error }).toEqual({ action, status: 200, error: undefined });
  return res;
}

async function view(caseNo: string, user: string): Promise<request.Response> {
  return request(stack.app).get(`/api/applications/${caseNo}`).set(stack.as(user));
}

/** Accept, assign, propose and decide as the agency's users (prefix '' for 应急管理局, 'sfj.' for 司法局). */
async function toDecision(caseNo: string, prefix: string, decision: object, proposal: string): Promise<void> {
  const department = prefix ? `${prefix.replace('.', '-')}yjglk` : 'yjglk';
  await step(caseNo, 'accept', `${prefix}clerk`);
  await step(caseNo, 'assign', `${prefix}clerk`, { departmentCode: department, assignee: `${prefix}department` });
  await step(caseNo, 'propose', `${prefix}department`, { outcome: proposal, summary: '拟答复', reasons: '承办意见' });
  await step(caseNo, 'review-secrecy', `${prefix}reviewer`, { level: 1, conclusion: 'pass', notes: '不涉密' });
  await step(caseNo, 'review-secrecy', `${prefix}leader`, { level: 2, conclusion: 'pass', notes: '同意' });
  await step(caseNo, 'decide', `${prefix}clerk`, decision);
  await step(caseNo, 'sign-off', `${prefix}leader`);
  await step(caseNo, 'deliver', `${prefix}clerk`, { method: 'email', deliveredOn: shanghaiDateOf(Date.now()) });
  await step(caseNo, 'close', `${prefix}clerk`);
}

it('hands a case replied "not this agency" over to the competent agency on the platform, which answers it', async () => {
  const today = shanghaiDateOf(Date.now());
  const submitted = await request(stack.app).post('/api/applications').set(stack.as('clerk')).send(INTAKE);
  expect(submitted.status).toBe(201);
  const from: string = submitted.body.caseNo;
  expect(from).toMatch(/^demo-\d{4}-\d{6}$/);

  // The reply names the competent agency; naming it needs a §36(五) reply.
  const wrong = await request(stack.app)
    .post(`/api/applications/${from}/decide`)
    .set(stack.as('clerk'))
    .send({ outcome: 'cannot-provide.not-held', reasons: 'x', legalBasis: 'y', referralAgencyCode: 'sfj' });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.details.map((d: { field: string }) => d.field)).toContain('referralAgencyCode');

  await toDecision(
    from,
    '',
    {
      outcome: 'cannot-provide.not-held',
      section36: 'not-this-agency',
      reasons: '所申请信息由司法行政机关制作并保存，不属于本机关负责公开的政府信息',
      legalBasis: '《中华人民共和国政府信息公开条例》第三十六条第（五）项',
      referral: '示例市司法局，联系电话 0000-12345678',
      referralAgencyCode: 'sfj',
    },
    'cannot-provide.not-held',
  );

  // The closed case is handed over: its timeline ends with the hand-over, naming the new case.
  const handedOver = await eventually(async () => {
    const res = await view(from, 'clerk');
    return (res.body.events as Event[]).find((e) => e.type === 'handed-over') ?? null;
  }, 'the sending case’s hand-over event');
  const to = handedOver.payload.caseNo as string;
  expect(to).toMatch(/^sfj-\d{4}-000001$/); // 司法局's own first number of the year
  expect(handedOver.payload).toMatchObject({ agencyCode: 'sfj', agencyName: '示例市司法局', caseNo: to, on: today });
  const sending = await view(from, 'clerk');
  expect(sending.body).toMatchObject({ status: 'closed', outcome: 'cannot-provide.not-held' });

  // 司法局 has the application, received the day of the hand-over, its reply clock counting from then.
  const received = await eventually(async () => {
    const res = await view(to, 'sfj.clerk');
    return res.status === 200 ? res : null;
  }, 'the receiving case in 司法局');
  expect(received.body).toMatchObject({ caseNo: to, stage: 'registered', status: 'open', receivedOn: today });
  expect(received.body.case.intake.description).toBe(INTAKE.description);
  expect(received.body.case.handOverFrom).toMatchObject({ agencyCode: 'demo', caseNo: from });
  const submittedEvent = (received.body.events as Event[])[0]!;
  expect(submittedEvent.type).toBe('submitted');
  expect(submittedEvent.payload.handOverFrom).toEqual({ agencyCode: 'demo', agencyName: '示例市应急管理局', caseNo: from, on: today });
  const reply = received.body.clocks.find((c: { id: string }) => c.id === 'reply');
  expect(reply.derivation[0].explanation).toContain(`收到示例市应急管理局转来的申请（原案号 ${from}）`);

  // Each agency sees its own side only.
  expect((await view(to, 'clerk')).status).toBe(404);
  expect((await view(from, 'sfj.clerk')).status).toBe(404);
  const links = await stack.database.db
    .selectFrom('applications')
    .select(['case_no', 'agency_code', 'transferred_from', 'transferred_to'])
    .where('case_no', 'in', [from, to])
    .orderBy('agency_code')
    .execute();
  expect(links).toEqual([
    { case_no: from, agency_code: 'demo', transferred_from: null, transferred_to: to },
    { case_no: to, agency_code: 'sfj', transferred_from: from, transferred_to: null },
  ]);

  // 司法局 answers it with its own users.
  await toDecision(
    to,
    'sfj.',
    { outcome: 'disclosed', reasons: '予以公开', legalBasis: '《中华人民共和国政府信息公开条例》第二十七条' },
    'disclosed',
  );
  const answered = await view(to, 'sfj.clerk');
  expect(answered.body).toMatchObject({ status: 'closed', outcome: 'disclosed' });
  expect((answered.body.events as Event[]).map((e) => e.type)).toEqual(
    expect.arrayContaining(['submitted', 'accepted', 'assigned', 'proposed', 'decided', 'signed', 'delivered', 'closed']),
  );
  expect((answered.body.events as Event[]).map((e) => e.type)).not.toContain('handed-over');
  const sendingEvents = ((await view(from, 'clerk')).body.events as Event[]).map((e) => e.type);
  expect(sendingEvents.slice(-2)).toEqual(['closed', 'handed-over']);
});
