/**
 * Scenario 2, transitions: signal-to-visible latency — from the moment a step is due to be
 * sent until the projection a supervisor reads shows it — first ramped to find capacity
 * (p99 ≤ 500 ms, no errors), then held at 50% and 80% of that capacity, then a burst of
 * 1,000 steps across 1,000 cases sent at once. Baseline first, then Gongkai; afterwards
 * every case's state and event log is checked (and, for Gongkai, Temporal's own state).
 */
import { performance } from 'node:perf_hooks';
import { CasePool, createCases, ensureReady, ramp, type StepFigures, transition, transitionStep } from './lib/driver';
import { createCasesCheckLine, printAndSave } from './lib/report';
import { type LatencySummary, summarize } from './lib/stats';
import { type CheckReport, type SystemUnderTest, startBaseline, startGongkai } from './lib/systems';
import { isQuick, tuningFrom } from './lib/tuning';
import { cpuMsPer, perCachedWorkflow } from './lib/worker-memory';
import { BASELINE_RATES, GONGKAI_RATES } from './intake';

interface TransitionFigures {
  /** Cases registered and steps confirmed over the whole run (warm-ups and the burst included). */
  operations: { registrations: number; steps: number };
  ramp: StepFigures[];
  capacity: number | null;
  at50: StepFigures | null;
  at80: StepFigures | null;
  burst: {
    actions: number;
    errors: number;
    accepted: LatencySummary;
    visible: LatencySummary;
    allVisibleMs: number;
    errorSamples: string[];
  };
  check: CheckReport;
  memory: ReturnType<SystemUnderTest['memory']>;
}

async function measure(sys: SystemUnderTest, rates: number[], quick: boolean, log: (l: string) => void): Promise<TransitionFigures> {
  const warmup = quick ? 1 : 5;
  const seconds = quick ? 3 : 15;
  const hold = quick ? 3 : 30;
  const pool = new CasePool([]);
  const step = async (rate: number, secs: number) => {
    await ensureReady(sys, pool, rate * (warmup + secs), rate);
    return transitionStep(sys, pool, rate, warmup, secs);
  };
  const { steps, capacity } = await ramp((rate) => step(rate, seconds), {
    rates: quick ? rates.slice(0, 2) : rates,
    warmupSeconds: warmup,
    seconds,
    p99LimitMs: 500,
    log,
  });
  let at50: StepFigures | null = null;
  let at80: StepFigures | null = null;
  if (capacity) {
    at50 = await step(Math.max(1, Math.round(capacity * 0.5)), hold);
    log(`  50% (${at50.rate}/s): visible p50 ${at50.visible?.p50} ms, p99 ${at50.visible?.p99} ms, errors ${at50.errors}`);
    at80 = await step(Math.max(1, Math.round(capacity * 0.8)), hold);
    log(`  80% (${at80.rate}/s): visible p50 ${at80.visible?.p50} ms, p99 ${at80.visible?.p99} ms, errors ${at80.errors}`);
  }
  // The burst: 1,000 steps on 1,000 different cases, all sent at the same instant.
  const actions = quick ? 50 : 1000;
  if (pool.ready < actions) pool.cases.push(...(await createCases(sys, actions - pool.ready)));
  const t0 = performance.now();
  const accepted: number[] = [];
  const visible: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: actions }, () =>
      transition(sys, pool, t0, 600_000).then(
        // a burst queues: its last answers may take minutes
        ([a, v]) => {
          accepted.push(a);
          visible.push(v);
        },
        (error: Error) => {
          errors += 1;
          if (errorSamples.length < 10) errorSamples.push(error.message);
        },
      ),
    ),
  );
  const burst = {
    actions,
    errors,
    accepted: summarize(accepted),
    visible: summarize(visible),
    allVisibleMs: Math.round(performance.now() - t0),
    errorSamples,
  };
  log(
    `  burst of ${actions}: all visible after ${burst.allVisibleMs} ms, p50 ${burst.visible.p50} ms, p99 ${burst.visible.p99} ms, errors ${errors}`,
  );
  const memory = sys.memory();
  const operations = { registrations: pool.cases.length, steps: pool.cases.reduce((n, c) => n + c.done, 0) };
  const check = await sys.check(pool.cases);
  return { operations, ramp: steps, capacity, at50, at80, burst, check, memory };
}

