/**
 * The rulebooks' rules through the HTTP API (real dev server, real PostgreSQL): 黄岩 and 毕节
 * cases registered by a clerk show their step clocks due the right number of working days
 * after receipt (dates worked out by hand below), and a notice's delivery is recorded with
 * its proof, starting the period that runs from the applicant's receipt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;
let env: ApiStack['env'];
let app: ApiStack['app'];
let as: ApiStack['as'];
let post: ApiStack['post'];

beforeAll(async () => {
  stack = await startApiStack('application-rules-e2e');
  ({ env, app, as, post } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const intake = (ruleProfileId: string) => ({
  channel: 'in-person',
  // Signed for on Mon 2026-09-28 (in person: the day submitted).
  receivedOn: '2026-09-28',
  ruleProfileId,
  applicant: {
    type: 'natural-person',
    name: '王五',
    idType: 'resident-id',
    idNumber: '110101199003071233',
    phone: '13800000000',
    address: '浙江省台州市黄岩区某路1号',
  },
  description: '2026年度本区老旧小区改造项目清单',
  form: 'email',
  delivery: 'email',
});

interface ClockView {
  id: string;
  due: string | null;
  events: Array<{ type: string; date: string; workingDays?: number }>;
  derivation: Array<{ due: string | null }>;
}
const clock = (body: { clocks: ClockView[] }, id: string) => body.clocks.find((c) => c.id === id)!;

it('黄岩 (seed 003): register 1, formal review 5 and the department’s proposal 7 WD, all from receipt', async () => {
  const registered = await request(app).post('/api/applications').set(as('clerk')).send(intake('huangyan-003'));
  expect(registered.status).toBe(201);
  // From Mon 09-28: 09-29 (1), 09-30 (2), holidays 10-01..07, 10-08 (3), 10-09 (4), Sat 10-10 worked (5), 10-12 (6), 10-13 (7).
  // Registration closes its clock at once; the derivation keeps the date it was due.
  expect(clock(registered.body, 'step:register').derivation[0]!.due).toBe('2026-09-29');
  expect(clock(registered.body, 'step:formal-review').due).toBe('2026-10-10');
  expect(clock(registered.body, 'step:department-proposal')).toMatchObject({
    due: '2026-10-13',
    events: [{ type: 'started', date: '2026-09-28', workingDays: 7 }],
  });
  expect(clock(registered.body, 'reply').due).toBe('2026-10-30');
  // The department's proposal clock does not wait for the assignment (自收到申请件之日起).
  const { caseNo } = registered.body;
  expect((await post(caseNo, 'accept', 'clerk')).status).toBe(200);
  const assigned = await post(caseNo, 'assign', 'clerk', { departmentCode: 'yjglk' });
  expect(assigned.body.clocks.filter((c: ClockView) => c.id.startsWith('step:department-proposal'))).toHaveLength(1);
});

it('毕节 (seed 004): transfer to the department within 3 WD of receipt, not of acceptance', async () => {
  const registered = await request(app).post('/api/applications').set(as('clerk')).send(intake('bijie-004'));
  expect(registered.status).toBe(201);
  expect(clock(registered.body, 'step:transfer-to-department')).toMatchObject({
    due: '2026-10-08',
    events: [{ type: 'started', date: '2026-09-28', workingDays: 3 }],
  });
  const { caseNo } = registered.body;
  const accepted = await post(caseNo, 'accept', 'clerk');
  expect(clock(accepted.body, 'step:transfer-to-department').due).toBe('2026-10-08');
  // The department's 10 WD count from its own receipt of the file: the assignment.
  const assigned = await post(caseNo, 'assign', 'clerk', { departmentCode: 'yjglk' });
  expect(clock(assigned.body, 'step:department-proposal').events[0]).toMatchObject({ type: 'started', workingDays: 10 });
});

it('a notice’s delivery is recorded with method and proof; the correction period starts at it; bad input is a 400 naming the field', async () => {
  const registered = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ ...intake('national-2019'), receivedOn: undefined });
  const { caseNo } = registered.body;
  const requested = await post(caseNo, 'request-correction', 'clerk', { items: ['请明确所需信息的年份'], periodWorkingDays: 10 });
  expect(requested.status).toBe(200);
  const notice = requested.body.documents.find((d: { kind: string }) => d.kind === 'correction');
  expect(notice.delivery).toBeNull();
  expect(requested.body.undeliveredNotices).toContainEqual(expect.objectContaining({ docNo: notice.docNo, title: '补正申请告知书' }));
  expect(requested.body.clocks.some((c: ClockView) => c.id === 'correction-period')).toBe(false);

  const noTracking = await post(caseNo, 'record-notice-delivery', 'clerk', {
    docNo: notice.docNo,
    method: 'post',
    deliveredOn: requested.body.case.notices[0].issuedOn,
  });
  expect(noTracking.status).toBe(400);
  expect(noTracking.body.error.details.map((d: { field: string }) => d.field)).toContain('trackingNo');
  const badMethod = await post(caseNo, 'record-notice-delivery', 'clerk', {
    docNo: notice.docNo,
    method: 'pigeon',
    deliveredOn: '2026-10-09',
  });
  expect(badMethod.body.error.details.map((d: { field: string }) => d.field)).toContain('method');
  const unknown = await post(caseNo, 'record-notice-delivery', 'clerk', {
    docNo: '不存在的文号',
    method: 'email',
    deliveredOn: '2026-10-09',
  });
  expect(unknown.status).toBe(409);
  expect(
    (await post(caseNo, 'record-notice-delivery', 'department', { docNo: notice.docNo, method: 'email', deliveredOn: '2026-10-09' }))
      .status,
  ).toBe(403);

  const issuedOn = requested.body.case.notices.find((n: { docNo: string }) => n.docNo === notice.docNo).issuedOn;
  const delivered = await post(caseNo, 'record-notice-delivery', 'clerk', {
    docNo: notice.docNo,
    method: 'in-person',
    deliveredOn: issuedOn,
    proof: '送达回证（申请人签收）',
  });
  expect(delivered.status).toBe(200);
  expect(delivered.body.undeliveredNotices.map((n: { docNo: string }) => n.docNo)).not.toContain(notice.docNo);
  expect(delivered.body.documents.find((d: { kind: string }) => d.kind === 'correction').delivery).toMatchObject({
    method: 'in-person',
    deliveredOn: issuedOn,
    proof: '送达回证（申请人签收）',
    recordedBy: 'clerk',
  });
  expect(clock(delivered.body, 'correction-period').events[0]).toMatchObject({ type: 'started', date: issuedOn, workingDays: 10 });
  const again = await post(caseNo, 'record-notice-delivery', 'clerk', { docNo: notice.docNo, method: 'email', deliveredOn: issuedOn });
  expect(again.status).toBe(409);
  expect(again.body.error.message).toContain('已于');
});

it('a case under the current rules, start to archive, leaves its history for the replay test', async () => {
  // Writes test/histories/application-rules-2026.json with UPDATE_HISTORIES=1; test/replay.test.ts replays it.
  const registered = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
      ...intake('national-2019'),
      receivedOn: '2026-09-28',
      feeWaiverRequested: true,
      feeWaiverReason: '本人系低保户',
    });
  const { caseNo } = registered.body;
  const ok = async (action: string, user: string, body: object = {}) => {
    const res = await post(caseNo, action, user, body);
    expect({ action, status: res.status, error: res.body.error?.message }).toEqual({ action, status: 200, error: undefined });
    return res.body;
  };
  await ok('accept', 'clerk');
  const letter = await ok('start-consultation', 'clerk', { kind: 'third-party', party: '某某建设有限公司', sentOn: '2026-10-08' });
  const letterNo = letter.documents.find((d: { kind: string }) => d.kind === 'third-party').docNo;
  // Entered in the order paper comes back: the answer (10-12), then the letter's proof of delivery (10-09).
  await ok('record-consultation-answer', 'clerk', { consultationId: 'third-party-1', result: 'object', receivedOn: '2026-10-12' });
  await ok('record-notice-delivery', 'clerk', { docNo: letterNo, method: 'post', trackingNo: 'EA123456789CN', deliveredOn: '2026-10-09' });
  await ok('decide-fee-waiver', 'leader', { approved: false, reasons: '未提供低保证明' });
  const fee = await ok('issue-fee-notice', 'clerk', { basis: 'by-pages', pages: 40, noticeOn: '2026-10-13' });
  await ok('record-fee-payment', 'clerk', { paidOn: '2026-10-15' });
  await ok('record-notice-delivery', 'clerk', {
    docNo: fee.documents.find((d: { kind: string }) => d.kind === 'fee').docNo,
    method: 'email',
    deliveredOn: '2026-10-14',
  });
  await ok('request-extension', 'clerk', { workingDays: 10, reason: '需要调取档案' });
  await ok('approve-extension', 'leader');
  await ok('assign', 'clerk', { departmentCode: 'yjglk' });
  await ok('propose', 'department', { outcome: 'partially-disclosed', summary: '区分处理', reasons: '第三方商业秘密部分不公开' });
  await ok('review-secrecy', 'reviewer', { level: 1, conclusion: 'pass', notes: '不涉密' });
  await ok('review-secrecy', 'leader', { level: 2, conclusion: 'pass', notes: '同意' });
  await ok('decide', 'clerk', {
    outcome: 'partially-disclosed',
    reasons: '公共利益需要公开项目资金部分',
    legalBasis: '条例第三十二条、第三十七条',
  });
  const signed = await ok('sign-off', 'leader');
  expect(signed.documents.map((d: { kind: string }) => d.kind)).toEqual([
    'receipt',
    'third-party',
    'fee-waiver',
    'fee',
    'extension',
    'reply',
    'third-party-disclosure',
  ]);
  const today = signed.case.notices.at(-1).issuedOn;
  await ok('deliver', 'clerk', { method: 'post', trackingNo: 'EA987654321CN', deliveredOn: today, proof: 'EMS妥投记录' });
  const closed = await ok('close', 'clerk');
  expect(closed.status).toBe('closed');

  const history = await env.client.workflow.getHandle(`application-${caseNo}`).fetchHistory();
  const patches = (history.events ?? [])
    .map((e) => e.markerRecordedEventAttributes)
    .filter((a) => a?.markerName === 'core_patch')
    .flatMap((a) =>
      Object.values(a!.details ?? {})
        .flatMap((d) => d.payloads ?? [])
        .map((p) => Buffer.from(p.data!).toString('utf8')),
    );
  // The marker names the patch: this history is the one that exercises the current rules. A case
  // started since 2026-12 records `application-2026-12`, which stands for `legal-rules-2026` too.
  expect(patches.some((p) => p.includes('legal-rules-2026') || p.includes('application-2026-12'))).toBe(true);
  if (process.env.UPDATE_HISTORIES === '1') {
    fs.writeFileSync(path.join(__dirname, 'histories', 'application-rules-2026.json'), historyToJSON(history));
  }
});
