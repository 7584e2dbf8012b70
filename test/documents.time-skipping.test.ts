/**
 * Document release on the real time-skipping server with real activities on real
 * PostgreSQL: the full 主动公开 path (publication, interpretation, deposit, catalogue), the
 * return-to-drafter loop, secrecy escalation, a joint document waiting for its co-issuer,
 * release clocks going overdue and escalating under two profiles, the half-yearly 不予公开
 * register, the November self-check converting a document, and 索引号 under concurrent releases;
 * the two secrecy review levels signed by two people; a 黄岩 draft policy's public comment, a
 * 毕节 pre-disclosure and a change to a released document (its completed run reopened).
 * Dates of the new clocks are hand-worked (2026 National Day: 10-01..07 off, Sat 10-10 worked).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { createActivities } from '../activities';
import { endOfDayShanghai, shanghaiDateOf } from '../domain/calendar/dates';
import { parseIndexNo } from '../domain/documents/catalogue';
import type { DocumentRegistration, DocumentState } from '../domain/documents/types';
import { findRuleProfile } from '../domain/rulesets';
import { executeReopeningUpdate } from '../api/routes/document-reopen';
import { documentRelease } from '../workflows/document';
import * as m from '../workflows/document-messages';
import { documentSelfCheck, nonDisclosureRegister } from '../workflows/document-registers';
import { type Actors, demoActors } from './support/application-harness';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTimeSkippingServer } from './support/temporal';
import { pollUntil } from './support/eventually';
import { addWorkingDays, workingDaysBefore } from './support/hand-calendar';
import type { StepResult } from '../workflows/runtime/case-runtime';
import { registeredState, stepThenRead } from './support/case-steps';

const TASK_QUEUE = 'documents-time-skipping';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let actors: Actors;

beforeAll(async () => {
  [env, database] = await Promise.all([startTimeSkippingServer(), createTestDatabase()]);
  actors = await demoActors(database.db);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({
      db: database.db,
      agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' },
    }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await database?.drop();
});

const today = async () => shanghaiDateOf(await env.currentTimeMs());
let counter = 0;

function registration(overrides: Partial<DocumentRegistration> = {}): DocumentRegistration {
  return {
    title: '关于进一步做好安全生产大检查工作的通知',
    docNumber: `示应急发〔2026〕${++counter}号`,
    kind: '通知',
    normative: false,
    issuingDepartment: 'yjglk',
    coIssuers: [],
    proposedAttribute: 'proactive',
    containsWithheldContent: false,
    category: '02',
    description: '部署全市安全生产大检查',
    keywords: ['安全生产', '大检查'],
    timeLimit: 'long-term',
    ...overrides,
  };
}

async function register(reg: DocumentRegistration, profileId = 'national-2019', agencyCode = 'demo') {
  counter += 1;
  const docId = `2026-${String(700000 + counter * 10 + Math.floor(Math.random() * 10)).slice(-6)}`;
  const handle = await env.client.workflow.start(documentRelease, {
    workflowId: `document-${docId}`,
    taskQueue: TASK_QUEUE,
    args: [{ docId, agencyCode, profile: findRuleProfile(profileId)!, registration: reg, inherited: null, submittedBy: actors.department }],
  });
  const state = await registeredState(handle, m.awaitDocumentRegistrationUpdate, m.documentStateQuery);
  return { handle, state, docId };
}

function act<P>(handle: WorkflowHandle, update: UpdateDefinition<StepResult, [P]>, payload: P): Promise<DocumentState> {
  return stepThenRead(handle, update, payload, m.documentStateQuery);
}

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return (error as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('the step was not refused');
}

async function sleepUntil(instant: string, deltaMs = 0): Promise<void> {
  const target = Date.parse(instant) + deltaMs;
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

const clockOf = (state: DocumentState, id: string) => state.clocks.find((c) => c.id === id);

/** Office verification and both secrecy levels passed. */
async function throughReview(handle: WorkflowHandle): Promise<DocumentState> {
  await act(handle, m.verifyUpdate, { actor: actors.clerk });
  await act(handle, m.reviewDocumentSecrecyUpdate, {
    actor: actors.reviewer,
    level: 1,
    conclusion: 'pass',
    basis: '《保守国家秘密法》及本单位定密目录',
    notes: '不涉及国家秘密',
    participants: ['李承办'],
  });
  return act(handle, m.reviewDocumentSecrecyUpdate, {
    actor: actors.leader,
    level: 2,
    conclusion: 'pass',
    basis: '一级审查意见',
    notes: '同意',
    participants: [],
  });
}

async function events(docId: string): Promise<Array<{ type: string; payload: any; occurred_at: Date }>> {
  return database.db
    .selectFrom('document_events')
    .select(['type', 'payload', 'occurred_at'])
    .where('doc_id', '=', docId)
    .orderBy('seq')
    .execute();
}

