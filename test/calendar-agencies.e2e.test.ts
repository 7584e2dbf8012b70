/**
 * Each agency's cases run on its own calendar (issue 20): the platform's, with the agency's own
 * overrides on top. An sfj admin's local holiday moves the sfj case's reply due date and not the
 * demo case's, and its broadcast re-dates sfj's open cases only; a platform admin's holiday moves
 * both. The worker's activities find each case's agency from its workflow id (no workflow change).
 */
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';
import { pollUntil } from './support/eventually';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('calendar-agencies-e2e', { secondAgency: true });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const as = (user: string) => stack.as(user);

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

type Day = { date: string; working: boolean; kind: string; origin: string };
const days = async (user: string, from: string, to: string): Promise<Day[]> =>
  (await request(stack.app).get(`/api/calendar/days?from=${from}&to=${to}`).set(as(user)).expect(200)).body.days;
const replyDue = async (user: string, caseNo: string): Promise<string> =>
  (await request(stack.app).get(`/api/applications/${caseNo}`).set(as(user)).expect(200)).body.replyDue;
const nextWorkingDay = async (user: string, date: string): Promise<string> =>
  (await request(stack.app).get(`/api/calendar/add-working-days?from=${date}&days=1`).set(as(user)).expect(200)).body.due;

it('an sfj-only holiday moves the sfj case’s due date and not the demo case’s; a platform holiday moves both', async () => {
  const submit = async (user: string, idNumber: string) =>
    (
      await request(stack.app)
        .post('/api/applications')
        .set(as(user))
        .send({ ...INTAKE, applicant: { ...INTAKE.applicant, idNumber } })
        .expect(201)
    ).body as { caseNo: string; replyDue: string; receivedOn: string };
  const demo = await submit('clerk', '91110000MA01CALA18');
  const sfj = await submit('sfj.clerk', '91110000MA01CALB2C');
  expect(sfj.caseNo).toMatch(/^sfj-/);
  expect(sfj.replyDue).toBe(demo.replyDue);
  const due = demo.replyDue;

  // sfj's admin declares the last working day before the due date a local holiday.
  const before = await days('sfj.clerk', sfj.receivedOn, due);
  const local = before.filter((d) => d.working && d.date !== due).at(-1)!.date;
  const changed = await request(stack.app)
    .put(`/api/admin/calendar/overrides/${local}`)
    .set(as('sfj.admin'))
    .send({ kind: 'holiday', reason: '司法局本地停工（测试）' })
    .expect(200);
  const broadcast = await stack.env.client.workflow.getHandle(changed.body.broadcast.workflowId).result();
  expect(broadcast.signalled).toBe(1); // sfj's one open case, not demo's

  const sfjDue = await pollUntil(
    () => replyDue('sfj.clerk', sfj.caseNo),
    (d) => d !== due,
    { timeoutMs: 15_000, everyMs: 250 },
  );
  expect(sfjDue).toBe(await nextWorkingDay('sfj.clerk', due));
  expect(await replyDue('clerk', demo.caseNo)).toBe(due);
  // The calendars as each agency's callers see them.
  expect((await days('sfj.clerk', local, local))[0]).toMatchObject({ working: false, kind: 'holiday', origin: 'override' });
  expect((await days('clerk', local, local))[0]).toMatchObject({ working: true });
  // Each agency's admin sees its own calendar's changes only.
  const revisionsOf = async (user: string) =>
    ((await request(stack.app).get('/api/admin/calendar/revisions').set(as(user)).expect(200)).body.revisions as Array<{ id: string }>).map(
      (r) => r.id,
    );
  expect(await revisionsOf('sfj.admin')).toContain(changed.body.revision);
  expect(await revisionsOf('admin')).not.toContain(changed.body.revision);
  // Another agency's override is not the demo admin's to remove.
  await request(stack.app).delete(`/api/admin/calendar/overrides/${local}`).set(as('admin')).send({ reason: '撤销' }).expect(404);

  // The platform's admin declares an earlier working day a holiday for every agency: both cases move.
  const shared = before.filter((d) => d.working && d.date !== due && d.date !== local).at(-1)!.date;
  const platform = await request(stack.app)
    .put(`/api/admin/calendar/overrides/${shared}`)
    .set(as('platform.admin'))
    .send({ kind: 'holiday', reason: '全市停工（测试）' })
    .expect(200);
  const everyAgency = await stack.env.client.workflow.getHandle(platform.body.broadcast.workflowId).result();
  expect(everyAgency.signalled).toBe(2);
  const demoDue = await pollUntil(
    () => replyDue('clerk', demo.caseNo),
    (d) => d !== due,
    { timeoutMs: 15_000, everyMs: 250 },
  );
  expect(demoDue).toBe(await nextWorkingDay('clerk', due));
  const sfjAfter = await pollUntil(
    () => replyDue('sfj.clerk', sfj.caseNo),
    (d) => d !== sfjDue,
    { timeoutMs: 15_000, everyMs: 250 },
  );
  expect(sfjAfter).toBe(await nextWorkingDay('sfj.clerk', sfjDue));
  expect((await days('clerk', shared, shared))[0]).toMatchObject({ working: false, origin: 'override' });

  // Audited as whose change it was: sfj's override as sfj's, the platform's as nobody's agency.
  const rows = await stack.database.db
    .selectFrom('audit_log')
    .select(['target', 'agency_code'])
    .where('action', '=', 'admin.calendar-override-set')
    .orderBy('id')
    .execute();
  expect(rows).toEqual([
    { target: `calendar:${local}`, agency_code: 'sfj' },
    { target: `calendar:${shared}`, agency_code: null },
  ]);
}, 120_000);
