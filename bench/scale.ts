/**
 * Scenario 4, scale: memory of the worker, the API, Temporal and PostgreSQL with 0, 10,000
 * and 100,000 open applications (each a running workflow waiting on its statutory timers),
 * the worker's workflow cache held at a fixed size; and the supervisor's screen timed over
 * HTTP at the top level. Seeding 100,000 cases through the API takes hours on a small
 * machine, so the scenario keeps its state (Temporal's SQLite file, a named database, the
 * codec key, the count so far) under .data/bench-scale/ and resumes where it stopped:
 *   npm run bench -- scale [--levels=0,10000,100000] [--until=<minutes>] [--fresh] [--state=<dir>]
 *                          [--cache=<workflows>] [--worker-heap=<MB>] [--temporal-wal]
 * (`--cache` and `--worker-heap` are for experiments on the worker's memory, each in a state
 * directory of its own: the levels of one state are only comparable under the same settings.)
 * Afterwards: the projection and Temporal agree on every open case (count, and state for a
 * sample).
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { newCodecKey } from '../temporal-config/codec';
import { PROJECT_ROOT } from '../temporal-config/binaries';
import type { ApplicationState } from '../domain/application/types';
import { applicationStateQuery } from '../workflows/application-messages';
import { intakeBody } from './lib/application-script';
import { call, inBatches } from './lib/http';
import { createCasesCheckLine, printAndSave } from './lib/report';
import { summarize } from './lib/stats';
import { type PersistentState, type Stack, startStack } from './lib/stack';
import { TUNINGS } from './lib/tuning';

let STATE_DIR = path.join(PROJECT_ROOT, '.data', 'bench-scale');
const stateFile = () => path.join(STATE_DIR, 'state.json');
/** The fixed workflow cache: memory must not grow with open cases beyond what Temporal and PostgreSQL hold. */
const DEFAULT_CACHED_WORKFLOWS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Level {
  openCases: number;
  at: string;
  memory: ReturnType<Stack['memory']>;
  temporalDbMb: number;
  postgresDbMb: number;
}

/** The worker settings a state's levels were measured with (absent in states from before these options). */
interface WorkerSettings {
  cachedWorkflows: number;
  heapMb: number | null;
}

interface ScaleState extends PersistentState {
  created: number;
  seedSeconds: number;
  levels: Level[];
  worker?: WorkerSettings;
}

function loadState(fresh: boolean): ScaleState {
  // The stack's directory is always the one next to state.json, so the state can be moved.
  if (!fresh && fs.existsSync(stateFile()))
    return { ...(JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as ScaleState), dir: path.join(STATE_DIR, 'stack') };
  fs.rmSync(STATE_DIR, { recursive: true, force: true });
  fs.mkdirSync(STATE_DIR, { recursive: true });
  return {
    dir: path.join(STATE_DIR, 'stack'),
    database: `gk_bench_scale_${Date.now()}`,
    codecKeys: newCodecKey('kscale'),
    created: 0,
    seedSeconds: 0,
    levels: [],
  };
}
const saveState = (state: ScaleState) => fs.writeFileSync(stateFile(), JSON.stringify(state, null, 2));