it('主动公开, normative (桦甸): reviews, sign-off, portal publication, interpretation within 3 WD, reading-room deposit, catalogue entry', async () => {
  const { handle, docId } = await register(registration({ normative: true, title: '示例市安全生产监督管理办法' }), 'huadian-001');
  await throughReview(handle);
  const signed = await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' });
  const signedOn = await today();
  expect(signed.stage).toBe('releasing');
  expect(clockOf(signed, 'publication:portal')!.derived!.due).toBe(addWorkingDays(signedOn, 20));
  expect(clockOf(signed, 'reading-room')!.derived!.due).toBe(addWorkingDays(signedOn, 20));
  expect(clockOf(signed, 'interpretation')).toBeUndefined();
  expect(
    await refused(
      act(handle, m.recordInterpretationUpdate, {
        actor: actors.clerk,
        title: '解读',
        url: 'https://example.gov.cn/jd/1',
        publishedOn: signedOn,
      }),
    ),
  ).toContain('公开后才能登记政策解读');

  await env.sleep('2 days');
  const publishedOn = await today();
  const published = await act(handle, m.recordPublicationUpdate, {
    actor: actors.clerk,
    channel: 'portal',
    url: 'https://example.gov.cn/zfxxgk/1',
    publishedOn,
  });
  expect(published.indexNo).toMatch(/^220282-002-02-\d{4}-00001$/);
  const interpretationClock = clockOf(published, 'interpretation')!;
  expect(interpretationClock.derived!.due).toBe(addWorkingDays(publishedOn, 3));
  expect(interpretationClock.derived!.steps[0]!.explanation).toContain('起算3个工作日');

  await act(handle, m.recordInterpretationUpdate, {
    actor: actors.department,
    title: '《示例市安全生产监督管理办法》政策解读',
    url: 'https://example.gov.cn/jd/1',
    publishedOn,
  });
  const done = await act(handle, m.recordDepositUpdate, {
    actor: actors.clerk,
    place: '市档案馆政府信息查阅中心',
    depositedOn: publishedOn,
  });
  expect(done).toMatchObject({ stage: 'released', closed: true, finalAttribute: 'proactive' });
  expect(done.interpretation).toMatchObject({ url: 'https://example.gov.cn/jd/1' });
  expect(await handle.result()).toMatchObject({ stage: 'released' });

  expect((await events(docId)).map((e) => e.type)).toEqual([
    'registered',
    'office-verified',
    'secrecy-reviewed',
    'secrecy-reviewed',
    'signed-off',
    'published',
    'interpretation-published',
    'deposited',
  ]);
  const reviews = await database.db.selectFrom('document_reviews').selectAll().where('doc_id', '=', docId).orderBy('event_seq').execute();
  expect(reviews.map((r) => r.kind)).toEqual(['office-verification', 'secrecy-1', 'secrecy-2', 'sign-off']);
  const first = reviews[1]!;
  expect(first).toMatchObject({
    subject: expect.stringContaining('示例市安全生产监督管理办法'),
    basis: expect.stringContaining('保守国家秘密法'),
    reviewer: 'reviewer',
  });
  expect(first.participants).toEqual(['reviewer', '李承办']);
  expect(Number(first.retain_until.slice(0, 4)) - Number(first.reviewed_on.slice(0, 4))).toBe(3);
  await expect(database.db.deleteFrom('document_reviews').where('doc_id', '=', docId).execute()).rejects.toThrow(/append-only/);
  await expect(database.db.updateTable('document_events').set({ type: 'x' }).where('doc_id', '=', docId).execute()).rejects.toThrow(
    /append-only/,
  );

  const entry = await database.db.selectFrom('document_catalogue').selectAll().where('doc_id', '=', docId).executeTakeFirstOrThrow();
  expect(entry).toMatchObject({
    index_no: done.indexNo,
    produced_on: signedOn,
    attribute: 'proactive',
    category: '02',
    url: 'https://example.gov.cn/zfxxgk/1',
  });
  expect(entry.review_summary).toContain('一级保密审查');
});

it('主动公开, normative (黄岩): intranet within 1 WD, portal within 7 WD; public release on the portal starts the 3 WD interpretation clock and the catalogue entry', async () => {
  const { handle } = await register(registration({ normative: true, title: '黄岩区行政规范性文件示例' }), 'huangyan-003');
  await throughReview(handle);
  await act(handle, m.exemptPublicCommentUpdate, {
    actor: actors.department,
    reason: 'emergency',
    explanation: '防汛应急，须立即施行（第四条）',
  });
  const signed = await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' });
  const signedOn = await today();
  expect(clockOf(signed, 'publication:intranet')!.derived!.due).toBe(addWorkingDays(signedOn, 1));
  expect(clockOf(signed, 'publication:portal')!.derived!.due).toBe(addWorkingDays(signedOn, 7));
  expect(clockOf(signed, 'reading-room')).toBeUndefined();
  const internal = await act(handle, m.recordPublicationUpdate, {
    actor: actors.clerk,
    channel: 'intranet',
    url: 'http://oa.example/1',
    publishedOn: signedOn,
  });
  expect(internal.indexNo).toBeNull();
  expect(clockOf(internal, 'interpretation')).toBeUndefined();
  await env.sleep('1 day');
  const portalOn = await today();
  const onPortal = await act(handle, m.recordPublicationUpdate, {
    actor: actors.clerk,
    channel: 'portal',
    url: 'https://www.example.gov.cn/1',
    publishedOn: portalOn,
  });
  expect(onPortal.indexNo).toMatch(/^331003-002-02-\d{4}-00001$/);
  expect(clockOf(onPortal, 'interpretation')!.derived!.due).toBe(addWorkingDays(portalOn, 3));
  const done = await act(handle, m.recordInterpretationUpdate, {
    actor: actors.department,
    title: '政策解读',
    url: 'https://www.example.gov.cn/jd/1',
    publishedOn: portalOn,
  });
  expect(done.stage).toBe('released');
});

