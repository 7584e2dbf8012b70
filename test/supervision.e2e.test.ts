/**
 * The supervisor's screen on the real stack: the clock projection follows every step (an
 * overdue case, a paused one, a closed one that disappears), counts per department, inboxes
 * fed by the workflows' reminders and escalations, the ladder's leader rung from the sweep,
 * and the admin's reconciliation finding and repairing drift.
 */
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { loadCalendar } from '../db/repositories/calendar';
import { type ApiStack, startApiStack } from './support/api-stack';
import { eventually as poll } from './support/eventually';

let stack: ApiStack;
const TASK_QUEUE = 'supervision-e2e';

beforeAll(async () => {
  stack = await startApiStack(TASK_QUEUE);
});

afterAll(async () => {
  await stack?.stop();
});

const eventually = <T>(probe: () => Promise<T | null | undefined | false>, what: string) =>
  poll(probe, what, { timeoutMs: 30_000, everyMs: 200 });

const applicant = (name: string) => ({
  type: 'natural-person',
  name,
  idType: 'resident-id',
  idNumber: '110101198501011239',
  phone: '13600000000',
  address: '某市某区某路1号',
});

it('shows every open clock by urgency, keeps inboxes, climbs the ladder and reconciles with Temporal', async () => {
  const { app, as, post, database } = stack;
  const calendar = await loadCalendar(database.db);
  const today = shanghaiDateOf(Date.now());
  // Received 25 working days ago: the 20 WD reply clock ran out some 5 working days ago.
  const longAgo = calendar.workingDaysBefore(today, 25);
  const late = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
      channel: 'in-person',
      receivedOn: longAgo,
      applicant: applicant('周一'),
      description: '2025年度防汛物资储备清单',
      form: 'paper',
      delivery: 'post',
    });
  const fresh = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ channel: 'in-person', applicant: applicant('吴二'), description: '2026年应急演练计划', form: 'paper', delivery: 'post' });
  expect([late.status, fresh.status]).toEqual([201, 201]);
  const lateNo: string = late.body.caseNo;
  const freshNo: string = fresh.body.caseNo;

  // The late case's workflow notices at once that its clocks ran out and escalates.
  const overdue = await eventually(async () => {
    const res = await request(app).get('/api/supervision/clocks?status=overdue&kind=application').set(as('supervisor'));
    return res.body.items.some((c: { caseRef: string; clockId: string }) => c.caseRef === lateNo && c.clockId === 'reply') && res.body;
  }, 'the overdue reply clock');
  const reply = overdue.items.find((c: { caseRef: string; clockId: string }) => c.caseRef === lateNo && c.clockId === 'reply');
  const dueDate = calendar.addWorkingDays(longAgo, 20).due;
  const lateBy = calendar.countWorkingDays(dueDate, today); // 4 or 5, as today is a working day or not
  expect(reply).toMatchObject({
    kind: 'application',
    label: '答复期限',
    dueDate,
    urgency: 'overdue',
    unit: 'working-days',
    remaining: -lateBy,
    paused: false,
    link: `/console/cases/application/${lateNo}`,
  });
  const running = await request(app).get('/api/supervision/clocks?status=running').set(as('supervisor'));
  expect(
    running.body.items.find((c: { caseRef: string; clockId: string }) => c.caseRef === freshNo && c.clockId === 'reply'),
  ).toMatchObject({ urgency: 'running', remaining: 20 });

  // Pausing moves a clock to 'paused' with its days left; closing removes every clock of the case.
  await post(freshNo, 'accept', 'clerk');
  await post(freshNo, 'suspend', 'clerk', { reason: '因不可抗力中止办理', on: today });
  const paused = await request(app).get('/api/supervision/clocks?status=paused').set(as('leader'));
  expect(paused.body.items).toEqual([
    expect.objectContaining({ caseRef: freshNo, clockId: 'reply', urgency: 'paused', dueAt: null, remaining: 20 }),
  ]);
  const summary = await request(app).get('/api/supervision/summary').set(as('supervisor'));
  expect(summary.body.totals.paused).toBe(1);
  expect(summary.body.totals.overdue).toBeGreaterThanOrEqual(1);
  expect(summary.body.byDepartment).toEqual([expect.objectContaining({ departmentCode: null, paused: 1 })]); // nobody assigned yet
  await post(freshNo, 'withdraw', 'clerk', { on: today, reason: '申请人撤回申请' });
  expect(await database.db.selectFrom('case_clocks').select('clock_id').where('case_ref', '=', freshNo).execute()).toEqual([]);

  // Inboxes: the supervisor and the office's clerks heard of the overdue case.
  const supervisorInbox = await request(app).get('/api/inbox').set(as('supervisor'));
  const alert = supervisorInbox.body.notifications.find((n: { title: string }) => n.title === `【已逾期】依申请 ${lateNo} 答复期限`);
  expect(alert).toMatchObject({ kind: 'clock-overdue', readAt: null, link: `/console/cases/application/${lateNo}` });
  const clerkInbox = await request(app).get('/api/inbox').set(as('clerk'));
  expect(clerkInbox.body.tasks.map((t: { caseRef: string }) => t.caseRef)).toContain(lateNo);
  expect(clerkInbox.body.notifications.length).toBeGreaterThan(0);
  const read = await request(app).post(`/api/inbox/${alert.id}/read`).set(as('supervisor'));
  expect(read.status).toBe(200);
  expect((await request(app).get('/api/inbox').set(as('supervisor'))).body.unread).toBe(supervisorInbox.body.unread - 1);
  expect((await request(app).post(`/api/inbox/${alert.id}/read`).set(as('department'))).status).toBe(404); // not theirs

  // The ladder's last rung: 4–5 WD late ≥ 3 WD, so the sweep tells the leader, once.
  const sweep = () =>
    stack.env.client.workflow.execute('escalationSweep', { taskQueue: TASK_QUEUE, workflowId: `escalation-sweep-${Date.now()}` });
  expect(await sweep()).toMatchObject({ escalated: expect.any(Number) });
  expect(await sweep()).toMatchObject({ escalated: 0 });
  const leaderInbox = await request(app).get('/api/inbox').set(as('leader'));
  expect(leaderInbox.body.notifications.map((n: { title: string }) => n.title)).toContain(
    `【升级督办】依申请 ${lateNo} 答复期限逾期${lateBy}个工作日`,
  );

  // Drift: a lost row and a wrong due date are found and repaired from the workflow's own state.
  const inSync = await request(app).post('/api/admin/supervision/reconcile').set(as('admin'));
  expect(inSync.body).toMatchObject({ drifted: [], unreachable: [] });
  expect(inSync.body.checked).toBeGreaterThanOrEqual(1);
  await database.db.deleteFrom('case_clocks').where('case_ref', '=', lateNo).where('clock_id', '=', 'reply').execute();
  await database.db.updateTable('case_clocks').set({ due_date: '2099-01-01' }).where('case_ref', '=', lateNo).execute();
  const drift = await request(app).post('/api/admin/supervision/reconcile?repair=true').set(as('admin'));
  expect(drift.body.drifted).toEqual([expect.objectContaining({ workflowId: `application-${lateNo}`, missing: ['reply'], extra: [] })]);
  expect(drift.body.drifted[0].changed.length).toBeGreaterThan(0);
  expect(drift.body.repaired).toBe(1);
  expect((await request(app).post('/api/admin/supervision/reconcile').set(as('admin'))).body.drifted).toEqual([]);

  // Rights and input.
  expect((await request(app).get('/api/supervision/clocks').set(as('department'))).status).toBe(403);
  expect((await request(app).post('/api/admin/supervision/reconcile').set(as('supervisor'))).status).toBe(403);
  const bad = await request(app).get('/api/supervision/clocks?status=late&limit=0').set(as('supervisor'));
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['limit', 'status']);
});

