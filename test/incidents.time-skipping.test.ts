/**
 * Public-opinion incidents on the real time-skipping server with real activities on real
 * PostgreSQL: a 重大 incident's 1 h report and 24 h press-conference clocks, regrading
 * mid-way, a missed response producing an accountability record (who, which clock, by how
 * much), rolling-update reminders, and the clarification approval rule of seed 001.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { createActivities } from '../activities';
import type { IncidentGradeLevel, IncidentKind, IncidentState } from '../domain/incidents/types';
import { findRuleProfile } from '../domain/rulesets';
import { incident } from '../workflows/incident';
import * as m from '../workflows/incident-messages';
import { type Actors, demoActors } from './support/application-harness';
import { eventually } from './support/eventually';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTimeSkippingServer } from './support/temporal';
import type { StepResult } from '../workflows/runtime/case-runtime';
import { registeredState, stepThenRead } from './support/case-steps';

const TASK_QUEUE = 'incidents-time-skipping';
const MIN = 60_000;
const HOUR = 60 * MIN;
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

let counter = 0;
async function start(grade: IncidentGradeLevel, options: { kind?: IncidentKind; seenMinutesAgo?: number; profileId?: string } = {}) {
  counter += 1;
  const id = `2026-${String(100000 + counter * 37 + Math.floor(Math.random() * 30)).padStart(6, '0')}`;
  const seenAt = (await env.currentTimeMs()) - (options.seenMinutesAgo ?? 0) * MIN;
  const handle = await env.client.workflow.start(incident, {
    workflowId: `incident-${id}`,
    taskQueue: TASK_QUEUE,
    args: [
      {
        id,
        agencyCode: 'demo',
        kind: options.kind ?? 'incident',
        grade,
        profile: findRuleProfile(options.profileId ?? 'national-2019')!,
        intake: {
          title: '某化工厂爆燃事故网传伤亡人数',
          source: 'media',
          summary: '网络流传事故伤亡信息，与初步核实情况不符',
          firstSeenAt: new Date(seenAt).toISOString(),
        },
        registeredBy: actors.clerk,
      },
    ],
  });
  const state = await registeredState(handle, m.awaitIncidentRegistrationUpdate, m.incidentStateQuery);
  return { handle, state, seenAt };
}

const act = <P>(handle: WorkflowHandle, update: UpdateDefinition<StepResult, [P]>, payload: P) =>
  stepThenRead(handle, update, payload, m.incidentStateQuery);
const clockOf = (s: IncidentState, id: string) => s.clocks.find((c) => c.id === id)!;

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return (error as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('the step was not refused');
}

async function sleepUntil(epochMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (epochMs > now) await env.sleep(epochMs - now);
}

async function eventTypes(id: string): Promise<string[]> {
  return (await database.db.selectFrom('incident_events').select('type').where('incident_id', '=', id).orderBy('seq').execute()).map(
    (r) => r.type,
  );
}

const records = (id: string) =>
  database.db
    .selectFrom('accountability_records')
    .selectAll()
    .where('case_kind', '=', 'incident')
    .where('case_id', '=', id)
    .orderBy('id')
    .execute();

it('重大: the 1 h report clock fires at the hour, not before; the 24 h press-conference clock is met by a press conference', async () => {
  const { handle, state, seenAt } = await start('重大');
  expect(clockOf(state, 'report').derived.dueAt).toBe(new Date(seenAt + HOUR).toISOString());
  expect(clockOf(state, 'response').derived.dueAt).toBe(new Date(seenAt + 24 * HOUR).toISOString());
  expect(clockOf(state, 'response').citation.quote).toContain('24小時內舉行新聞發布會');

  await sleepUntil(seenAt + HOUR - MIN);
  expect(await eventTypes(state.id)).toEqual(['registered']);
  await sleepUntil(seenAt + HOUR + MIN);
  await eventually(async () => (await eventTypes(state.id)).length >= 2, 'the missed report');
  expect(await eventTypes(state.id)).toEqual(['registered', 'clock-missed']);
  const [missed] = await records(state.id);
  expect(missed).toMatchObject({
    clock_id: 'report',
    clock_label: '报送时限',
    responsible: 'gkb',
    responsible_person: 'clerk',
    satisfied_at: null,
  });
  expect(new Date(missed!.due_at).toISOString()).toBe(new Date(seenAt + HOUR).toISOString());
  expect((await database.db.selectFrom('incidents').select('overdue').where('id', '=', state.id).executeTakeFirstOrThrow()).overdue).toBe(
    true,
  );

  // Reported 10 minutes after the hour: the record says by how much.
  await sleepUntil(seenAt + HOUR + 10 * MIN);
  const reported = await act(handle, m.reportUpdate, {
    actor: actors.leader,
    to: 'leadership',
    recipient: '市政府办公室',
    summary: '初步情况',
  });
  expect(clockOf(reported, 'report').derived).toMatchObject({ status: 'stopped', lateMinutes: 10 });
  expect((await records(state.id))[0]).toMatchObject({ late_minutes: 10 });
  expect((await database.db.selectFrom('incidents').select('overdue').where('id', '=', state.id).executeTakeFirstOrThrow()).overdue).toBe(
    false,
  );

  await act(handle, m.assignIncidentUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  await act(handle, m.assessUpdate, { actor: actors.department, text: '事故已致3人受伤，网传“死亡10人”不实，舆情热度高' });
  await act(handle, m.planUpdate, {
    actor: actors.department,
    text: '召开新闻发布会通报伤亡和处置情况',
    involvedDepartments: [],
    sensitive: false,
  });
  expect(await refused(act(handle, m.approveUpdate, { actor: actors.reviewer, level: 'department-head', comments: '同意' }))).toContain(
    '重大舆情的回应方案须经主要领导审批',
  );
  await act(handle, m.approveUpdate, { actor: actors.leader, level: 'principal', comments: '同意，按方案发布' });

  // A portal notice is first authoritative information but not the press conference.
  const portal = await act(handle, m.releaseUpdate, { actor: actors.clerk, channel: 'portal', text: '关于某化工厂爆燃事故的情况通报' });
  expect(clockOf(portal, 'response').derived.status).toBe('running');
  await sleepUntil(seenAt + 20 * HOUR);
  const press = await act(handle, m.releaseUpdate, {
    actor: actors.clerk,
    channel: 'press-conference',
    text: '新闻发布会：事故伤亡及处置进展',
  });
  expect(clockOf(press, 'response').derived).toMatchObject({ status: 'stopped', lateMinutes: 0 });
  expect(press.releases.map((r) => r.kind)).toEqual(['first', 'follow-up']);

  // 24 h pass: nothing missed; a rolling-update reminder falls due 24 h after the last release.
  await sleepUntil(seenAt + 44 * HOUR + MIN);
  const types = await eventually(
    async () => (await eventTypes(state.id)).includes('update-reminder') && eventTypes(state.id),
    'the update reminder',
  );
  expect(types.filter((t) => t === 'clock-missed')).toHaveLength(1);
  expect(types.filter((t) => t === 'update-reminder')).toHaveLength(1);

  expect(await refused(act(handle, m.closeIncidentUpdate, { actor: actors.leader, evaluation: '处置及时' }))).toContain('须向上级报告');
  await act(handle, m.reportUpdate, { actor: actors.leader, to: 'superior', recipient: '省应急管理厅', summary: '事故及舆情处置情况' });
  const closed = await act(handle, m.closeIncidentUpdate, {
    actor: actors.leader,
    evaluation: '首次报送迟10分钟；发布会按时召开，舆情平稳',
  });
  expect(closed).toMatchObject({ closed: true, stage: 'closed' });
  expect(await handle.result()).toMatchObject({ closed: true });
  expect((await records(state.id)).length).toBe(1);
});

it('regrading mid-way re-derives every running clock: down to 较大 spares the 1 h report, up to 特别重大 makes it missed at once', async () => {
  const { handle, state, seenAt } = await start('重大');
  await sleepUntil(seenAt + 30 * MIN);
  const down = await act(handle, m.regradeUpdate, { actor: actors.leader, grade: '较大', reason: '核实后影响范围有限' });
  expect(clockOf(down, 'report').derived.dueAt).toBe(new Date(seenAt + 2 * HOUR).toISOString());
  expect(clockOf(down, 'response').derived.dueAt).toBe(new Date(seenAt + 48 * HOUR).toISOString());
  expect(clockOf(down, 'report').rule).toBe('publicOpinion.report.较大');

  await sleepUntil(seenAt + 65 * MIN);
  expect(await eventTypes(state.id)).toEqual(['registered', 'regraded']);

  const up = await act(handle, m.regradeUpdate, { actor: actors.supervisor, grade: '特别重大', reason: '央媒报道，热度急升' });
  const report = clockOf(up, 'report');
  expect(report.derived.dueAt).toBe(new Date(seenAt + 30 * MIN).toISOString());
  expect(report.derived.steps.at(-1)!.explanation).toContain('已经届满');
  expect(clockOf(up, 'response').derived.dueAt).toBe(new Date(seenAt + 24 * HOUR).toISOString());
  // The miss is recorded by the timer loop right after the update returned: wait for it rather than race it.
  await eventually(async () => (await eventTypes(state.id)).length >= 4, 'the clock-missed event');
  expect(await eventTypes(state.id)).toEqual(['registered', 'regraded', 'regraded', 'clock-missed']);
  expect(await records(state.id)).toEqual([expect.objectContaining({ clock_id: 'report', satisfied_at: null })]);
  expect((await handle.query(m.incidentStateQuery)).gradeHistory.map((g) => g.grade)).toEqual(['重大', '较大', '特别重大']);
  await handle.terminate('test done');
});

it('a response missed by two hours: the accountability record names the responsible unit, the clock, and the lateness', async () => {
  const { handle, state, seenAt } = await start('一般');
  await act(handle, m.reportUpdate, { actor: actors.clerk, to: 'leadership', recipient: '分管领导', summary: '一般舆情' });
  await act(handle, m.assignIncidentUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  await act(handle, m.assessUpdate, { actor: actors.department, text: '个别网民投诉，影响有限' });
  await act(handle, m.planUpdate, { actor: actors.department, text: '门户网站答复', involvedDepartments: [], sensitive: false });
  await act(handle, m.approveUpdate, { actor: actors.reviewer, level: 'department-head', comments: '同意' });

  await sleepUntil(seenAt + 48 * HOUR - MIN);
  expect((await eventTypes(state.id)).includes('clock-missed')).toBe(false);
  await sleepUntil(seenAt + 48 * HOUR + MIN);
  await eventually(async () => (await eventTypes(state.id)).includes('clock-missed'), 'the missed response');
  const missedEvent = await database.db
    .selectFrom('incident_events')
    .select('payload')
    .where('incident_id', '=', state.id)
    .where('type', '=', 'clock-missed')
    .executeTakeFirstOrThrow();
  expect(missedEvent.payload).toMatchObject({
    clockId: 'response',
    responsible: 'yjglk',
    responsiblePerson: 'department',
    notify: ['department-head:yjglk', 'role:leader', 'role:supervisor'],
  });
  expect(
    await database.db.selectFrom('incidents').select('id').where('overdue', '=', true).where('id', '=', state.id).execute(),
  ).toHaveLength(1);

  await sleepUntil(seenAt + 50 * HOUR);
  const released = await act(handle, m.releaseUpdate, { actor: actors.clerk, channel: 'portal', text: '关于网民反映问题的回复' });
  expect(clockOf(released, 'response').derived.lateMinutes).toBe(120);
  expect(await records(state.id)).toEqual([
    expect.objectContaining({
      clock_id: 'response',
      clock_label: '回应时限',
      responsible: 'yjglk',
      responsible_person: 'department',
      late_minutes: 120,
    }),
  ]);
  // Rolling-update reminders went out every 24 h while nothing was published.
  expect((await eventTypes(state.id)).filter((t) => t === 'update-reminder')).toHaveLength(2);
  await handle.terminate('test done');
});

it('rumour clarification: in the government’s name it needs government approval, and other departments consent first', async () => {
  const { handle } = await start('较大', { kind: 'rumour' });
  await act(handle, m.assignIncidentUpdate, { actor: actors.clerk, departmentCode: 'yjglk' });
  await act(handle, m.assessUpdate, { actor: actors.department, text: '网传“自来水被污染”不实' });
  expect(
    await refused(act(handle, m.planUpdate, { actor: actors.department, text: '澄清', involvedDepartments: [], sensitive: false })),
  ).toContain('名义');
  await act(handle, m.planUpdate, {
    actor: actors.department,
    text: '以市政府名义发布澄清公告',
    issuedInNameOf: 'government',
    involvedDepartments: ['xxzx'],
    sensitive: false,
  });
  expect(await refused(act(handle, m.approveUpdate, { actor: actors.leader, level: 'government', comments: '同意' }))).toContain(
    '尚缺：xxzx',
  );
  await act(handle, m.recordConsentUpdate, { actor: actors.clerk, departmentCode: 'xxzx', note: '信息中心同意' });
  expect(await refused(act(handle, m.approveUpdate, { actor: actors.leader, level: 'principal', comments: '同意' }))).toContain(
    '须经本级政府批准',
  );
  const approved = await act(handle, m.approveUpdate, { actor: actors.leader, level: 'government', comments: '市政府同意' });
  expect(approved.approval).toMatchObject({ level: 'government' });
  await handle.terminate('test done');
});

it('黄岩 重要: report and response are due by the end of the Shanghai day', async () => {
  const { state, handle } = await start('重要', { profileId: 'huangyan-003' });
  const endOfDay = clockOf(state, 'response').derived.dueAt!;
  expect(new Date(endOfDay).getUTCHours()).toBe(16); // 24:00 in Asia/Shanghai
  expect(clockOf(state, 'report').derived.dueAt).toBe(endOfDay);
  expect(Date.parse(endOfDay) - (await env.currentTimeMs())).toBeLessThanOrEqual(24 * HOUR);
  await handle.terminate('test done');
});