it('secrecy review levels: the unit head signs level 1, the leader in charge level 2, one person never both (409 reasons)', async () => {
  const { handle, docId } = await register(registration());
  await act(handle, m.verifyUpdate, { actor: actors.clerk });
  const level1 = { level: 1 as const, conclusion: 'pass' as const, basis: '定密目录', notes: '不涉密', participants: [] };
  const level2 = { level: 2 as const, conclusion: 'pass' as const, basis: '一级审查意见', notes: '同意', participants: [] };
  expect(await refused(act(handle, m.reviewDocumentSecrecyUpdate, { actor: actors.leader, ...level1 }))).toBe(
    '一级保密审查由科室负责人（审核人）签署',
  );
  await act(handle, m.reviewDocumentSecrecyUpdate, { actor: actors.reviewer, ...level1 });
  expect(await refused(act(handle, m.reviewDocumentSecrecyUpdate, { actor: actors.reviewer, ...level2 }))).toBe(
    '审核人（科室负责人）不能签署二级保密审查，须由分管领导签署',
  );
  // The unit head, since made a leader, is still the person who signed level 1.
  expect(await refused(act(handle, m.reviewDocumentSecrecyUpdate, { actor: { ...actors.reviewer, role: 'leader' }, ...level2 }))).toBe(
    '同一人不能签署两级保密审查：一级保密审查已由reviewer签署',
  );
  const reviewed = await act(handle, m.reviewDocumentSecrecyUpdate, { actor: actors.leader, ...level2 });
  expect(reviewed.stage).toBe('awaiting-sign-off');
  expect(reviewed.secrecy).toMatchObject({ firstLevel: { by: 'reviewer' }, secondLevel: { by: 'leader' } });
  const reviews = await database.db
    .selectFrom('document_reviews')
    .select(['kind', 'reviewer', 'reviewer_role'])
    .where('doc_id', '=', docId)
    .orderBy('event_seq')
    .execute();
  expect(reviews).toEqual([
    { kind: 'office-verification', reviewer: 'clerk', reviewer_role: 'clerk' },
    { kind: 'secrecy-1', reviewer: 'reviewer', reviewer_role: 'reviewer' },
    { kind: 'secrecy-2', reviewer: 'leader', reviewer_role: 'leader' },
  ]);
});

