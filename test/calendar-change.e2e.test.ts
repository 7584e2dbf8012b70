/**
 * An admin's calendar override re-dates the open clocks of citizen messages and documents
 * (issue 15): `PUT /api/admin/calendar/overrides/:date` records a revision, the broadcast
 * workflow sends `calendarChanged` to every open case, and each re-derives its dates.
 *
 * Every expected date is worked out by hand below, never with the product's calendar code.
 * 2026 around National Day: Sun 09-20 and Sat 10-10 are make-up working days; 10-01..10-07 are
 * holidays; Mon 09-28, Tue 09-29, Wed 09-30, Thu 10-08, Fri 10-09, Mon 10-12 … are working days.
 *
 *   clock                                   from        N   before the override          after 10-09 becomes a holiday
 *   message, policy question (毕节 3 WD)      Wed 09-30   3   10-08, 10-09, 10-10 → 10-10   10-08, 10-10, 10-12 → 10-12
 *   document pre-disclosure (毕节 ≤ 7 WD)      Mon 09-28   7   09-29, 09-30, 10-08, 10-09,   09-29, 09-30, 10-08, 10-10,
 *                                                              10-10, 10-12, 10-13 → 10-13   10-12, 10-13, 10-14 → 10-14
 *   draft policy comment, earliest end       Mon 09-28   7   → 10-13 (as above)           → 10-14 (as above)
 *   (黄岩 ≥ 7 WD)
 * Setting 10-09 back to a working day restores the first column.
 */
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';
import { pollUntil } from './support/eventually';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('calendar-change-e2e');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const as = (user: string) => stack.as(user);
const post = (path: string, user: string, payload: object = {}) => request(stack.app).post(path).set(as(user)).send(payload);
const get = async (path: string) => (await request(stack.app).get(path).set(as('supervisor')).expect(200)).body;

// Polling a real server, not waiting on a clock.
const until = <T>(probe: () => Promise<T>, ok: (value: T) => boolean) => pollUntil(probe, ok, { timeoutMs: 15_000 });

const document = (overrides: Record<string, unknown>) => ({
  title: '关于调整景区门票价格的决定（草案）',
  docNumber: '毕文旅发〔2026〕9号',
  kind: '决定',
  normative: false,
  proposedAttribute: 'proactive',
  category: '03',
  description: '调整A级景区门票价格',
  keywords: ['门票'],
  ...overrides,
});

/** Registered and through the office and both secrecy levels. */
async function reviewedDocument(overrides: Record<string, unknown>): Promise<string> {
  const docId = (await post('/api/documents', 'department', document(overrides)).expect(201)).body.docId as string;
  await post(`/api/documents/${docId}/verify`, 'clerk').expect(200);
  await post(`/api/documents/${docId}/review-secrecy`, 'reviewer', {
    level: 1,
    conclusion: 'pass',
    basis: '定密目录',
    notes: '不涉密',
  }).expect(200);
  await post(`/api/documents/${docId}/review-secrecy`, 'leader', {
    level: 2,
    conclusion: 'pass',
    basis: '一级审查意见',
    notes: '同意',
  }).expect(200);
  return docId;
}

const override = (date: string, kind: string) =>
  request(stack.app)
    .put(`/api/admin/calendar/overrides/${date}`)
    .set(as('admin'))
    .send({ kind, reason: '市政府通知：台风停工（测试）' })
    .expect(200);

it('a holiday declared on Fri 2026-10-09 moves the open message and document clocks; declared a working day again, they move back', async () => {
  const message = await post('/api/messages', 'clerk', {
    type: 'policy-question',
    channel: 'mailbox',
    subject: '景区门票优惠政策',
    content: '老年人门票是否减免',
    receivedOn: '2026-09-30',
    writer: { name: '孙八', phone: '13600000000' },
    ruleProfileId: 'bijie-004',
  }).expect(201);
  const messageId = message.body.id as string;
  expect(message.body.clock).toMatchObject({ due: '2026-10-10', totalWorkingDays: 3 });

  const decision = await reviewedDocument({ ruleProfileId: 'bijie-004' });
  const pre = await post(`/api/documents/${decision}/record-pre-disclosure`, 'department', {
    startedOn: '2026-09-28',
    channel: '局门户网站',
    url: 'https://wlj.bijie.gov.cn/ygk/9',
    summary: '调价方案及理由',
    workingDays: 7,
  }).expect(200);
  expect(pre.body.clocks.find((c: { id: string }) => c.id === 'pre-disclosure').due).toBe('2026-10-13');

  const draft = await reviewedDocument({
    ruleProfileId: 'huangyan-003',
    normative: true,
    title: '黄岩区农村宅基地管理办法（征求意见稿）',
    docNumber: '黄政办发〔2026〕9号',
    kind: '通知',
  });
  const comment = await post(`/api/documents/${draft}/open-public-comment`, 'department', {
    startedOn: '2026-09-28',
    channel: '区政府门户网站',
    url: 'https://www.huangyan.gov.cn/zqyj/9',
    draftingNote: '制定的必要性和可行性、主要措施及起草依据',
  }).expect(200);
  expect(comment.body.document.publicComment.earliestEndOn).toBe('2026-10-13');

  const dates = async () => ({
    message: (await get(`/api/messages/${messageId}`)).clock.due as string,
    preDisclosure: ((await get(`/api/documents/${decision}`)).clocks as Array<{ id: string; due: string }>).find(
      (c) => c.id === 'pre-disclosure',
    )!.due,
    commentEarliestEnd: (await get(`/api/documents/${draft}`)).document.publicComment.earliestEndOn as string,
  });

  const holiday = await override('2026-10-09', 'holiday');
  expect(holiday.body.broadcast.workflowId).toBe(`calendar-broadcast-${holiday.body.revision}`);
  const moved = { message: '2026-10-12', preDisclosure: '2026-10-14', commentEarliestEnd: '2026-10-14' };
  expect(await until(dates, (d) => JSON.stringify(d) === JSON.stringify(moved))).toEqual(moved);
  const recomputed = (await get(`/api/documents/${decision}`)).events.filter((e: { type: string }) => e.type === 'clocks-recomputed');
  expect(recomputed.at(-1).payload.dues['pre-disclosure']).toBe('2026-10-14');
  const derivation = ((await get(`/api/documents/${decision}`)).clocks as Array<{ id: string; calendarVersion: string }>).find(
    (c) => c.id === 'pre-disclosure',
  )!;
  expect(derivation.calendarVersion).toBe(holiday.body.calendarVersion);
  // The minimum end moved too: ending the comment on 10-13 is now one working day short.
  expect(
    (
      await post(`/api/documents/${draft}/close-public-comment`, 'department', {
        endedOn: '2026-10-13',
        commentsReceived: 0,
        commentRecord: '未收到意见',
      }).expect(409)
    ).body.error.message,
  ).toBe('征求社会公众意见的时间不得少于7个工作日：自2026-09-28起算，最早于2026-10-14结束');

  await override('2026-10-09', 'workday');
  const restored = { message: '2026-10-10', preDisclosure: '2026-10-13', commentEarliestEnd: '2026-10-13' };
  expect(await until(dates, (d) => JSON.stringify(d) === JSON.stringify(restored))).toEqual(restored);
});