export async function run(args: string[]): Promise<void> {
  const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const levels = (arg('levels') ?? '0,10000,100000').split(',').map(Number);
  const stopAt = Date.now() + Number(arg('until') ?? 24 * 60) * 60_000;
  const fresh = args.includes('--fresh');
  const integer = (name: string, min: number): number | null => {
    const raw = arg(name);
    if (raw === undefined) return null;
    if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return Number(raw);
  };
  const settings: WorkerSettings = { cachedWorkflows: integer('cache', 0) ?? DEFAULT_CACHED_WORKFLOWS, heapMb: integer('worker-heap', 64) };
  STATE_DIR = path.resolve(arg('state') ?? STATE_DIR);
  const state = loadState(fresh);
  // Levels measured under other worker settings would not compare: such a state is refused.
  const recorded = state.worker ?? { cachedWorkflows: DEFAULT_CACHED_WORKFLOWS, heapMb: null };
  if (state.levels.length > 0 && JSON.stringify(recorded) !== JSON.stringify(settings)) {
    throw new Error(`${stateFile()} was measured with ${JSON.stringify(recorded)}; use those settings, or another --state`);
  }
  state.worker = settings;
  const log = (line: string) => console.log(`[scale] ${line}`);
  const { cachedWorkflows, heapMb: workerHeapMb } = settings;
  // --temporal-wal: the dev server's SQLite in WAL mode. Seeding in the default rollback-journal
  // mode fell from 14 to 5 registrations/s past 65,000 cases, with a third of the CPU in the kernel.
  const temporalWal = args.includes('--temporal-wal');
  const tuning = {
    ...TUNINGS.tuned,
    workerCachedWorkflows: cachedWorkflows,
    ...(workerHeapMb ? { workerHeapMb } : {}),
    ...(temporalWal ? { temporalWal } : {}),
  };
  // The stack is started with the persistent state; a new database name when starting fresh.
  const stack = await startStack('scale', tuning, state);
  const { db } = stack.scratch;
  const clerk = stack.scratch.tokens.clerk!;

  const sizes = async () => {
    const temporalDb = fs
      .readdirSync(path.join(state.dir, 'temporal'))
      .filter((f) => f.startsWith('temporal.sqlite'))
      .reduce((sum, f) => sum + fs.statSync(path.join(state.dir, 'temporal', f)).size, 0);
    const pgDb = (
      await db.selectNoFrom((eb) => eb.fn<string>('pg_database_size', [eb.val(state.database)]).as('n')).executeTakeFirstOrThrow()
    ).n;
    return { temporalDbMb: Math.round(temporalDb / 2 ** 20), postgresDbMb: Math.round(Number(pgDb) / 2 ** 20) };
  };

  /** Quiet for a minute (registrations' follow-up work done), then the median of three samples 10 s apart. */
  async function measureAt(openCases: number): Promise<Level> {
    await sleep(60_000);
    const samples: Array<ReturnType<Stack['memory']>> = [];
    for (let i = 0; i < 3; i += 1) {
      samples.push(stack.memory());
      await sleep(10_000);
    }
    const median = (k: keyof ReturnType<Stack['memory']>) => {
      const sorted = samples
        .map((m) => m[k])
        .filter((m) => m !== null)
        .sort((a, b) => a!.pssMb - b!.pssMb);
      return sorted[1] ?? sorted[0] ?? null;
    };
    return {
      openCases,
      at: new Date().toISOString(),
      memory: { worker: median('worker'), api: median('api'), temporal: median('temporal'), postgres: median('postgres') },
      ...(await sizes()),
    };
  }

  const openCases = async () =>
    Number(
      (
        await db
          .selectFrom('applications')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('status', '=', 'open')
          .executeTakeFirstOrThrow()
      ).n,
    );
  state.created = await openCases();
  log(
    `resuming at ${state.created} open cases; levels ${levels.join(', ')}; workflow cache ${cachedWorkflows}${workerHeapMb ? `; worker heap limit ${workerHeapMb} MB` : ''}`,
  );

  let reachedAll = true;
  for (const level of levels) {
    if (state.levels.some((l) => l.openCases === level)) continue;
    // Seed up to the level (closed loop, 32 at a time), saving progress as we go.
    while (state.created < level) {
      if (Date.now() > stopAt) break;
      const batch = Math.min(1000, level - state.created);
      const t0 = performance.now();
      const run = `${Date.now().toString(36)}`;
      await inBatches(Array.from({ length: batch }), 32, async (_, i) => {
        // A retry repeats the same body under the same Idempotency-Key: a first attempt that
        // registered the case but timed out on the client is answered, not registered again.
        const body = intakeBody(state.created + i, `scale-${run}-${i}`);
        for (let attempt = 0; ; attempt += 1) {
          try {
            return await call(stack.apiUrl, clerk, 'POST', '/api/applications', body, 30_000, { 'Idempotency-Key': `scale-${run}-${i}` });
          } catch (error) {
            // 409: the first attempt still runs after its client timed out; its answer will come.
            const inProgress = /: 409 /.test((error as Error).message);
            if (attempt >= (inProgress ? 60 : 5)) throw error;
            await sleep(inProgress ? 5000 : 2000);
          }
        }
      });
      state.created = await openCases(); // not += batch: a run killed mid-batch leaves more than it counted
      state.seedSeconds += (performance.now() - t0) / 1000;
      saveState(state);
      log(`${state.created} open cases (${(batch / ((performance.now() - t0) / 1000)).toFixed(1)}/s)`);
    }
    if (state.created < level) {
      reachedAll = false;
      log(`stopped at ${state.created} of ${level} (--until); run again to resume`);
      break;
    }
    const entry = await measureAt(level);
    state.levels.push(entry);
    saveState(state);
    log(`at ${level}: ${JSON.stringify(entry.memory)}`);
  }

  // Stopped between levels (--until): memory where it stopped, shown but not kept as a level.
  const stoppedAt = reachedAll || state.levels.some((l) => l.openCases === state.created) ? null : await measureAt(state.created);
  if (stoppedAt) log(`at ${state.created} (stopped): ${JSON.stringify(stoppedAt.memory)}`);

  // The supervisor's screen at the top level reached, over HTTP against the API process.
  const supervisor = stack.scratch.tokens.supervisor!;
  const screen: Record<string, ReturnType<typeof summarize>> = {};
  for (const [label, url] of Object.entries({
    'overdue page': '/api/supervision/clocks?status=overdue&limit=50',
    'due-soon page': '/api/supervision/clocks?status=due-soon&limit=50',
    'department + kind filter': '/api/supervision/clocks?department=yjglk&kind=application&limit=50',
    'first page, all clocks': '/api/supervision/clocks?limit=50',
    'summary by department': '/api/supervision/summary',
  })) {
    for (let i = 0; i < 5; i += 1) await call(stack.apiUrl, supervisor, 'GET', url);
    const times: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const t0 = performance.now();
      await call(stack.apiUrl, supervisor, 'GET', url);
      times.push(performance.now() - t0);
    }
    screen[label] = summarize(times);
  }

  // Projection and Temporal agree: the same number of open cases, the same state for a sample.
  const problems: string[] = [];
  const openInDb = await openCases();
  const openInTemporal = (await stack.temporal.workflow.count(`WorkflowType = 'application' AND ExecutionStatus = 'Running'`)).count;
  if (openInDb !== state.created || openInTemporal !== state.created)
    problems.push(`open cases: seeded ${state.created}, projection ${openInDb}, Temporal ${openInTemporal}`);
  const sample = await db
    .selectFrom('applications')
    .select(['case_no', 'stage', 'last_seq'])
    .orderBy(sql`random()`)
    .limit(200)
    .execute();
  await inBatches(sample, 8, async (row) => {
    const s = (await stack.temporal.workflow.getHandle(`application-${row.case_no}`).query(applicationStateQuery)) as ApplicationState;
    if (s.stage !== row.stage || s.seq !== row.last_seq)
      problems.push(`${row.case_no}: Temporal ${s.stage}/${s.seq}, projection ${row.stage}/${row.last_seq}`);
  });
  const top = state.created;
  await stack.stop();

  const rows: Array<[string, number | null, null]> = [];
  for (const l of stoppedAt ? [...state.levels, stoppedAt] : state.levels) {
    for (const k of ['worker', 'api', 'temporal', 'postgres'] as const)
      rows.push([`${l.openCases.toLocaleString('en-US')} open: ${k} PSS (MB)`, l.memory[k]?.pssMb ?? null, null]);
    rows.push([`${l.openCases.toLocaleString('en-US')} open: Temporal SQLite file (MB)`, l.temporalDbMb, null]);
    rows.push([`${l.openCases.toLocaleString('en-US')} open: PostgreSQL database (MB)`, l.postgresDbMb, null]);
  }
  for (const [label, s] of Object.entries(screen)) rows.push([`${top.toLocaleString('en-US')} open: ${label} p95 (ms)`, s.p95, null]);
  printAndSave('scale', stack.scratch.postgresVersion, {
    title: `Scale: memory by open cases, workflow cache fixed at ${cachedWorkflows}${workerHeapMb ? `, worker heap limit ${workerHeapMb} MB` : ''}; seeded ${state.created.toLocaleString('en-US')} cases in ${Math.round(state.seedSeconds / 60)} min${reachedAll ? '' : ' (NOT ALL LEVELS REACHED YET)'}`,
    rows,
    checks: [createCasesCheckLine('gongkai', { cases: sample.length, uncertain: 0, problems })],
    figures: {
      tuning: { name: 'tuned', ...tuning },
      created: state.created,
      seedSeconds: state.seedSeconds,
      levels: state.levels,
      stoppedAt,
      supervisionScreen: screen,
      openInDb,
      openInTemporal,
      reachedAll,
    },
  });
  if (problems.length) process.exitCode = 1;
}
