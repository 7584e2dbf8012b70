/**
 * Supervision across agencies on the real stack with two agencies (示例市应急管理局 `demo`,
 * 示例市司法局 `sfj`): each agency's supervisor, clerk and leader see their own agency's clocks,
 * counts, notices and annual report only; the platform's supervisor (the city's 政务公开办)
 * sees every agency's overdue clocks with per-agency counts and the agencies' reports side by
 * side; nobody else reaches the platform's view. An agency's admin reconciles their own cases' clocks.
 */
import request from 'supertest';
import { sendAnnualReportReminders } from '../activities/supervision';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { loadCalendar } from '../db/repositories/calendar';
import { type ApiStack, startApiStack } from './support/api-stack';
import { eventually as poll } from './support/eventually';

let stack: ApiStack;
const TASK_QUEUE = 'platform-supervision-e2e';

beforeAll(async () => {
  stack = await startApiStack(TASK_QUEUE, { secondAgency: true });
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

interface Clock {
  caseRef: string;
  clockId: string;
  agencyCode?: string;
  agencyName?: string;
}
interface Notice {
  id: string;
  title: string;
  kind: string;
}

it("keeps each agency's clocks, counts, inboxes and annual report apart, and shows the platform all of them", async () => {
  const { app, as, database } = stack;
  const calendar = await loadCalendar(database.db);
  const today = shanghaiDateOf(Date.now());
  // Received 25 working days ago: the 20 WD reply clocks ran out some 5 working days ago.
  const longAgo = calendar.workingDaysBefore(today, 25);
  const year = Number(longAgo.slice(0, 4));
  const start = (user: string, name: string) =>
    request(app)
      .post('/api/applications')
      .set(as(user))
      .send({
        channel: 'in-person',
        receivedOn: longAgo,
        applicant: applicant(name),
        description: '防汛物资储备清单',
        form: 'paper',
        delivery: 'post',
      })
      .expect(201);
  const demoLate: string = (await start('clerk', '周一')).body.caseNo;
  const demoSecond: string = (await start('clerk', '吴二')).body.caseNo;
  const sfjLate: string = (await start('sfj.clerk', '郑三')).body.caseNo;
  expect([demoLate, demoSecond, sfjLate]).toEqual([
    expect.stringMatching(/^demo-/),
    expect.stringMatching(/^demo-/),
    expect.stringMatching(/^sfj-/),
  ]);

  // The workflows notice at once that their clocks ran out; the platform sees all three.
  const overdueOf = async (user: string, path = '/api/supervision/clocks?status=overdue&limit=500') =>
    (await request(app).get(path).set(as(user)).expect(200)).body;
  await eventually(async () => {
    const body = await overdueOf('platform.supervisor', '/api/platform/supervision?limit=500');
    const refs = body.clocks.items.filter((c: Clock) => c.clockId === 'reply').map((c: Clock) => c.caseRef);
    return [demoLate, demoSecond, sfjLate].every((r) => refs.includes(r)) && body;
  }, 'three overdue reply clocks on the platform');

  // Each agency's supervisor: only their agency's clocks and counts.
  const refsOf = (body: { items: Clock[] }) => [...new Set(body.items.map((c) => c.caseRef))].sort();
  expect(refsOf(await overdueOf('supervisor'))).toEqual([demoLate, demoSecond].sort());
  expect(refsOf(await overdueOf('sfj.supervisor'))).toEqual([sfjLate]);
  expect(refsOf(await overdueOf('sfj.clerk', '/api/supervision/clocks?limit=500'))).toEqual([sfjLate]);
  const demoSummary = (await request(app).get('/api/supervision/summary').set(as('supervisor')).expect(200)).body;
  const sfjSummary = (await request(app).get('/api/supervision/summary').set(as('sfj.supervisor')).expect(200)).body;
  const demoOverdue = (await overdueOf('supervisor')).total as number;
  const sfjOverdue = (await overdueOf('sfj.supervisor')).total as number;
  expect(demoSummary.totals.overdue).toBe(demoOverdue);
  expect(sfjSummary.totals.overdue).toBe(sfjOverdue);
  expect(sfjOverdue).toBeGreaterThanOrEqual(1);
  expect(demoOverdue).toBeGreaterThan(sfjOverdue);

  // The platform: per-agency counts that add up, every clock naming its agency, filterable by agency.
  const platform = await overdueOf('platform.supervisor', '/api/platform/supervision?limit=500');
  expect(platform.byAgency).toEqual([
    expect.objectContaining({ agencyCode: 'demo', agencyName: '示例市应急管理局', overdue: demoOverdue, paused: 0 }),
    expect.objectContaining({ agencyCode: 'sfj', agencyName: '示例市司法局', overdue: sfjOverdue, paused: 0 }),
  ]);
  expect(platform.totals.overdue).toBe(demoOverdue + sfjOverdue);
  expect(platform.clocks.total).toBe(demoOverdue + sfjOverdue);
  expect(platform.clocks.items.find((c: Clock) => c.caseRef === sfjLate && c.clockId === 'reply')).toMatchObject({
    agencyCode: 'sfj',
    agencyName: '示例市司法局',
    urgency: 'overdue',
    link: `/console/cases/application/${sfjLate}`,
  });
  const onlySfj = await overdueOf('platform.supervisor', '/api/platform/supervision?agency=sfj&limit=500');
  expect(refsOf(onlySfj.clocks)).toEqual([sfjLate]);
  expect(onlySfj.byAgency).toHaveLength(2); // the counts stay the whole platform's
  expect((await request(app).get('/api/platform/supervision').set(as('platform.admin'))).status).toBe(200);
  // The platform supervisor's own screen is their own agency's (their department is demo's 督查室).
  expect(refsOf(await overdueOf('platform.supervisor'))).toEqual([demoLate, demoSecond].sort());

  // Nobody else reaches the platform's view; a bad filter names its field.
  for (const user of ['supervisor', 'sfj.supervisor', 'admin', 'sfj.admin', 'clerk']) {
    const res = await request(app).get('/api/platform/supervision').set(as(user));
    expect([user, res.status]).toEqual([user, 403]);
    expect((await request(app).get(`/api/platform/reports/annual?year=${year}`).set(as(user))).status).toBe(403);
  }
  const unknown = await request(app).get('/api/platform/supervision?agency=nosuch').set(as('platform.supervisor'));
  expect([unknown.status, unknown.body.error.details]).toEqual([404, [{ field: 'agency', message: 'no such agency' }]]);
  const bad = await request(app).get('/api/platform/supervision?agency=NO!&status=late').set(as('platform.supervisor'));
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['agency', 'status']);

  // Inboxes: a `role:supervisor` notice of a demo case reaches demo's supervisor, not sfj's — and back.
  const inbox = async (user: string) => (await request(app).get('/api/inbox').set(as(user)).expect(200)).body;
  const titled = (body: { notifications: Notice[] }, caseNo: string) =>
    body.notifications.filter((n) => n.title.includes(caseNo)).map((n) => n.kind);
  await eventually(async () => titled(await inbox('sfj.supervisor'), sfjLate).includes('clock-overdue'), "sfj's overdue notice");
  const demoSupervisor = await inbox('supervisor');
  const sfjSupervisor = await inbox('sfj.supervisor');
  expect(titled(demoSupervisor, demoLate)).toContain('clock-overdue');
  expect(titled(demoSupervisor, sfjLate)).toEqual([]);
  expect(titled(sfjSupervisor, sfjLate)).toContain('clock-overdue');
  expect(titled(sfjSupervisor, demoLate)).toEqual([]);
  expect(titled(sfjSupervisor, demoSecond)).toEqual([]);
  const sfjTasks = (await inbox('sfj.clerk')).tasks.map((t: Clock) => t.caseRef);
  expect(sfjTasks).toContain(sfjLate);
  expect(sfjTasks).not.toContain(demoLate);
  expect((await inbox('clerk')).tasks.map((t: Clock) => t.caseRef)).not.toContain(sfjLate);
  // Another agency's notice is not in my inbox to mark read: 404, as one that does not exist.
  const sfjNotice = sfjSupervisor.notifications.find((n: Notice) => n.title.includes(sfjLate))!;
  expect((await request(app).post(`/api/inbox/${sfjNotice.id}/read`).set(as('supervisor'))).status).toBe(404);
  expect((await request(app).post(`/api/inbox/${sfjNotice.id}/read`).set(as('sfj.supervisor'))).status).toBe(200);

  // The sweep's leader rung: each agency's leader hears of their own late cases only.
  await stack.env.client.workflow.execute('escalationSweep', { taskQueue: TASK_QUEUE, workflowId: `escalation-sweep-${Date.now()}` });
  const demoLeader = await inbox('leader');
  const sfjLeader = await inbox('sfj.leader');
  expect(titled(demoLeader, demoLate)).toContain('clock-escalated');
  expect(titled(demoLeader, sfjLate)).toEqual([]);
  expect(titled(sfjLeader, sfjLate)).toContain('clock-escalated');
  expect(titled(sfjLeader, demoLate)).toEqual([]);

  // The annual report's reminder about no case: one per agency, each in its own office's inbox.
  expect(await sendAnnualReportReminders(database.db, calendar, Date.parse('2026-01-05T01:00:00Z'))).toBe(4);
  const reminders = async (user: string) =>
    (await inbox(user)).notifications.filter((n: Notice) => n.kind === 'annual-report-reminder').map((n: Notice) => n.id);
  const [demoReminder, sfjReminder] = [await reminders('clerk'), await reminders('sfj.clerk')];
  expect([demoReminder.length, sfjReminder.length]).toEqual([1, 1]);
  expect(demoReminder[0]).not.toBe(sfjReminder[0]);
  expect((await request(app).post(`/api/inbox/${sfjReminder[0]}/read`).set(as('clerk'))).status).toBe(404);
  expect(await reminders('leader')).toHaveLength(1);

  // The annual report of one database: each agency counts its own cases (2 and 1 received in `year`).
  const received = (report: { table3: Array<{ row: string; counts: { total: number } }> }) =>
    report.table3.find((r) => r.row === '一')!.counts.total;
  const demoReport = (await request(app).get(`/api/reports/annual?year=${year}`).set(as('clerk')).expect(200)).body;
  const sfjReport = (await request(app).get(`/api/reports/annual?year=${year}`).set(as('sfj.clerk')).expect(200)).body;
  expect([received(demoReport), received(sfjReport)]).toEqual([2, 1]);
  const sfjHtml = await request(app).get(`/api/reports/annual?year=${year}&format=html`).set(as('sfj.leader')).expect(200);
  expect(sfjHtml.text).toContain(`示例市司法局${year}年政府信息公开工作年度报告`);
  const cell = async (user: string) =>
    (await request(app).get(`/api/reports/annual/cell?year=${year}&table=3&row=一&column=total`).set(as(user)).expect(200)).body.items.map(
      (i: { id: string }) => i.id,
    );
  expect((await cell('sfj.clerk')).sort()).toEqual([sfjLate]);
  expect((await cell('clerk')).sort()).toEqual([demoLate, demoSecond].sort());

  // The platform's reports: the agencies side by side, and one agency's full report by `agency`.
  const side = (await request(app).get(`/api/platform/reports/annual?year=${year}`).set(as('platform.supervisor')).expect(200)).body;
  expect(side).toMatchObject({
    year,
    agencies: [
      { agencyCode: 'demo', agencyName: '示例市应急管理局', figures: expect.objectContaining({ received: 2 }) },
      { agencyCode: 'sfj', agencyName: '示例市司法局', figures: expect.objectContaining({ received: 1 }) },
    ],
  });
  const full = (await request(app).get(`/api/platform/reports/annual?year=${year}&agency=sfj`).set(as('platform.admin')).expect(200)).body;
  expect(full).toMatchObject({ agencyCode: 'sfj', agencyName: '示例市司法局', year });
  expect(full.table3).toEqual(sfjReport.table3);
  const csv = await request(app).get(`/api/platform/reports/annual?year=${year}&agency=demo&format=csv`).set(as('platform.supervisor'));
  expect([csv.status, csv.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8']);
  const noAgency = await request(app).get(`/api/platform/reports/annual?year=${year}&format=csv`).set(as('platform.supervisor'));
  expect([noAgency.status, noAgency.body.error.details[0].field]).toEqual([400, 'format']);
  expect((await request(app).get(`/api/platform/reports/annual?year=${year}&agency=nosuch`).set(as('platform.supervisor'))).status).toBe(
    404,
  );

  // Reconciling the projection: an agency's admin checks their agency's cases; the platform's admin, all.
  await database.db.deleteFrom('case_clocks').where('case_ref', '=', sfjLate).where('clock_id', '=', 'reply').execute();
  const reconcile = async (user: string, repair = false) =>
    (await request(app).post(`/api/admin/supervision/reconcile?repair=${repair}`).set(as(user)).expect(200)).body;
  const demoCheck = await reconcile('admin');
  expect([demoCheck.checked, demoCheck.drifted]).toEqual([2, []]);
  const sfjCheck = await reconcile('sfj.admin', true);
  expect(sfjCheck).toMatchObject({
    checked: 1,
    repaired: 1,
    drifted: [expect.objectContaining({ workflowId: `application-${sfjLate}`, missing: ['reply'] })],
  });
  expect(await reconcile('platform.admin')).toMatchObject({ checked: 3, drifted: [] });
});