export async function run(args: string[]): Promise<void> {
  const quick = isQuick(args);
  const { name: tuningName, tuning } = tuningFrom(args);
  const log = (line: string) => console.log(line);

  // The baseline first, with nothing else running; `--skip-baseline` for tuning runs.
  let b: TransitionFigures | null = null;
  if (!args.includes('--skip-baseline')) {
    log('[transitions] baseline (plain PostgreSQL state machine)');
    const baseline = await startBaseline();
    b = await measure(baseline, BASELINE_RATES, quick, log);
    await baseline.stop();
  }

  log(`[transitions] gongkai (tuning: ${tuningName})`);
  const gongkai = await startGongkai({ ...tuning, workerMemoryProbe: true });
  const stack = gongkai.stack!;
  const workerMemoryBefore = await stack.workerMemory();
  const cpuBefore = stack.cpu();
  const g = await measure(gongkai, GONGKAI_RATES, quick, log);
  // CPU per operation (registrations and steps together) up to the end of the check; memory after it.
  const cpuMsPerOperation = cpuMsPer(cpuBefore, stack.cpu(), g.operations.registrations + g.operations.steps);
  const workerMemory = perCachedWorkflow(workerMemoryBefore, await stack.workerMemory());
  await gongkai.stop();

  printAndSave('transitions', gongkai.scratch.postgresVersion, {
    title: `Transitions: action sent → projection shows it (tuning: ${tuningName}${quick ? ', QUICK smoke run' : ''})`,
    rows: [
      ['capacity (transitions/s, p99 ≤ 500 ms)', g.capacity, b?.capacity ?? null],
      ['at 50%: rate /s', g.at50?.rate ?? null, b?.at50?.rate ?? null],
      ['at 50%: visible p50 (ms)', g.at50?.visible?.p50 ?? null, b?.at50?.visible?.p50 ?? null],
      ['at 50%: visible p99 (ms)', g.at50?.visible?.p99 ?? null, b?.at50?.visible?.p99 ?? null],
      ['at 80%: rate /s', g.at80?.rate ?? null, b?.at80?.rate ?? null],
      ['at 80%: visible p50 (ms)', g.at80?.visible?.p50 ?? null, b?.at80?.visible?.p50 ?? null],
      ['at 80%: visible p99 (ms)', g.at80?.visible?.p99 ?? null, b?.at80?.visible?.p99 ?? null],
      [`burst of ${g.burst.actions}: all visible (ms)`, g.burst.allVisibleMs, b?.burst.allVisibleMs ?? null],
      ['burst: visible p50 (ms)', g.burst.visible.p50, b?.burst.visible.p50 ?? null],
      ['burst: visible p99 (ms)', g.burst.visible.p99, b?.burst.visible.p99 ?? null],
      ['burst: errors', g.burst.errors, b?.burst.errors ?? null],
      ['memory after the run: worker PSS (MB)', g.memory.worker?.pssMb ?? null, null],
      ['memory after the run: Temporal PSS (MB)', g.memory.temporal?.pssMb ?? null, null],
      ['worker heap per cached workflow (MB)', workerMemory.workerMbPerCachedWorkflow, null],
      ['CPU per operation: API (ms)', cpuMsPerOperation.api, null],
      ['CPU per operation: worker (ms)', cpuMsPerOperation.worker, null],
      ['CPU per operation: Temporal (ms)', cpuMsPerOperation.temporal, null],
      ['CPU per operation: PostgreSQL (ms)', cpuMsPerOperation.postgres, null],
    ],
    checks: [createCasesCheckLine('gongkai', g.check), ...(b ? [createCasesCheckLine('baseline', b.check)] : [])],
    figures: {
      quick,
      tuning: { name: tuningName, ...tuning, workerMemoryProbe: true },
      workerMbPerCachedWorkflow: workerMemory.workerMbPerCachedWorkflow,
      cpuMsPerOperation,
      gongkai: { ...g, workerMemory },
      baseline: b,
    },
  });
  if (g.check.problems.length || b?.check.problems.length) process.exitCode = 1;
}