it('黄岩 draft policy: public comment of at least 7 WD with its 起草说明 before sign-off; ending early is refused naming the earliest date', async () => {
  const { handle, docId } = await register(
    registration({ normative: true, title: '黄岩区农村宅基地管理办法（征求意见稿）' }),
    'huangyan-003',
  );
  await throughReview(handle);
  expect(await refused(act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' }))).toContain(
    '行政规范性文件草案须先附起草说明公开征求意见，时间不少于7个工作日',
  );
  const opened = await act(handle, m.openPublicCommentUpdate, {
    actor: actors.department,
    startedOn: '2026-09-28',
    channel: '区政府门户网站',
    url: 'https://www.huangyan.gov.cn/zqyj/1',
    draftingNote: '制定的必要性和可行性、拟解决的主要问题、主要措施及起草依据',
  });
  // Mon 2026-09-28 + 7 WD: 09-29 (1), 09-30 (2), National Day 10-01..07 off, 10-08 (3), 10-09 (4), Sat 10-10 make-up day (5), 10-12 (6), 10-13 (7).
  expect(opened.publicComment).toMatchObject({ startedOn: '2026-09-28', minimumWorkingDays: 7, earliestEndOn: '2026-10-13', ended: null });
  expect(opened.publicComment!.derivation[0]).toContain('起算7个工作日');
  // The minimum is no deadline: no clock, nothing on the supervisor's screen.
  expect(opened.clocks).toEqual([]);
  expect(await refused(act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' }))).toBe(
    '公开征求意见尚未结束（最早于2026-10-13结束），须登记意见采纳情况后才能签发',
  );
  expect(
    await refused(
      act(handle, m.closePublicCommentUpdate, {
        actor: actors.department,
        endedOn: '2026-10-12',
        commentsReceived: 4,
        commentRecord: '采纳3条',
      }),
    ),
  ).toBe('征求社会公众意见的时间不得少于7个工作日：自2026-09-28起算，最早于2026-10-13结束');
  const closed = await act(handle, m.closePublicCommentUpdate, {
    actor: actors.department,
    endedOn: '2026-10-13',
    commentsReceived: 4,
    commentRecord: '收到意见4条，采纳3条；1条不予采纳，已在网站反馈理由',
  });
  expect(closed.publicComment!.ended).toMatchObject({ endedOn: '2026-10-13', commentsReceived: 4 });
  const signed = await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' });
  expect(signed.stage).toBe('releasing');
  const types = (await events(docId)).map((e) => e.type);
  expect(types).toEqual([
    'registered',
    'office-verified',
    'secrecy-reviewed',
    'secrecy-reviewed',
    'public-comment-opened',
    'public-comment-closed',
    'signed-off',
  ]);
  const [openedEvent] = (await events(docId)).filter((e) => e.type === 'public-comment-opened');
  expect(openedEvent!.payload).toMatchObject({ earliestEndOn: '2026-10-13', draftingNote: expect.stringContaining('必要性') });
});

it('毕节 pre-disclosure: at most 7 WD, its own clock (overdue when it runs past its end), and the leader signs after it ended', async () => {
  const { handle, docId } = await register(registration({ title: '关于调整全市A级景区门票价格的决定（草案）', kind: '决定' }), 'bijie-004');
  await throughReview(handle);
  const pre = {
    actor: actors.department,
    startedOn: '2026-09-28',
    channel: '局门户网站',
    url: 'https://wlj.bijie.gov.cn/ygk/1',
    summary: '调整方案及理由',
  };
  expect(await refused(act(handle, m.recordPreDisclosureUpdate, { ...pre, workingDays: 8 }))).toBe(
    '预公开时间自向社会发布之日起不得超过7个工作日（五），拟定的8个工作日过长',
  );
  const recorded = await act(handle, m.recordPreDisclosureUpdate, { ...pre, workingDays: 7 });
  const clock = clockOf(recorded, 'pre-disclosure')!;
  // Hand-worked as above: 2026-09-28 + 7 WD = 2026-10-13.
  expect(clock).toMatchObject({
    rule: 'documentRelease.preDisclosureMaximum',
    closed: false,
    derived: expect.objectContaining({ due: '2026-10-13', totalWorkingDays: 7 }),
  });
  expect(await refused(act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' }))).toBe(
    '重大行政决策预公开尚未结束（自2026-09-28起7个工作日），须听取意见后再作决定',
  );
  // Entered in December, the pre-disclosure is long past its end: the clock escalates at once.
  await handle.query(m.documentStateQuery);
  const overdue = await pollUntil(
    async () => (await events(docId)).filter((e) => e.type === 'clock-overdue'),
    (found) => found.length > 0,
    { timeoutMs: 10_000, everyMs: 50 },
  );
  expect(overdue.map((e) => e.payload)).toEqual([
    expect.objectContaining({
      clockId: 'pre-disclosure',
      due: '2026-10-13',
      notify: ['department:gkb', 'department-head:yjglk', 'role:supervisor'],
    }),
  ]);
  const ended = await act(handle, m.endPreDisclosureUpdate, {
    actor: actors.department,
    endedOn: '2026-10-13',
    feedback: '收到意见12条，方案已据此调整',
  });
  expect(clockOf(ended, 'pre-disclosure')).toMatchObject({ closed: true, derived: expect.objectContaining({ status: 'stopped' }) });
  expect((await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' })).stage).toBe('releasing');
  expect(await refused(act(handle, m.recordPreDisclosureUpdate, { ...pre, workingDays: 5 }))).toContain('不能登记预公开');
});

it('a change to a released document (毕节): its completed run is reopened by a new run, a 10 WD clock from the change, closed once the portal shows it', async () => {
  const { handle, docId } = await register(registration({ title: '毕节市文化旅游惠民措施' }), 'bijie-004');
  await throughReview(handle);
  await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' });
  const publishedOn = await today();
  await act(handle, m.recordPublicationUpdate, {
    actor: actors.clerk,
    channel: 'portal',
    url: 'https://wlj.bijie.gov.cn/zc/1',
    publishedOn,
  });
  const released = await handle.result();
  expect(released).toMatchObject({ stage: 'released', closed: true });
  const firstRun = (await handle.describe()).runId;

  const row = await database.db.selectFrom('documents').select(['state', 'status']).where('doc_id', '=', docId).executeTakeFirstOrThrow();
  expect(row.status).toBe('closed');
  const doc = { workflowId: `document-${docId}`, agencyCode: 'demo', taskQueue: TASK_QUEUE, state: row.state as DocumentState };
  const changedOn = await today();
  const result = await executeReopeningUpdate(env.client, doc, m.recordChangeUpdate, {
    actor: actors.department,
    summary: '惠民措施适用期限延长至2027年',
    changedOn,
  });
  expect(result).toEqual({ seq: expect.any(Number), stage: 'updating' });
  const reopened = await env.client.workflow.getHandle(`document-${docId}`).query(m.documentStateQuery);
  expect(reopened).toMatchObject({
    stage: 'updating',
    closed: false,
    changes: [expect.objectContaining({ no: 1, carriers: ['portal'], completedOn: null })],
  });
  const change = clockOf(reopened, 'change:1')!;
  expect(change).toMatchObject({
    rule: 'documentRelease.changes',
    closed: false,
    events: [expect.objectContaining({ type: 'started', date: changedOn, workingDays: 10 })],
  });
  expect(change.derived).toMatchObject({ status: 'running', totalWorkingDays: 10 });
  expect(change.derived!.steps[0]!.explanation).toContain('起算10个工作日');
  const second = env.client.workflow.getHandle(`document-${docId}`);
  expect((await second.describe()).runId).not.toBe(firstRun);
  expect(
    await database.db.selectFrom('documents').select(['status', 'stage']).where('doc_id', '=', docId).executeTakeFirstOrThrow(),
  ).toEqual({ status: 'open', stage: 'updating' });

  expect(
    await refused(
      act(second, m.publishChangeUpdate, {
        actor: actors.clerk,
        changeNo: 1,
        channel: 'gazette',
        url: 'https://x/1',
        publishedOn: changedOn,
      }),
    ),
  ).toBe('本公文未在「gazette」发布；变更应在原发布载体（portal）上更新');
  const updated = await act(second, m.publishChangeUpdate, {
    actor: actors.clerk,
    changeNo: 1,
    channel: 'portal',
    url: 'https://wlj.bijie.gov.cn/zc/1?v=2',
    publishedOn: changedOn,
  });
  expect(updated).toMatchObject({ stage: 'released', closed: true, changes: [expect.objectContaining({ completedOn: changedOn })] });
  expect(clockOf(updated, 'change:1')!.closed).toBe(true);
  expect(await second.result()).toMatchObject({ stage: 'released' });
  expect((await events(docId)).map((e) => e.type).slice(-3)).toEqual(['published', 'change-recorded', 'change-published']);
  expect(
    await database.db.selectFrom('documents').select(['status', 'stage', 'last_seq']).where('doc_id', '=', docId).executeTakeFirstOrThrow(),
  ).toEqual({ status: 'closed', stage: 'released', last_seq: updated.seq });
});

it('return-to-drafter loop: no attribute, then no reasons, each round recorded, then verified', async () => {
  const { handle, state, docId } = await register(registration({ proposedAttribute: null }));
  expect(state.stage).toBe('drafted');
  expect(await refused(act(handle, m.verifyUpdate, { actor: actors.clerk }))).toContain('未拟定公开属性');
  const r1 = await act(handle, m.returnToDrafterUpdate, { actor: actors.clerk, missing: ['attribute'], notes: '请拟定公开属性' });
  expect(r1.stage).toBe('returned');
  expect(await refused(act(handle, m.verifyUpdate, { actor: actors.clerk }))).toContain('已退回拟稿人');
  expect(await refused(act(handle, m.resubmitUpdate, { actor: actors.department, proposedAttribute: 'on-request' }))).toContain(
    '须写明理由',
  );
  // A reason of substance missing: the office returns it again.
  await act(handle, m.resubmitUpdate, { actor: actors.department, proposedAttribute: 'on-request', attributeReasons: '见附件' });
  await act(handle, m.returnToDrafterUpdate, { actor: actors.clerk, missing: ['reasons'], notes: '理由不充分，请写明依据' });
  const resubmitted = await act(handle, m.resubmitUpdate, {
    actor: actors.department,
    proposedAttribute: 'on-request',
    attributeReasons: '涉及特定企业生产工艺，公开可能损害第三方合法权益（条例第十五条）',
  });
  expect(resubmitted.returns.map((r) => ({ round: r.round, missing: r.missing, resubmitted: r.resubmittedOn !== null }))).toEqual([
    { round: 1, missing: ['attribute'], resubmitted: true },
    { round: 2, missing: ['reasons'], resubmitted: true },
  ]);
  const verified = await act(handle, m.verifyUpdate, { actor: actors.clerk });
  expect(verified.stage).toBe('secrecy-review');
  expect((await events(docId)).map((e) => e.type)).toEqual([
    'registered',
    'returned-to-drafter',
    'resubmitted',
    'returned-to-drafter',
    'resubmitted',
    'office-verified',
  ]);
  const reviews = await database.db
    .selectFrom('document_reviews')
    .select(['kind', 'conclusion'])
    .where('doc_id', '=', docId)
    .orderBy('event_seq')
    .execute();
  expect(reviews.map((r) => r.kind)).toEqual(['office-return', 'office-return', 'office-verification']);
  expect(reviews[1]!.conclusion).toContain('第2次退回');
});

it('secrecy review that cannot determine goes to the secrecy authority on its 10 + 7 WD clock', async () => {
  const { handle } = await register(registration());
  await act(handle, m.verifyUpdate, { actor: actors.clerk });
  const sent = await act(handle, m.reviewDocumentSecrecyUpdate, {
    actor: actors.reviewer,
    level: 1,
    conclusion: 'cannot-determine',
    basis: '定密目录未涵盖',
    notes: '涉及应急物资储备点位',
    participants: [],
    authority: '市国家保密局',
  });
  const sentOn = await today();
  const escalation = clockOf(sent, 'secrecy-escalation')!;
  expect(escalation.derived!.due).toBe(addWorkingDays(sentOn, 10));
  expect(
    await refused(
      act(handle, m.reviewDocumentSecrecyUpdate, {
        actor: actors.leader,
        level: 2,
        conclusion: 'pass',
        basis: 'x',
        notes: 'x',
        participants: [],
      }),
    ),
  ).toContain('等待答复');
  expect(await refused(act(handle, m.extendDocumentSecrecyEscalationUpdate, { actor: actors.reviewer, workingDays: 8 }))).toContain(
    '7个工作日',
  );
  const extended = await act(handle, m.extendDocumentSecrecyEscalationUpdate, { actor: actors.reviewer, workingDays: 7 });
  expect(clockOf(extended, 'secrecy-escalation')!.derived!.due).toBe(addWorkingDays(escalation.derived!.due!, 7));
  await act(handle, m.answerDocumentSecrecyEscalationUpdate, {
    actor: actors.reviewer,
    conclusion: 'may-disclose',
    notes: '不属于国家秘密',
    answeredOn: await today(),
  });
  const second = await act(handle, m.reviewDocumentSecrecyUpdate, {
    actor: actors.leader,
    level: 2,
    conclusion: 'pass',
    basis: '保密局答复',
    notes: '同意',
    participants: [],
  });
  expect(second.stage).toBe('awaiting-sign-off');
  expect(clockOf(second, 'secrecy-escalation')!.closed).toBe(true);
});

it('secrecy review finding secrets sends the document back to the drafter, who must change its attribute', async () => {
  const { handle, docId } = await register(registration());
  await act(handle, m.verifyUpdate, { actor: actors.clerk });
  const failed = await act(handle, m.reviewDocumentSecrecyUpdate, {
    actor: actors.reviewer,
    level: 1,
    conclusion: 'fail',
    basis: '定密目录第3项',
    notes: '含应急物资储备点位',
    participants: [],
  });
  expect(failed.stage).toBe('returned');
  expect(failed.returns.at(-1)).toMatchObject({ round: 1, missing: ['attribute'], notes: expect.stringContaining('保密审查认定涉密') });
  await act(handle, m.resubmitUpdate, { actor: actors.department, proposedAttribute: 'not-disclosed', attributeReasons: '属于国家秘密' });
  const reviewed = await throughReview(handle);
  expect(reviewed.stage).toBe('awaiting-sign-off');
  const reviews = await database.db
    .selectFrom('document_reviews')
    .select(['kind', 'conclusion'])
    .where('doc_id', '=', docId)
    .orderBy('event_seq')
    .execute();
  expect(reviews.map((r) => r.kind)).toEqual(['office-verification', 'secrecy-1', 'office-verification', 'secrecy-1', 'secrecy-2']);
  expect(reviews[1]!.conclusion).toContain('涉密，不得公开');
});

it('a joint document waits for its co-issuer’s agreement on the attribute before sign-off', async () => {
  const { handle, docId } = await register(registration({ coIssuers: ['示例市财政局'] }));
  const reviewed = await throughReview(handle);
  expect(reviewed.stage).toBe('awaiting-co-issuers');
  expect(await refused(act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' }))).toContain(
    '等待联合发文单位（示例市财政局）',
  );
  expect(
    await refused(act(handle, m.recordCoIssuerUpdate, { actor: actors.clerk, coIssuer: '示例市教育局', agreed: true, notes: '' })),
  ).toContain('不是本公文的联合发文单位');
  const agreed = await act(handle, m.recordCoIssuerUpdate, {
    actor: actors.clerk,
    coIssuer: '示例市财政局',
    agreed: true,
    notes: '同意主动公开',
  });
  expect(agreed.stage).toBe('awaiting-sign-off');
  expect(
    await refused(act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'on-request', reasons: '涉及第三方' })),
  ).toContain('重新征得联合发文单位同意');
  const signed = await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' });
  expect(signed.stage).toBe('releasing');
  const review = await database.db
    .selectFrom('document_reviews')
    .select(['participants', 'conclusion'])
    .where('doc_id', '=', docId)
    .where('kind', '=', 'co-issuer')
    .executeTakeFirstOrThrow();
  expect(review.participants).toContain('示例市财政局');
  expect(review.conclusion).toContain('同意公开属性「主动公开」');
});

describe.each([
  ['huangyan-003', 'intranet', 1, []],
  ['bijie-004', 'portal', 5, [2]],
])('release clock overdue under %s', (profileId, channel, workingDays, reminders) => {
  it(`${channel} within ${workingDays} WD: reminders ${JSON.stringify(reminders)} WD before, no escalation before the day ends, escalation to the supervisor after`, async () => {
    const { handle, docId } = await register(registration(), profileId);
    await throughReview(handle);
    const signed = await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' });
    const signedOn = await today();
    const publication = clockOf(signed, `publication:${channel}`)!;
    expect(publication.derived!.due).toBe(addWorkingDays(signedOn, workingDays));
    expect(publication.dueAt).toBe(endOfDayShanghai(publication.derived!.due!).toISOString());

    await sleepUntil(publication.dueAt!, -60_000);
    const overdueOf = async () =>
      (await events(docId)).filter((e) => e.type === 'clock-overdue' && e.payload.clockId === `publication:${channel}`);
    expect(await overdueOf()).toEqual([]);
    const sent = (await events(docId)).filter((e) => e.type === 'clock-reminder' && e.payload.clockId === `publication:${channel}`);
    expect(sent.map((e) => e.payload.workingDaysBefore)).toEqual(reminders);
    for (const e of sent)
      expect(shanghaiDateOf(e.occurred_at)).toBe(workingDaysBefore(publication.derived!.due!, e.payload.workingDaysBefore));
    await sleepUntil(publication.dueAt!, 60_000);
    await handle.query(m.documentStateQuery);
    const [overdue] = await overdueOf();
    expect(overdue!.payload).toMatchObject({
      due: publication.derived!.due,
      notify: ['department:gkb', 'department-head:yjglk', 'role:supervisor'],
    });
    expect(shanghaiDateOf(overdue!.occurred_at)).toBe(shanghaiDateOf(Date.parse(publication.dueAt!)));
    const row = await database.db
      .selectFrom('documents')
      .select(['next_due', 'stage'])
      .where('doc_id', '=', docId)
      .executeTakeFirstOrThrow();
    expect(row.stage).toBe('releasing');
  });
});

it('a 不予公开 document appears in the half-yearly register (桦甸: by 31 March and 31 December), and only once', async () => {
  const agencyCode = 'register-test';
  const { handle, docId } = await register(
    registration({ proposedAttribute: 'not-disclosed', attributeReasons: '属于内部事务信息（条例第十六条）' }),
    'huadian-001',
    agencyCode,
  );
  await throughReview(handle);
  const signed = await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'not-disclosed' });
  expect(signed.stage).toBe('withheld');
  expect(signed.clocks.filter((c) => c.id.startsWith('publication'))).toEqual([]);

  const registerRun = await env.client.workflow.start(nonDisclosureRegister, {
    workflowId: `document-register-test-${docId}`,
    taskQueue: TASK_QUEUE,
    args: [{ agencyCode, profileId: 'huadian-001' }],
  });
  const compiled = await registerRun.executeUpdate(m.awaitRegisterCompiledUpdate);
  const now = await today();
  expect(compiled.docIds).toEqual([docId]);
  expect(compiled.dueOn).toBe(now <= `${now.slice(0, 4)}-03-31` ? `${now.slice(0, 4)}-03-31` : `${now.slice(0, 4)}-12-31`);
  const item = await database.db
    .selectFrom('document_register_items')
    .selectAll()
    .where('register_id', '=', compiled.registerId)
    .executeTakeFirstOrThrow();
  expect(item).toMatchObject({ doc_id: docId, attribute: 'not-disclosed', reasons: '属于内部事务信息（条例第十六条）' });
  await registerRun.executeUpdate(m.submitRegisterUpdate, { args: [{ actor: actors.clerk, submittedTo: '市政务公开办公室' }] });
  expect(await registerRun.result()).toMatchObject({ overdue: false, submitted: { by: 'clerk', submittedTo: '市政务公开办公室' } });
  expect(
    await database.db
      .selectFrom('document_registers')
      .select(['status', 'completed_by', 'completion_note'])
      .where('id', '=', compiled.registerId)
      .executeTakeFirstOrThrow(),
  ).toEqual({ status: 'completed', completed_by: 'clerk', completion_note: '报市政务公开办公室' });

  // The next register lists only what was not reported yet.
  const again = await env.client.workflow.start(nonDisclosureRegister, {
    workflowId: `document-register-test-again-${docId}`,
    taskQueue: TASK_QUEUE,
    args: [{ agencyCode, profileId: 'huadian-001' }],
  });
  expect((await again.executeUpdate(m.awaitRegisterCompiledUpdate)).docIds).toEqual([]);
  await again.executeUpdate(m.submitRegisterUpdate, {
    args: [{ actor: actors.clerk, submittedTo: '市政务公开办公室', note: '本期无新增' }],
  });
  await again.result();
});

it('the November self-check (吕梁) lists withheld documents; converting one restarts its release clocks from the conversion', async () => {
  const agencyCode = 'self-check-test';
  const a = await register(
    registration({ proposedAttribute: 'on-request', attributeReasons: '仅涉及特定群体' }),
    'lvliang-000',
    agencyCode,
  );
  const b = await register(registration({ proposedAttribute: 'not-disclosed', attributeReasons: '过程性信息' }), 'lvliang-000', agencyCode);
  for (const { handle } of [a, b]) {
    await throughReview(handle);
    await act(handle, m.signOffDocumentUpdate, {
      actor: actors.leader,
      finalAttribute: (await handle.query(m.documentStateQuery)).proposedAttribute!,
    });
  }
  await env.sleep('1 day');
  const selfCheck = await env.client.workflow.start(documentSelfCheck, {
    workflowId: `document-self-check-test-${a.docId}`,
    taskQueue: TASK_QUEUE,
    args: [{ agencyCode, profileId: 'lvliang-000' }],
  });
  const opened = await selfCheck.executeUpdate(m.awaitSelfCheckOpenedUpdate);
  const now = await today();
  const month = Number(now.slice(5, 7));
  expect(opened.dueOn).toBe(month <= 11 ? `${now.slice(0, 4)}-11-30` : `${Number(now.slice(0, 4)) + 1}-11-30`);
  expect(opened.items.map((i) => [i.docId, i.attribute])).toEqual([
    [a.docId, 'on-request'],
    [b.docId, 'not-disclosed'],
  ]);

  const conversionDay = await today();
  await selfCheck.executeUpdate(m.decideSelfCheckItemUpdate, {
    args: [{ actor: actors.clerk, docId: a.docId, decision: 'convert', reasons: '相关工作已结束，可以主动公开' }],
  });
  expect(
    await refused(
      selfCheck.executeUpdate(m.decideSelfCheckItemUpdate, {
        args: [{ actor: actors.clerk, docId: a.docId, decision: 'confirm', reasons: 'x' }],
      }),
    ),
  ).toContain('已有自查结论');
  await selfCheck.executeUpdate(m.decideSelfCheckItemUpdate, {
    args: [{ actor: actors.clerk, docId: b.docId, decision: 'confirm', reasons: '仍属过程性信息' }],
  });
  expect(await selfCheck.result()).toMatchObject({ completed: true, overdue: false });

  const converted = await pollUntil(
    () => a.handle.query(m.documentStateQuery),
    (state) => state.stage === 'releasing',
    { timeoutMs: 10_000, everyMs: 50 },
  );
  expect(converted).toMatchObject({
    stage: 'releasing',
    finalAttribute: 'proactive',
    conversion: { from: 'on-request', on: conversionDay },
  });
  const portal = clockOf(converted, 'publication:portal')!;
  expect(portal.events[0]).toMatchObject({ type: 'started', date: conversionDay, reason: '经自查转为主动公开' });
  expect(portal.derived!.due).toBe(addWorkingDays(conversionDay, 20));
  expect((await b.handle.query(m.documentStateQuery)).stage).toBe('withheld');
  // Listed as 依申请公开 since sign-off, the entry keeps its 索引号 and becomes 主动公开 once published.
  const listed = await database.db
    .selectFrom('document_catalogue')
    .select(['index_no', 'attribute', 'url'])
    .where('doc_id', '=', a.docId)
    .executeTakeFirstOrThrow();
  expect(listed).toMatchObject({ index_no: converted.indexNo, attribute: 'on-request', url: null });
  expect(
    await database.db.selectFrom('document_catalogue').select('index_no').where('doc_id', '=', b.docId).executeTakeFirst(),
  ).toBeUndefined();
  const released = await act(a.handle, m.recordPublicationUpdate, {
    actor: actors.clerk,
    channel: 'portal',
    url: 'https://example.gov.cn/zc/1',
    publishedOn: await today(),
  });
  expect(released).toMatchObject({ stage: 'released', indexNo: listed.index_no });
  expect(
    await database.db.selectFrom('document_catalogue').select(['attribute', 'url']).where('doc_id', '=', a.docId).executeTakeFirstOrThrow(),
  ).toEqual({ attribute: 'proactive', url: 'https://example.gov.cn/zc/1' });
  const task = await database.db
    .selectFrom('document_registers')
    .select(['status', 'kind'])
    .where('workflow_id', '=', `document-self-check-test-${a.docId}`)
    .executeTakeFirstOrThrow();
  expect(task).toEqual({ status: 'completed', kind: 'self-check' });
  const review = await database.db
    .selectFrom('document_reviews')
    .select('conclusion')
    .where('doc_id', '=', a.docId)
    .where('kind', '=', 'self-check')
    .executeTakeFirstOrThrow();
  expect(review.conclusion).toBe('由「依申请公开」转为「主动公开」');
});

it('索引号 are unique and gap-free when many documents are released at once', async () => {
  const n = 20;
  const docs = await Promise.all(
    Array.from({ length: n }, (_, i) => register(registration({ category: '04', title: `工作信息${i + 1}` }))),
  );
  await Promise.all(
    docs.map(async ({ handle }) => {
      await throughReview(handle);
      await act(handle, m.signOffDocumentUpdate, { actor: actors.leader, finalAttribute: 'proactive' });
    }),
  );
  const publishedOn = await today();
  const released = await Promise.all(
    docs.map(({ handle, docId }) =>
      act(handle, m.recordPublicationUpdate, {
        actor: actors.clerk,
        channel: 'portal',
        url: `https://example.gov.cn/${docId}`,
        publishedOn,
      }),
    ),
  );
  expect(released.every((s) => s.stage === 'released')).toBe(true);
  const numbers = released.map((s) => s.indexNo!);
  expect(new Set(numbers).size).toBe(n);
  const parts = numbers.map((x) => parseIndexNo(x)!);
  expect(new Set(parts.map((p) => `${p.regionCode}-${p.departmentCode}-${p.category}-${p.year}`))).toEqual(
    new Set([`000000-002-04-${publishedOn.slice(0, 4)}`]),
  );
  expect(parts.map((p) => p.sequence).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
});

// Last: it skips to the register's due date (up to 31 December), past every other test's dates.
it('a 不予公开 register not reported by 24:00 on its due date is marked overdue and escalated to the supervisor', async () => {
  const run = await env.client.workflow.start(nonDisclosureRegister, {
    workflowId: 'document-register-test-overdue',
    taskQueue: TASK_QUEUE,
    args: [{ agencyCode: 'register-overdue-test', profileId: 'huadian-001' }],
  });
  const compiled = await run.executeUpdate(m.awaitRegisterCompiledUpdate);
  const dueAt = endOfDayShanghai(compiled.dueOn).toISOString();
  const status = async () =>
    await database.db
      .selectFrom('document_registers')
      .select(['status', 'notify'])
      .where('id', '=', compiled.registerId)
      .executeTakeFirstOrThrow();
  await sleepUntil(dueAt, -60_000);
  expect((await status()).status).toBe('open');
  await sleepUntil(dueAt, 60_000);
  expect((await run.query(m.registerStateQuery)).overdue).toBe(true);
  expect(await status()).toEqual({ status: 'overdue', notify: ['department:gkb', 'role:supervisor'] });
  await run.executeUpdate(m.submitRegisterUpdate, { args: [{ actor: actors.clerk, submittedTo: '市政务公开办公室', note: '逾期报备' }] });
  expect(await run.result()).toMatchObject({ overdue: true, submitted: { submittedTo: '市政务公开办公室' } });
});
