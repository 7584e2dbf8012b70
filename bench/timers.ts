/**
 * Scenario 3, timers: 10,000 statutory clocks due within the same minute — how late does
 * each fire? Incidents (舆情) run minute clocks from the instant the incident was first seen,
 * so registering them through the API with `firstSeenAt` set back by the report period
 * (桦甸 rules, 一般: 180 minutes) puts every report deadline inside one chosen minute: the real
 * rule profile and code path, with a short distance to the deadline. Then we wait, and read
 * for each incident when its `clock-missed` record was made (the workflow's own instant) and
 * when it became visible in PostgreSQL; for a sample, when Temporal fired the timer.
 * Correctness: every clock fires exactly once, none before its due instant, and Temporal's
 * state agrees with the projection.
 */
import { temporal as proto } from '@temporalio/proto';
import { performance } from 'node:perf_hooks';
import { call, inBatches } from './lib/http';
import { createCasesCheckLine, printAndSave } from './lib/report';
import { summarize } from './lib/stats';
import { startGongkai } from './lib/systems';
import { isQuick, tuningFrom } from './lib/tuning';
import { incidentStateQuery } from '../workflows/incident-messages';

const PROFILE = 'huadian-001';
const GRADE = '一般';
const REPORT_MINUTES = 180;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(args: string[]): Promise<void> {
  const quick = isQuick(args);
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? (quick ? 200 : 10_000));
  const { name: tuningName, tuning } = tuningFrom(args);
  const log = (line: string) => console.log(line);
  const sys = await startGongkai(tuning);
  const { db } = sys.scratch;
  const register = (firstSeenAt: string, n: number) =>
    call(
      sys.url,
      sys.tokens.clerk!,
      'POST',
      '/api/incidents',
      { grade: GRADE, ruleProfileId: PROFILE, title: `基准测试舆情 ${n}`, source: 'media', summary: '计时器基准测试', firstSeenAt },
      60_000,
    ).then((r) => r.body.id as string);

  // How fast can we register? 100 probes (due hours later, left out of the figures) tell.
  const probeStart = performance.now();
  await inBatches(Array.from({ length: 100 }), 16, (_, n) => register(new Date().toISOString(), -n));
  const perSecond = 100 / ((performance.now() - probeStart) / 1000);
  const dueMinute = Math.ceil((Date.now() + (count / perSecond) * 1.5 * 1000 + 60_000) / 60_000) * 60_000;
  if (dueMinute - Date.now() > (REPORT_MINUTES - 5) * 60_000)
    throw new Error(`registering ${count} would take longer than the ${REPORT_MINUTES}-minute period allows`);
  log(
    `[timers] registering ${count} incidents at ~${perSecond.toFixed(0)}/s; report clocks due in the minute from ${new Date(dueMinute).toISOString()}`,
  );

  const due = new Map<string, number>();
  const registerStart = Date.now();
  await inBatches(Array.from({ length: count }), 16, async (_, n) => {
    const dueAt = dueMinute + Math.floor((n / count) * 60_000); // spread evenly over the minute
    const id = await register(new Date(dueAt - REPORT_MINUTES * 60_000).toISOString(), n);
    due.set(id, dueAt);
  });
  const registeredAt = Date.now();
  log(
    `[timers] registered in ${((registeredAt - registerStart) / 1000).toFixed(0)} s; ${((dueMinute - registeredAt) / 1000).toFixed(0)} s before the minute`,
  );
  const overlapped = registeredAt > dueMinute;

  // Wait for every clock to fire (give up 15 minutes after the minute).
  const missedCount = async () =>
    Number(
      (
        await db
          .selectFrom('incident_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('type', '=', 'clock-missed')
          .executeTakeFirstOrThrow()
      ).n,
    );
  let sampled: ReturnType<typeof sys.memory> | null = null;
  // CPU of each process from the end of registration to the last clock recorded: the burst's own cost.
  const cpuBeforeBurst = sys.stack!.cpu();
  while (Date.now() < dueMinute + 60_000 + 15 * 60_000) {
    const fired = await missedCount();
    if (!sampled && Date.now() > dueMinute + 30_000) sampled = sys.memory(); // memory while firing
    if (fired >= count) break;
    await sleep(1000);
  }
  const cpuAfterBurst = sys.stack!.cpu();
  const burstCpuMsPerClock = Object.fromEntries(
    (['worker', 'temporal', 'postgres', 'api'] as const).map((k) => {
      const before = cpuBeforeBurst[k];
      const after = cpuAfterBurst[k];
      return [k, before === null || after === null ? null : Math.round(((after - before) * 1000 * 10) / count) / 10];
    }),
  );
  log(`[timers] CPU per clock during the burst (ms): ${JSON.stringify(burstCpuMsPerClock)}`);
  await sleep(2000);

  const rows = await db
    .selectFrom('incident_events')
    .select(['incident_id', 'occurred_at', 'recorded_at', 'payload'])
    .where('type', '=', 'clock-missed')
    .execute();
  const problems: string[] = [];
  const workflowLate: number[] = [];
  const visibleLate: number[] = [];
  const firedFor = new Map<string, number>();
  for (const row of rows) {
    const payload = row.payload as { clockId: string; dueAt: string };
    if (!due.has(row.incident_id)) continue; // a probe
    firedFor.set(row.incident_id, (firedFor.get(row.incident_id) ?? 0) + 1);
    const dueAt = due.get(row.incident_id)!;
    if (payload.clockId !== 'report' || Date.parse(payload.dueAt) !== dueAt)
      problems.push(
        `${row.incident_id}: fired ${payload.clockId} due ${payload.dueAt}, expected report due ${new Date(dueAt).toISOString()}`,
      );
    const late = new Date(row.occurred_at).getTime() - dueAt;
    if (late < 0) problems.push(`${row.incident_id}: fired ${-late} ms before its due instant`);
    workflowLate.push(late);
    visibleLate.push(new Date(row.recorded_at).getTime() - dueAt);
  }
  for (const id of due.keys()) {
    const n = firedFor.get(id) ?? 0;
    if (n !== 1) problems.push(`${id}: report clock fired ${n} times`);
  }

  // Temporal's view, for a sample: when the server fired the timer, and the workflow's state.
  const sample = [...due.keys()].filter((_, i) => i % Math.max(1, Math.floor(count / 200)) === 0);
  const serverLate: number[] = [];
  // Workflow task timeouts in the sampled histories, by kind: a task left waiting on the worker's
  // sticky queue past stickyQueueScheduleToStartTimeout (SCHEDULE_TO_START) goes back to the
  // normal queue and is replayed from its whole history; START_TO_CLOSE is a task that ran too long.
  const taskTimeouts = { histories: 0, withTimeout: 0, scheduleToStart: 0, startToClose: 0, other: 0 };
  await inBatches(sample, 8, async (id) => {
    const handle = sys.stack!.temporal.workflow.getHandle(`incident-${id}`);
    const history = await handle.fetchHistory();
    taskTimeouts.histories += 1;
    const timeouts = (history.events ?? []).filter((e) => e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    if (timeouts.length > 0) taskTimeouts.withTimeout += 1;
    for (const e of timeouts) {
      const type = e.workflowTaskTimedOutEventAttributes?.timeoutType;
      if (type === proto.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) taskTimeouts.scheduleToStart += 1;
      else if (type === proto.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE) taskTimeouts.startToClose += 1;
      else taskTimeouts.other += 1;
    }
    const dueAt = due.get(id)!;
    const fired = (history.events ?? []).find(
      (e) => e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED && eventMs(e) >= dueAt - 1000,
    );
    if (fired) serverLate.push(eventMs(fired) - dueAt);
    else problems.push(`${id}: no timer fired in Temporal's history`);
    const state = await handle.query(incidentStateQuery);
    const row = await db.selectFrom('incidents').select(['stage']).where('id', '=', id).executeTakeFirst();
    const missed = state.accountability.filter((a) => a.clockId === 'report');
    if (missed.length !== 1 || row?.stage !== state.stage)
      problems.push(`${id}: Temporal has ${missed.length} report misses, stage ${state.stage}; projection ${row?.stage}`);
  });
  const memory = sampled ?? sys.memory();
  await sys.stop();

  const w = summarize(workflowLate);
  const v = summarize(visibleLate);
  const s = summarize(serverLate);
  printAndSave('timers', sys.scratch.postgresVersion, {
    title: `Timers: ${count.toLocaleString('en-US')} report clocks due in one minute (tuning: ${tuningName}${quick ? ', QUICK smoke run' : ''}${overlapped ? ', REGISTRATION OVERLAPPED THE MINUTE' : ''})`,
    rows: [
      ['clocks fired', workflowLate.length, null],
      ['Temporal fired the timer: lateness p50 (ms), sample', s.p50, null],
      ['  p99 (ms)', s.p99, null],
      ['  max (ms)', s.max, null],
      ['workflow recorded the miss: lateness p50 (ms)', w.p50, null],
      ['  p99 (ms)', w.p99, null],
      ['  max (ms)', w.max, null],
      ['visible in PostgreSQL: lateness p50 (ms)', v.p50, null],
      ['  p99 (ms)', v.p99, null],
      ['  max (ms)', v.max, null],
      ['sampled histories with a workflow task timeout', taskTimeouts.withTimeout, null],
      ['  sticky schedule-to-start timeouts in them', taskTimeouts.scheduleToStart, null],
    ],
    checks: [createCasesCheckLine('gongkai', { cases: due.size, uncertain: 0, problems })],
    figures: {
      quick,
      tuning: { name: tuningName, ...tuning },
      count,
      dueMinute: new Date(dueMinute).toISOString(),
      registrationSeconds: (registeredAt - registerStart) / 1000,
      overlapped,
      lateness: { temporalTimerSample: s, workflowRecorded: w, visible: v },
      memoryWhileFiring: memory,
      workflowTaskTimeouts: taskTimeouts,
      burstCpuMsPerClock,
      problems: problems.slice(0, 100),
    },
  });
  if (problems.length || overlapped) process.exitCode = 1;
}

function eventMs(event: proto.api.history.v1.IHistoryEvent): number {
  const t = event.eventTime!;
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
