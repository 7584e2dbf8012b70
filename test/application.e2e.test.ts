/**
 * End to end through the HTTP API against the real Temporal dev server and real PostgreSQL:
 * a clerk submits, the case is accepted, assigned, proposed, reviewed, decided, signed and
 * delivered, and the events the database recorded agree with the Temporal history.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { solveChallenge } from '../api/routes/public-guard';
import { caseEvents, storedEventMatches } from '../db/repositories/case-events';
import { type ApiStack, startApiStack } from './support/api-stack';
import { pollUntil } from './support/eventually';

let stack: ApiStack;
let env: ApiStack['env'];
let database: ApiStack['database'];
let app: ApiStack['app'];
let as: ApiStack['as'];
let post: ApiStack['post'];

beforeAll(async () => {
  stack = await startApiStack('applications-e2e');
  ({ env, database, app, as, post } = stack);
});

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
  purpose: '企业合规研究',
  form: 'email',
  delivery: 'email',
};

it('rejects a bad intake naming the field, and refuses other roles', async () => {
  const bad = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ ...INTAKE, applicant: { ...INTAKE.applicant, idType: 'resident-id' } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('applicant.idType');
  const noChannel = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ ...INTAKE, channel: 'pigeon' });
  expect(noChannel.body.error.details[0].field).toBe('channel');
  expect((await request(app).post('/api/applications').set(as('department')).send(INTAKE)).status).toBe(403);
  expect((await request(app).post('/api/applications').send(INTAKE)).status).toBe(401);
  expect(await database.db.selectFrom('applications').select('case_no').execute()).toEqual([]);
});

it('walks a case from submission to delivery through the API; the database and the Temporal history agree', async () => {
  const submitted = await request(app).post('/api/applications').set(as('clerk')).send(INTAKE);
  expect(submitted.status).toBe(201);
  const { caseNo, queryCode } = submitted.body;
  expect(caseNo).toMatch(/^demo-\d{4}-\d{6}$/);
  expect(queryCode).toMatch(/^[A-Z0-9]{10}$/);
  expect(submitted.body.stage).toBe('registered');
  const reply = submitted.body.clocks.find((c: { id: string }) => c.id === 'reply');
  expect(reply).toMatchObject({ statutory: true, status: 'running', remainingWorkingDays: 20 });
  expect(reply.derivation[0].explanation).toContain('起算20个工作日');
  expect(submitted.body.documents.map((d: { kind: string }) => d.kind)).toEqual(['receipt']);

  // The applicant sees progress with the query code, and nothing personal.
  // (查询码 plus the last four of the phone, with a solved challenge; the code alone opens nothing.)
  const challenge = await request(app).get('/api/public/challenge').query({ purpose: 'lookup' });
  const publicView = await request(app)
    .post('/api/public/lookup')
    .set('X-Proof-Of-Work', solveChallenge(challenge.body.token, challenge.body.bits))
    .send({ queryCode, factor: '6666' });
  expect(publicView.status).toBe(200);
  expect(publicView.body.progress).toMatchObject({ caseNo, stage: 'registered', replyDue: reply.due, closed: false });
  expect(JSON.stringify(publicView.body)).not.toContain('某某安全技术有限公司');
  expect((await request(app).get(`/api/public/applications/${queryCode}`)).status).toBe(404);

  expect((await post(caseNo, 'accept', 'clerk')).status).toBe(200);
  expect((await post(caseNo, 'accept', 'clerk')).status).toBe(409);
  expect((await post(caseNo, 'assign', 'clerk', { departmentCode: 'xxzx' })).body.stage).toBe('assigned');
  const otherDepartment = await post(caseNo, 'propose', 'department', { outcome: 'disclosed', summary: 'x', reasons: 'y' });
  expect(otherDepartment.status).toBe(403); // the demo department user belongs to yjglk
  expect((await post(caseNo, 'assign', 'clerk', { departmentCode: 'yjglk', assignee: 'department' })).body.stage).toBe('assigned');
  const badProposal = await post(caseNo, 'propose', 'department', { outcome: 'published-somewhere', summary: 'x', reasons: 'y' });
  expect(badProposal.status).toBe(400);
  expect(badProposal.body.error.details[0].field).toBe('outcome');
  expect(
    (
      await post(caseNo, 'propose', 'department', {
        outcome: 'partially-disclosed',
        summary: '检查结果汇总表',
        reasons: '个别企业商业秘密需区分处理',
      })
    ).status,
  ).toBe(200);

  const early = await post(caseNo, 'decide', 'clerk', { outcome: 'partially-disclosed', reasons: 'x', legalBasis: '第三十七条' });
  expect(early.status).toBe(409);
  expect(early.body.error.message).toContain('保密审查');

  expect((await post(caseNo, 'review-secrecy', 'reviewer', { level: 1, conclusion: 'pass', notes: '不涉及国家秘密' })).status).toBe(200);
  expect((await post(caseNo, 'review-secrecy', 'leader', { level: 2, conclusion: 'pass', notes: '同意' })).status).toBe(200);
  expect(
    (
      await post(caseNo, 'decide', 'clerk', {
        outcome: 'partially-disclosed',
        reasons: '涉及商业秘密的部分不予公开，其余公开',
        legalBasis: '《中华人民共和国政府信息公开条例》第三十七条',
      })
    ).status,
  ).toBe(200);
  expect((await post(caseNo, 'sign-off', 'clerk')).status).toBe(403);
  expect((await post(caseNo, 'sign-off', 'leader')).body.stage).toBe('signed');
  expect((await post(caseNo, 'deliver', 'clerk', { method: 'email', deliveredOn: shanghaiDateOf(Date.now()) })).body.stage).toBe(
    'delivered',
  );
  const closed = await post(caseNo, 'close', 'clerk');
  expect(closed.body).toMatchObject({ stage: 'closed', status: 'closed', outcome: 'partially-disclosed' });
  expect((await request(app).post('/api/applications/2026-999999/accept').set(as('clerk')).send({})).status).toBe(404);

  const detail = await request(app).get(`/api/applications/${caseNo}`).set(as('supervisor'));
  const dbEvents: Array<{ seq: number; type: string; actor: string }> = detail.body.events;
  expect(dbEvents.map((e) => e.type)).toEqual([
    'submitted',
    'accepted',
    'assigned',
    'reassigned',
    'proposed',
    'secrecy-reviewed',
    'secrecy-reviewed',
    'decided',
    'signed',
    'delivered',
    'closed',
  ]);
  expect(dbEvents.map((e) => e.actor)).toEqual([
    'clerk',
    'clerk',
    'clerk',
    'clerk',
    'department',
    'reviewer',
    'leader',
    'clerk',
    'leader',
    'clerk',
    'clerk',
  ]);
  const replyDoc = detail.body.documents.find((d: { kind: string }) => d.kind === 'reply');
  const html = await request(app)
    .get(`/api/applications/${caseNo}/documents/${encodeURIComponent(replyDoc.docNo)}`)
    .set(as('clerk'));
  expect(html.status).toBe(200);
  expect(html.headers['content-type']).toContain('text/html');
  expect(html.text).toContain('部分公开');
  expect(html.text).toContain(replyDoc.docNo);

  const listed = await request(app).get('/api/applications?status=closed').set(as('supervisor'));
  expect(listed.body.items.map((i: { caseNo: string }) => i.caseNo)).toContain(caseNo);

  // The history holds one recordApplicationEvent per database event, in order, with the digest
  // of the row as it was written (seq, type, actor, instant, payload): each stored row matches it.
  const handle = env.client.workflow.getHandle(`application-${caseNo}`);
  const history = await handle.fetchHistory();
  const json = (payload: { data?: Uint8Array | null } | undefined) => JSON.parse(Buffer.from(payload!.data!).toString('utf8'));
  const recorded = (history.events ?? [])
    .map((e) => e.markerRecordedEventAttributes)
    .filter(
      (a) => a?.markerName === 'core_local_activity' && json(a.details!.data!.payloads![0]).activity_type === 'recordApplicationEvent',
    )
    .map((a) => json(a!.details!.result!.payloads![0]) as { digest: string });
  const rows = await caseEvents(database.db, 'application', caseNo);
  expect(rows.map((r) => [r.seq, r.type])).toEqual(dbEvents.map((e) => [e.seq, e.type]));
  expect(rows).toHaveLength(recorded.length);
  rows.forEach((row, i) => {
    expect(recorded[i]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(storedEventMatches(row, recorded[i]!.digest)).toBe(true);
  });
  // A changed row no longer matches: the digest pins the payload, the actor and the instant.
  const [first] = rows;
  expect(storedEventMatches({ ...first!, payload: { ...(first!.payload as object), note: 'x' } }, recorded[0]!.digest)).toBe(false);
  expect(storedEventMatches({ ...first!, actor_username: 'someone' }, recorded[0]!.digest)).toBe(false);
  expect(storedEventMatches({ ...first!, seq: first!.seq + 1 }, recorded[0]!.digest)).toBe(false);
  expect(storedEventMatches({ ...first!, occurred_at: new Date(first!.occurred_at.getTime() + 1) }, recorded[0]!.digest)).toBe(false);

  if (process.env.UPDATE_HISTORIES === '1') {
    fs.writeFileSync(path.join(__dirname, 'histories', 'application-partially-disclosed.json'), historyToJSON(history));
  }
});

it('flags a near-identical application by the same applicant as a possible 重复申请', async () => {
  const first = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ ...INTAKE, applicant: { ...INTAKE.applicant, idNumber: '91110000MA01DUPE9Q' } });
  const second = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
      ...INTAKE,
      applicant: { ...INTAKE.applicant, idNumber: '91110000MA01DUPE9Q' },
      description: '2026年第三季度本市危险化学品企业执法检查结果。',
    });
  expect(second.status).toBe(201);
  expect(second.body.possibleDuplicates).toEqual([first.body.caseNo]);
});

it('an admin’s calendar change re-dates every open case through the broadcast workflow', async () => {
  const submitted = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ ...INTAKE, applicant: { ...INTAKE.applicant, idNumber: '91110000MA01CALX1U' }, description: '应急物资储备库年度盘点报告' });
  const due: string = submitted.body.replyDue;
  const days = await request(app).get(`/api/calendar/days?from=${submitted.body.receivedOn}&to=${due}`).set(as('clerk'));
  const workday = days.body.days.filter((d: { working: boolean; date: string }) => d.working && d.date !== due).at(-1).date;
  const changed = await request(app)
    .put(`/api/admin/calendar/overrides/${workday}`)
    .set(as('admin'))
    .send({ kind: 'holiday', reason: '台风红色预警停工' });
  expect(changed.status).toBe(200);
  expect(changed.body.broadcast.workflowId).toBe(`calendar-broadcast-${changed.body.revision}`);
  const result = await env.client.workflow.getHandle(changed.body.broadcast.workflowId).result();
  expect(result.signalled).toBeGreaterThanOrEqual(1);

  // The signal lands asynchronously.
  const view = await pollUntil(
    () => request(app).get(`/api/applications/${submitted.body.caseNo}`).set(as('clerk')),
    (v) => v.body.replyDue !== due,
    { timeoutMs: 10_000, everyMs: 250 },
  );
  const next = await request(app).get(`/api/calendar/add-working-days?from=${due}&days=1`).set(as('clerk'));
  expect(view.body.replyDue).toBe(next.body.due);
  expect(view.body.events.map((e: { type: string }) => e.type)).toContain('clocks-recomputed');
  expect(view.body.clocks.find((c: { id: string }) => c.id === 'reply').calendarVersion).toBe(changed.body.calendarVersion);
});
