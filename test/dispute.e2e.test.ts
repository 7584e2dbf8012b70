/**
 * Disputes through the API on the real dev server: filing against an application, field-named
 * 400s, 403 for the wrong role or department, 409 for a step out of order or on a closed
 * dispute, and a reconsideration carried to its result. A lawsuit walked through every step
 * leaves the history committed as test/histories/dispute-litigation-enforced.json
 * (`UPDATE_HISTORIES=1` rewrites it). dispute-litigation-working-days.json is the same walk
 * recorded before lawsuits ran in calendar days: keep it while such disputes may be open.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('disputes-e2e');
});

afterAll(async () => {
  await stack?.stop();
});

it('files a reconsideration against a reply and carries it to its result, refusing what the rules forbid', async () => {
  const { app, as, post } = stack;
  const today = shanghaiDateOf(Date.now());
  const submitted = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
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
    });
  const { caseNo } = submitted.body;
  await post(caseNo, 'withdraw', 'clerk', { on: today, reason: '申请人书面撤回申请' });

  const filing = {
    caseNo,
    kind: 'reconsideration',
    receivedOn: today,
    body: '示例市人民政府',
    claims: '确认被申请人未依法答复违法',
    departmentCode: 'xxzx',
  };
  const bad = await request(app)
    .post('/api/disputes')
    .set(as('clerk'))
    .send({ ...filing, kind: 'appeal', receivedOn: '2026-02-30' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['kind', 'receivedOn']);
  const unknownCase = await request(app)
    .post('/api/disputes')
    .set(as('clerk'))
    .send({ ...filing, caseNo: '2026-999999' });
  expect(unknownCase.status).toBe(400);
  expect(unknownCase.body.error.details).toEqual([{ field: 'caseNo', message: 'no such application' }]);
  expect((await request(app).post('/api/disputes').set(as('department')).send(filing)).status).toBe(403);
  expect((await request(app).get('/api/disputes')).status).toBe(401);
  expect(await stack.database.db.selectFrom('disputes').select('dispute_no').execute()).toEqual([]); // refused filings left nothing

  const filed = await request(app).post('/api/disputes').set(as('clerk')).send(filing);
  expect(filed.status).toBe(201);
  const { disputeNo } = filed.body;
  expect(disputeNo).toMatch(/^demo-\d{4}-D0001$/);
  expect(filed.body).toMatchObject({ caseNo, kindLabel: '行政复议', stage: 'received', resultLabel: '尚未审结', departmentCode: 'xxzx' });
  expect(filed.body.clocks.map((c: { label: string }) => c.label)).toEqual(['拟定答辩状期限', '业务科室提供证据期限']);
  expect(filed.body.clocks[0].derivation[0].explanation).toContain('收到行政复议申请书（起诉状）副本');
  expect(filed.body.clocks[0]).toMatchObject({ unit: 'working-days', remainingWorkingDays: 10 }); // 行政复议法 (2023): working days

  const step = (action: string, user: string, body: object = {}) =>
    request(app).post(`/api/disputes/${disputeNo}/${action}`).set(as(user)).send(body);
  const early = await step('record-result', 'clerk', { result: 'upheld', summary: '维持' });
  expect(early.status).toBe(409);
  expect(early.body.error.message).toBe('尚未提交答辩状');
  expect((await step('submit-evidence', 'department', { items: ['答复书'] })).status).toBe(403); // the demo department user is 应急管理科, the evidence is 信息中心's
  const noItems = await step('submit-evidence', 'clerk', { items: [] });
  expect(noItems.status).toBe(400);
  expect(noItems.body.error.details[0].field).toBe('items');
  expect((await step('submit-evidence', 'clerk', { items: ['答复书及送达回证'] })).body.evidenceDue).toBeNull();
  expect((await step('submit-defence', 'clerk', { summary: '被申请人已依法答复' })).body.stage).toBe('defence-submitted');
  const decided = await step('record-result', 'clerk', { result: 'upheld', summary: '维持原答复', documentNo: '示府复决〔2026〕3号' });
  expect(decided.body).toMatchObject({ status: 'closed', result: 'upheld', resultLabel: '结果维持' });
  const afterClose = await step('hold-meeting', 'clerk', { participants: ['法律顾问'], conclusion: '无' });
  expect(afterClose.status).toBe(409);
  expect(afterClose.body.error.message).toBe('争议已结案');

  const list = await request(app).get(`/api/disputes?caseNo=${caseNo}`).set(as('supervisor'));
  expect(list.body.items).toEqual([expect.objectContaining({ disputeNo, result: 'upheld', status: 'closed' })]);
  expect((await request(app).get('/api/disputes/2026-D9999').set(as('clerk'))).status).toBe(404);
  // 应急管理科 holds no evidence for it: it neither lists nor opens 信息中心's dispute.
  expect((await request(app).get(`/api/disputes/${disputeNo}`).set(as('department'))).status).toBe(404);
  expect((await request(app).get('/api/disputes').set(as('department'))).body.items).toEqual([]);
  const detail = await request(app).get(`/api/disputes/${disputeNo}`).set(as('admin'));
  expect(detail.body.events.map((e: { type: string }) => e.type)).toEqual([
    'filed',
    'evidence-submitted',
    'defence-submitted',
    'result-recorded',
  ]);
});

it('carries a lawsuit filed late (its clocks already run out) through every step to enforcement', async () => {
  const { app, as } = stack;
  const submitted = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
      channel: 'in-person',
      applicant: {
        type: 'natural-person',
        name: '孙十',
        idType: 'resident-id',
        idNumber: '110101198001011232',
        phone: '13900000001',
        address: '某市某区某路5号',
      },
      description: '某企业2025年应急预案备案材料',
      form: 'paper',
      delivery: 'post',
    });
  const { caseNo } = submitted.body;
  // Received on 2026-09-20: both clocks are overdue at filing (past reminders are not sent late).
  const filing = {
    caseNo,
    kind: 'litigation-direct',
    receivedOn: '2026-09-20',
    body: '示例区人民法院',
    bodyReference: '（2026）示0102行初15号',
    claims: '撤销被告作出的政府信息公开答复',
    departmentCode: 'xxzx',
  };
  const filed = await request(app).post('/api/disputes').set(as('clerk')).send(filing);
  expect(filed.status).toBe(201);
  const { disputeNo } = filed.body;
  // 行政诉讼法 第六十七条: day 15 after 09-20 is 10-05, a National Day holiday like 10-06 and 10-07,
  // so Thu 2026-10-08; the profile's 10 WD would end on the make-up working Saturday 10-10.
  expect(filed.body).toMatchObject({
    kindLabel: '行政诉讼（未经复议直接起诉）',
    stage: 'received',
    defenceDue: '2026-10-08',
    evidenceDue: '2026-09-28',
  });
  expect(filed.body.clocks[0]).toMatchObject({
    id: 'defence',
    label: '提交答辩状及证据期限',
    statutory: true,
    unit: 'calendar-days',
    remainingWorkingDays: null,
    remainingCalendarDays: 15,
    limits: { calendarDaysDue: '2026-10-08', workingDaysDue: '2026-10-10', applied: 'calendar-days' },
  });
  expect(filed.body.clocks[0].derivation[0].explanation).toContain('适用15日期限，截止2026-10-08');

  const step = async (action: string, user: string, body: object) => {
    const response = await request(app).post(`/api/disputes/${disputeNo}/${action}`).set(as(user)).send(body);
    expect(response.status).toBe(200);
    return response.body;
  };
  await step('submit-evidence', 'clerk', { items: ['答复书及送达回证', '检索记录'] });
  await step('submit-defence', 'clerk', { summary: '被告已依法答复，请求驳回诉讼请求' });
  await step('hold-meeting', 'clerk', { participants: ['法律顾问', '信息中心'], conclusion: '按答辩意见应诉' });
  await step('record-hearing', 'clerk', { representative: '政务公开科 王五', notes: '出庭应诉' });
  await step('record-result', 'clerk', {
    result: 'corrected',
    summary: '判决撤销答复，责令重新答复',
    documentNo: '（2026）示0102行初15号',
  });
  const done = await step('record-enforcement', 'clerk', { actions: '已重新作出答复' });
  expect(done).toMatchObject({ status: 'closed', result: 'corrected' });
  const types = done.events.map((e: { type: string }) => e.type);
  expect(types).toEqual([
    'filed',
    'clock-overdue',
    'clock-overdue',
    'evidence-submitted',
    'defence-submitted',
    'meeting-held',
    'hearing-held',
    'result-recorded',
    'enforced',
  ]);

  const handle = stack.env.client.workflow.getHandle(`dispute-${disputeNo}`);
  await handle.result();
  if (process.env.UPDATE_HISTORIES === '1') {
    fs.writeFileSync(path.join(__dirname, 'histories', 'dispute-litigation-enforced.json'), historyToJSON(await handle.fetchHistory()));
  }
});