it('puts 舆情 minute clocks and citizen-message clocks on the same screen, with their escalations', async () => {
  const { app, as, database } = stack;
  const firstSeenAt = new Date(Date.now() - 2 * 3_600_000).toISOString(); // the 1 h report of a 重大 incident is missed
  const incident = await request(app).post('/api/incidents').set(as('clerk')).send({
    grade: '重大',
    title: '网传某化工园区泄漏',
    source: 'media',
    link: 'https://example.cn/news/2',
    summary: '经初步核实为设备检修排气',
    firstSeenAt,
  });
  expect(incident.status).toBe(201);
  const message = await request(app)
    .post('/api/messages')
    .set(as('clerk'))
    .send({
      type: 'policy-question',
      channel: 'mailbox',
      subject: '应急避难场所开放时间',
      content: '请问本区应急避难场所何时开放',
      ruleProfileId: 'bijie-004',
      writer: { name: '冯三', phone: '13311112222' },
    });
  expect(message.status).toBe(201);

  const clocks = await eventually(async () => {
    const res = await request(app).get('/api/supervision/clocks?kind=incident').set(as('supervisor'));
    return (
      res.body.items.some((c: { clockId: string; urgency: string }) => c.clockId === 'report' && c.urgency === 'overdue') && res.body.items
    );
  }, 'the missed report clock');
  const report = clocks.find((c: { clockId: string }) => c.clockId === 'report');
  expect(report).toMatchObject({
    kind: 'incident',
    caseRef: incident.body.id,
    unit: 'minutes',
    dueDate: null,
    dueAt: new Date(Date.parse(firstSeenAt) + 3_600_000).toISOString(),
  });
  expect(report.remaining).toBeLessThanOrEqual(-59); // an hour late, in minutes
  expect(clocks.find((c: { clockId: string }) => c.clockId === 'response')).toMatchObject({ unit: 'minutes', urgency: 'running' }); // 24 h press-conference clock

  const messages = await request(app).get('/api/supervision/clocks?kind=message').set(as('supervisor'));
  expect(messages.body.items).toEqual([
    expect.objectContaining({ caseRef: message.body.id, unit: 'working-days', label: expect.any(String), remaining: 3 }),
  ]);
  expect(JSON.stringify(messages.body)).not.toContain('冯三');

  // The missed report reached the supervisor's and the leader's inboxes; the leader's rung is not repeated by the sweep.
  const titles = async (user: string) =>
    (await request(app).get('/api/inbox').set(as(user))).body.notifications.map((n: { title: string }) => n.title);
  expect(await titles('supervisor')).toContain(`【已逾期】舆情 ${incident.body.id} ${report.label}`);
  expect(await titles('leader')).toContain(`【已逾期】舆情 ${incident.body.id} ${report.label}`);
  await stack.env.client.workflow.execute('escalationSweep', {
    taskQueue: TASK_QUEUE,
    workflowId: `escalation-sweep-incident-${Date.now()}`,
  });
  expect((await titles('leader')).filter((t: string) => t.includes(`舆情 ${incident.body.id}`))).toHaveLength(1);

  const reconcile = await request(app).post('/api/admin/supervision/reconcile').set(as('admin'));
  expect(reconcile.body.drifted).toEqual([]);
  expect(reconcile.body.unreachable).toEqual([]);
  expect(await database.db.selectFrom('case_clocks').select('kind').distinct().orderBy('kind').execute()).toEqual(
    expect.arrayContaining([{ kind: 'incident' }, { kind: 'message' }]),
  );
});
