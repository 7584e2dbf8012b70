/**
 * Document release end to end on the real Temporal dev server: HTTP → workflow → PostgreSQL
 * and back, with the roles and errors of the API (400 naming the field, 403, 404, 409), the
 * catalogue search, forwarded documents inheriting their attribute, the self-check task over
 * HTTP, and the Temporal Schedules of the recurring duties (created idempotently, triggered);
 * a 黄岩 draft policy through its public comment and a change, whose history
 * (`UPDATE_HISTORIES=1`) is committed as test/histories/document-public-comment-change.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { awaitSelfCheckOpenedUpdate } from '../workflows/document-messages';
import { documentSelfCheck } from '../workflows/document-registers';
import { type ApiStack, startApiStack } from './support/api-stack';
import { pollUntil } from './support/eventually';

const TASK_QUEUE = 'documents-e2e';
let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack(TASK_QUEUE);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const body = (overrides: Record<string, unknown> = {}) => ({
  title: '关于印发示例市防汛应急预案的通知',
  docNumber: '示应急发〔2026〕31号',
  kind: '通知',
  normative: false,
  proposedAttribute: 'proactive',
  category: '02',
  description: '印发本市防汛应急预案',
  keywords: ['防汛', '应急预案'],
  ...overrides,
});

const post = (path: string, user: string, payload: object = {}) => request(stack.app).post(path).set(stack.as(user)).send(payload);
const step = (docId: string, action: string, user: string, payload: object = {}) =>
  post(`/api/documents/${docId}/${action}`, user, payload);

// Polling a real server, not waiting on a clock.
const until = <T>(probe: () => Promise<T>, ok: (value: T) => boolean) => pollUntil(probe, ok, { timeoutMs: 10_000 });

async function signedDocument(overrides: Record<string, unknown>, finalAttribute: string, reasons?: string): Promise<string> {
  const created = await post('/api/documents', 'department', body(overrides)).expect(201);
  const docId = created.body.docId as string;
  await step(docId, 'verify', 'clerk').expect(200);
  await step(docId, 'review-secrecy', 'reviewer', { level: 1, conclusion: 'pass', basis: '定密目录', notes: '不涉密' }).expect(200);
  await step(docId, 'review-secrecy', 'leader', { level: 2, conclusion: 'pass', basis: '一级审查意见', notes: '同意' }).expect(200);
  await step(docId, 'sign-off', 'leader', { finalAttribute, ...(reasons ? { reasons } : {}) }).expect(200);
  return docId;
}

it('registers, reviews, signs and publishes a document; the catalogue finds it by keyword, category, year and attribute', async () => {
  const created = await post('/api/documents', 'department', body()).expect(201);
  expect(created.body).toMatchObject({ stage: 'drafted', issuingDepartment: 'yjglk', proposedAttribute: 'proactive', status: 'open' });
  const docId = created.body.docId as string;
  expect(docId).toMatch(/^demo-\d{4}-\d{6}$/);

  expect((await step(docId, 'sign-off', 'leader', { finalAttribute: 'proactive' }).expect(409)).body.error.message).toContain('不能签发');
  await step(docId, 'verify', 'reviewer').expect(403);
  await step(docId, 'verify', 'clerk').expect(200);
  await step(docId, 'review-secrecy', 'reviewer', { level: 2, conclusion: 'pass', basis: 'x', notes: 'x' }).expect(403);
  await step(docId, 'review-secrecy', 'reviewer', {
    level: 1,
    conclusion: 'pass',
    basis: '定密目录',
    notes: '不涉密',
    participants: ['李承办'],
  }).expect(200);
  await step(docId, 'review-secrecy', 'leader', { level: 2, conclusion: 'pass', basis: '一级审查意见', notes: '同意' }).expect(200);
  const signed = await step(docId, 'sign-off', 'leader', { finalAttribute: 'proactive' }).expect(200);
  expect(signed.body.stage).toBe('releasing');
  const portal = signed.body.clocks.find((c: { id: string }) => c.id === 'publication:portal');
  expect(portal).toMatchObject({ closed: false, overdue: false });
  // The release clocks are on the supervisor's screen, under the issuing department.
  const onScreen = await request(stack.app).get('/api/supervision/clocks?kind=document').set(stack.as('supervisor')).expect(200);
  expect(onScreen.body.items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        caseRef: docId,
        clockId: 'publication:portal',
        departmentCode: 'yjglk',
        unit: 'working-days',
        link: `/console/cases/document/${docId}`,
      }),
    ]),
  );
  expect(portal.derivation[0].explanation).toContain('起算20个工作日');
  expect(signed.body.reviews.map((r: { kind: string }) => r.kind)).toEqual(['office-verification', 'secrecy-1', 'secrecy-2', 'sign-off']);

  const list = await request(stack.app)
    .get('/api/documents?state=releasing&attribute=proactive&overdue=false')
    .set(stack.as('supervisor'))
    .expect(200);
  expect(list.body.items.map((i: { docId: string }) => i.docId)).toContain(docId);
  const overdue = await request(stack.app).get('/api/documents?overdue=true').set(stack.as('supervisor')).expect(200);
  expect(overdue.body.items.map((i: { docId: string }) => i.docId)).not.toContain(docId);

  const today = shanghaiDateOf(Date.now());
  await step(docId, 'record-publication', 'clerk', { channel: 'gazette', url: 'https://example.gov.cn/a', publishedOn: today }).expect(409);
  const released = await step(docId, 'record-publication', 'clerk', {
    channel: 'portal',
    url: 'https://example.gov.cn/zfxxgk/31',
    publishedOn: today,
  }).expect(200);
  expect(released.body).toMatchObject({ stage: 'released', status: 'closed', finalAttribute: 'proactive' });
  expect(released.body.indexNo).toMatch(new RegExp(`^000000-002-02-${today.slice(0, 4)}-\\d{5}$`));

  const year = today.slice(0, 4);
  const found = await request(stack.app)
    .get(`/api/catalogue?keyword=${encodeURIComponent('防汛')}&category=02&year=${year}&attribute=proactive`)
    .expect(200);
  expect(found.body.items).toEqual([
    expect.objectContaining({
      indexNo: released.body.indexNo,
      title: body().title,
      producedOn: today,
      attributeLabel: '主动公开',
      categoryLabel: '政策文件类',
      url: 'https://example.gov.cn/zfxxgk/31',
    }),
  ]);
  expect((await request(stack.app).get('/api/catalogue?category=05').expect(200)).body.total).toBe(0);
  expect(
    (
      await request(stack.app)
        .get(`/api/catalogue?keyword=${encodeURIComponent('不存在的词')}`)
        .expect(200)
    ).body.total,
  ).toBe(0);
  expect((await request(stack.app).get('/api/catalogue?year=26').expect(400)).body.error.details[0].field).toBe('year');
});

it('answers 400 naming the field, 403 by role and department, 404 for unknown documents', async () => {
  const missing = await post('/api/documents', 'department', body({ title: undefined })).expect(400);
  expect(missing.body.error.details.map((d: { field: string }) => d.field)).toContain('title');
  const noReasons = await post('/api/documents', 'department', body({ proposedAttribute: 'not-disclosed' })).expect(400);
  expect(noReasons.body.error.details[0]).toEqual({ field: 'attributeReasons', message: '拟定为「不予公开」须写明理由' });
  const mixed = await post('/api/documents', 'department', body({ containsWithheldContent: true })).expect(400);
  expect(mixed.body.error.details[0].field).toBe('containsWithheldContent');
  await post('/api/documents', 'department', body({ category: '10' })).expect(400);
  await post('/api/documents', 'department', body({ issuingDepartment: 'gkb' })).expect(403);
  await post('/api/documents', 'reviewer', body()).expect(403);
  await request(stack.app).post('/api/documents').send(body()).expect(401);
  await request(stack.app).get('/api/documents/2026-999999').set(stack.as('clerk')).expect(404);
  await step('2026-999999', 'verify', 'clerk').expect(404);
  await request(stack.app).get('/api/documents/abc').set(stack.as('clerk')).expect(400);
  const badDate = await step('2026-999999', 'record-deposit', 'clerk', { place: '档案馆', depositedOn: '2026-02-30' }).expect(400);
  expect(badDate.body.error.details[0].field).toBe('depositedOn');
});

it('a forwarding document inherits the forwarded one’s attribute unless re-decided with reasons', async () => {
  const original = await signedDocument(
    { docNumber: '示应急发〔2026〕40号', proposedAttribute: 'on-request', attributeReasons: '涉及特定企业' },
    'on-request',
  );
  const inherited = await post(
    '/api/documents',
    'department',
    body({ docNumber: '示应急发〔2026〕41号', proposedAttribute: undefined, forwardedDocId: original, kind: '通知' }),
  ).expect(201);
  expect(inherited.body.proposedAttribute).toBe('on-request');
  expect(inherited.body.document.inherited).toEqual({ docId: original, attribute: 'on-request' });
  // Departing from the forwarded document's attribute needs reasons.
  const departed = await post('/api/documents', 'department', body({ docNumber: '示应急发〔2026〕42号', forwardedDocId: original })).expect(
    400,
  );
  expect(departed.body.error.details[0].message).toContain('转发文件应沿用被转发文件');
  await post(
    '/api/documents',
    'department',
    body({ docNumber: '示应急发〔2026〕43号', forwardedDocId: original, attributeReasons: '所涉企业已同意公开' }),
  ).expect(201);
  await post('/api/documents', 'department', body({ forwardedDocId: '2026-999998' })).expect(400);
  // Seed 002: the catalogue lists 依申请公开 documents too (公开形式), from sign-off.
  const onRequest = await request(stack.app).get('/api/catalogue?attribute=on-request').expect(200);
  expect(onRequest.body.items).toEqual([
    expect.objectContaining({ docNumber: '示应急发〔2026〕40号', attributeLabel: '依申请公开', url: null }),
  ]);
});

it('the self-check task over HTTP: listed, decided, converted (release clocks start again)', async () => {
  const withheld = await signedDocument(
    { docNumber: '示应急发〔2026〕50号', proposedAttribute: 'not-disclosed', attributeReasons: '过程性信息' },
    'not-disclosed',
  );
  const workflowId = `document-self-check-e2e-${withheld}`;
  const handle = await stack.env.client.workflow.start(documentSelfCheck, {
    workflowId,
    taskQueue: TASK_QUEUE,
    args: [{ agencyCode: 'demo', profileId: 'lvliang-000' }],
  });
  await handle.executeUpdate(awaitSelfCheckOpenedUpdate);
  const registers = await request(stack.app).get('/api/document-registers?kind=self-check').set(stack.as('clerk')).expect(200);
  const task = registers.body.items.find((r: { workflowId: string }) => r.workflowId === workflowId);
  const detail = await request(stack.app).get(`/api/document-registers/${task.id}`).set(stack.as('supervisor')).expect(200);
  expect(detail.body.items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ docId: withheld, attribute: 'not-disclosed', reasons: '过程性信息', decision: null }),
    ]),
  );

  await post(`/api/document-registers/${task.id}/items/${withheld}/decide`, 'leader', { decision: 'convert', reasons: 'x' }).expect(403);
  await post(`/api/document-registers/${task.id}/items/${withheld}/decide`, 'clerk', {
    decision: 'convert',
    reasons: '决策已实施，可以公开',
  }).expect(200);
  expect(
    (
      await post(`/api/document-registers/${task.id}/items/${withheld}/decide`, 'clerk', { decision: 'confirm', reasons: '维持' }).expect(
        409,
      )
    ).body.error.message,
  ).toContain('已有自查结论');
  const converted = await until(
    async () => (await request(stack.app).get(`/api/documents/${withheld}`).set(stack.as('clerk')).expect(200)).body,
    (doc) => doc.stage === 'releasing',
  );
  expect(converted).toMatchObject({ stage: 'releasing', finalAttribute: 'proactive' });
  expect(converted.clocks.find((c: { id: string }) => c.id === 'publication:portal').events[0]).toMatchObject({
    type: 'started',
    reason: '经自查转为主动公开',
  });
  expect(converted.events.map((e: { type: string }) => e.type)).toContain('converted-to-proactive');
  await handle.terminate('test finished'); // other documents on the list stay undecided
});

it('creates the recurring duties’ Temporal Schedules idempotently from the rule profile', async () => {
  await post('/api/admin/document-schedules', 'clerk', { ruleProfileId: 'huadian-001' }).expect(403);
  const first = await post('/api/admin/document-schedules', 'admin', { ruleProfileId: 'huadian-001' }).expect(200);
  expect(first.body.schedules).toEqual([
    { scheduleId: 'document-register-demo', workflowType: 'nonDisclosureRegister', created: true, months: ['MARCH', 'DECEMBER'] },
  ]);
  const again = await post('/api/admin/document-schedules', 'admin', { ruleProfileId: 'huadian-001' }).expect(200);
  expect(again.body.schedules[0].created).toBe(false);
  const selfCheck = await post('/api/admin/document-schedules', 'admin', { ruleProfileId: 'lvliang-000' }).expect(200);
  expect(selfCheck.body.schedules).toEqual([
    { scheduleId: 'document-self-check-demo', workflowType: 'documentSelfCheck', created: true, months: ['NOVEMBER'] },
  ]);
  expect((await post('/api/admin/document-schedules', 'admin', { ruleProfileId: 'national-2019' }).expect(200)).body.schedules).toEqual([]);

  const described = await stack.env.client.schedule.getHandle('document-register-demo').describe();
  expect(described.spec.timezone).toBe('Asia/Shanghai');
  expect(described.spec.calendars?.[0]).toMatchObject({
    month: [
      { start: 'MARCH', end: 'MARCH', step: 1 },
      { start: 'DECEMBER', end: 'DECEMBER', step: 1 },
    ],
    dayOfMonth: [{ start: 1, end: 1, step: 1 }],
  });
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'nonDisclosureRegister', taskQueue: TASK_QUEUE });

  // Triggered now, the schedule's run compiles a register into PostgreSQL.
  await stack.env.client.schedule.getHandle('document-register-demo').trigger();
  const registers = await until(
    async () =>
      (await request(stack.app).get('/api/document-registers?kind=non-disclosure').set(stack.as('clerk')).expect(200)).body.items as Array<{
        dueOn: string;
      }>,
    (items) => items.length > 0,
  );
  expect(registers[0]).toMatchObject({
    kind: 'non-disclosure',
    workflowId: expect.stringMatching(/^document-register-demo/),
    status: 'open',
  });
  expect(['03-31', '12-31']).toContain(registers[0]!.dueOn.slice(5));
  const id = (registers[0] as unknown as { id: string }).id;
  await post(`/api/document-registers/${id}/submit`, 'department', { submittedTo: '市政务公开办公室' }).expect(403);
  expect((await post(`/api/document-registers/${id}/submit`, 'clerk', {}).expect(400)).body.error.details[0].field).toBe('submittedTo');
  await until(
    async () => (await post(`/api/document-registers/${id}/submit`, 'clerk', { submittedTo: '市政务公开办公室' })).status,
    (status) => status === 200,
  );
  const reported = await request(stack.app).get(`/api/document-registers/${id}`).set(stack.as('supervisor')).expect(200);
  expect(reported.body).toMatchObject({ status: 'completed', completedBy: 'clerk', completionNote: '报市政务公开办公室' });
  await post(`/api/document-registers/${id}/submit`, 'clerk', { submittedTo: '市政务公开办公室' }).expect(409);
});

it('pre-disclosure and public comment over HTTP: 403 by role, 400 naming the field, 409 with the reason (longer than the profile allows, or a profile without the rule)', async () => {
  const created = await post(
    '/api/documents',
    'department',
    body({ docNumber: '示应急发〔2026〕60号', kind: '决定', ruleProfileId: 'bijie-004' }),
  ).expect(201);
  const docId = created.body.docId as string;
  const pre = { startedOn: '2026-09-28', channel: '局门户网站', summary: '调整方案及理由', workingDays: 7 };
  await step(docId, 'record-pre-disclosure', 'reviewer', pre).expect(403);
  expect(
    (await step(docId, 'record-pre-disclosure', 'department', { ...pre, workingDays: 'seven' }).expect(400)).body.error.details[0].field,
  ).toBe('workingDays');
  expect((await step(docId, 'record-pre-disclosure', 'department', { ...pre, workingDays: 8 }).expect(409)).body.error.message).toBe(
    '预公开时间自向社会发布之日起不得超过7个工作日（五），拟定的8个工作日过长',
  );
  const recorded = await step(docId, 'record-pre-disclosure', 'department', pre).expect(200);
  // 2026-09-28 + 7 WD (National Day 10-01..07 off, Sat 10-10 worked) = 2026-10-13.
  expect(recorded.body.clocks.find((c: { id: string }) => c.id === 'pre-disclosure')).toMatchObject({
    due: '2026-10-13',
    rule: 'documentRelease.preDisclosureMaximum',
  });
  expect(
    (
      await step(docId, 'open-public-comment', 'department', {
        startedOn: '2026-09-28',
        channel: '局门户网站',
        draftingNote: '起草说明',
      }).expect(409)
    ).body.error.message,
  ).toBe('本规则没有行政规范性文件草案公开征求意见的规定');

  const national = await post('/api/documents', 'department', body({ docNumber: '示应急发〔2026〕61号' })).expect(201);
  expect((await step(national.body.docId, 'record-pre-disclosure', 'clerk', pre).expect(409)).body.error.message).toBe(
    '本规则没有重大行政决策预公开的规定',
  );
  await step(national.body.docId, 'close-public-comment', 'department', {
    endedOn: '2026-10-13',
    commentsReceived: -1,
    commentRecord: 'x',
  }).expect(400);
});

it('a change to a released document over HTTP: the completed run is reopened, its clock shows on the supervisor’s screen, and the update on the portal closes it', async () => {
  const docId = await signedDocument({ docNumber: '示应急发〔2026〕70号', ruleProfileId: 'bijie-004' }, 'proactive');
  const today = shanghaiDateOf(Date.now());
  const released = await step(docId, 'record-publication', 'clerk', {
    channel: 'portal',
    url: 'https://example.gov.cn/zfxxgk/70',
    publishedOn: today,
  }).expect(200);
  expect(released.body).toMatchObject({ stage: 'released', status: 'closed' });
  const handle = stack.env.client.workflow.getHandle(`document-${docId}`);
  await handle.result();
  const firstRun = (await handle.describe()).runId;

  // Refused on the record: no run is started for it.
  expect(
    (await step(docId, 'record-change', 'clerk', { summary: '附件更正', changedOn: '2026-01-05' }).expect(409)).body.error.message,
  ).toContain(`早于${today}`);
  expect((await handle.describe()).runId).toBe(firstRun);
  await step(docId, 'record-change', 'reviewer', { summary: '附件更正', changedOn: today }).expect(403);

  const changed = await step(docId, 'record-change', 'department', { summary: '附件二联系人电话更正', changedOn: today }).expect(200);
  expect(changed.body).toMatchObject({ stage: 'updating', status: 'open' });
  const clock = changed.body.clocks.find((c: { id: string }) => c.id === 'change:1');
  expect(clock).toMatchObject({
    rule: 'documentRelease.changes',
    closed: false,
    events: [expect.objectContaining({ type: 'started', date: today, workingDays: 10 })],
  });
  expect(clock.derivation[0].explanation).toContain('起算10个工作日');
  expect((await handle.describe()).runId).not.toBe(firstRun);
  const onScreen = await request(stack.app).get('/api/supervision/clocks?kind=document').set(stack.as('supervisor')).expect(200);
  expect(onScreen.body.items).toEqual(
    expect.arrayContaining([expect.objectContaining({ caseRef: docId, clockId: 'change:1', dueDate: clock.due })]),
  );

  await step(docId, 'publish-change', 'department', {
    changeNo: 1,
    channel: 'portal',
    url: 'https://example.gov.cn/zfxxgk/70',
    publishedOn: today,
  }).expect(403);
  const updated = await step(docId, 'publish-change', 'clerk', {
    changeNo: 1,
    channel: 'portal',
    url: 'https://example.gov.cn/zfxxgk/70',
    publishedOn: today,
  }).expect(200);
  expect(updated.body).toMatchObject({ stage: 'released', status: 'closed' });
  expect(updated.body.events.map((e: { type: string }) => e.type).slice(-2)).toEqual(['change-recorded', 'change-published']);
  // Any other step on a released document, whose run has completed again: 409, not a 500.
  await handle.result();
  expect(
    (
      await step(docId, 'publish-change', 'clerk', {
        changeNo: 1,
        channel: 'portal',
        url: 'https://example.gov.cn/zfxxgk/70',
        publishedOn: today,
      }).expect(409)
    ).body.error.message,
  ).toBe('公文已办结（已公开），不能登记变更信息已在原发布载体更新');
  await step(docId, 'verify', 'clerk').expect(409);
  const gone = await request(stack.app).get('/api/supervision/clocks?kind=document').set(stack.as('supervisor')).expect(200);
  expect(gone.body.items.filter((i: { caseRef: string }) => i.caseRef === docId)).toEqual([]);
});

it('黄岩 draft policy end to end: public comment before sign-off, a change published on the intranet while the portal is still owed; its history replays', async () => {
  const created = await post(
    '/api/documents',
    'department',
    body({
      docNumber: '黄政办发〔2026〕80号',
      title: '黄岩区农村宅基地管理办法',
      normative: true,
      ruleProfileId: 'huangyan-003',
    }),
  ).expect(201);
  const docId = created.body.docId as string;
  await step(docId, 'verify', 'clerk').expect(200);
  await step(docId, 'review-secrecy', 'reviewer', { level: 1, conclusion: 'pass', basis: '定密目录', notes: '不涉密' }).expect(200);
  await step(docId, 'review-secrecy', 'leader', { level: 2, conclusion: 'pass', basis: '一级审查意见', notes: '同意' }).expect(200);
  expect((await step(docId, 'sign-off', 'leader', { finalAttribute: 'proactive' }).expect(409)).body.error.message).toContain(
    '行政规范性文件草案须先附起草说明公开征求意见',
  );
  await step(docId, 'open-public-comment', 'reviewer', { startedOn: '2026-09-28', channel: '区政府门户网站', draftingNote: 'x' }).expect(
    403,
  );
  const opened = await step(docId, 'open-public-comment', 'department', {
    startedOn: '2026-09-28',
    channel: '区政府门户网站',
    url: 'https://www.huangyan.gov.cn/zqyj/80',
    draftingNote: '制定的必要性和可行性、主要措施及起草依据',
  }).expect(200);
  // Mon 2026-09-28 + 7 WD, National Day 10-01..07 off and Sat 10-10 worked: 2026-10-13.
  expect(opened.body.document.publicComment).toMatchObject({ earliestEndOn: '2026-10-13', minimumWorkingDays: 7 });
  expect(
    (
      await step(docId, 'close-public-comment', 'department', {
        endedOn: '2026-10-09',
        commentsReceived: 2,
        commentRecord: '采纳1条',
      }).expect(409)
    ).body.error.message,
  ).toBe('征求社会公众意见的时间不得少于7个工作日：自2026-09-28起算，最早于2026-10-13结束');
  await step(docId, 'close-public-comment', 'department', {
    endedOn: '2026-10-13',
    commentsReceived: 2,
    commentRecord: '收到意见2条，采纳1条，1条已反馈不予采纳理由',
  }).expect(200);
  expect((await step(docId, 'sign-off', 'leader', { finalAttribute: 'proactive' }).expect(200)).body.stage).toBe('releasing');

  const today = shanghaiDateOf(Date.now());
  await step(docId, 'record-publication', 'clerk', {
    channel: 'intranet',
    url: 'http://oa.huangyan.example/80',
    publishedOn: today,
  }).expect(200);
  // Changed while the portal is still owed: the running workflow takes it, no new run.
  const changed = await step(docId, 'record-change', 'clerk', { summary: '第五条申请材料清单更正', changedOn: today }).expect(200);
  expect(changed.body).toMatchObject({ stage: 'releasing', status: 'open' });
  expect(changed.body.document.changes).toEqual([expect.objectContaining({ no: 1, carriers: ['intranet'], completedOn: null })]);
  expect(changed.body.clocks.find((c: { id: string }) => c.id === 'change:1').events[0]).toMatchObject({
    type: 'started',
    date: today,
    workingDays: 20,
  });
  const updated = await step(docId, 'publish-change', 'clerk', {
    changeNo: 1,
    channel: 'intranet',
    url: 'http://oa.huangyan.example/80?v=2',
    publishedOn: today,
  }).expect(200);
  expect(updated.body.clocks.find((c: { id: string }) => c.id === 'change:1').closed).toBe(true);
  await step(docId, 'record-publication', 'clerk', {
    channel: 'portal',
    url: 'https://www.huangyan.gov.cn/zfxxgk/80',
    publishedOn: today,
  }).expect(200);
  const done = await step(docId, 'record-interpretation', 'department', {
    title: '政策解读',
    url: 'https://www.huangyan.gov.cn/jd/80',
    publishedOn: today,
  }).expect(200);
  expect(done.body).toMatchObject({ stage: 'released', status: 'closed' });

  const handle = stack.env.client.workflow.getHandle(`document-${docId}`);
  await handle.result();
  const history = await handle.fetchHistory();
  const markers = (history.events ?? []).map((e) => e.markerRecordedEventAttributes?.markerName).filter((n) => n === 'core_patch');
  expect(markers).toHaveLength(2); // document-secrecy-review-levels, document-sign-off-after-public-comment
  if (process.env.UPDATE_HISTORIES === '1') {
    fs.writeFileSync(path.join(__dirname, 'histories', 'document-public-comment-change.json'), historyToJSON(history));
  }
});
