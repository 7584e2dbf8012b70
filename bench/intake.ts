/**
 * Scenario 1, intake: applications registered per second through POST /api/applications,
 * open-loop, the rate raised step by step until p99 passes 500 ms or errors appear. The
 * same ramp runs first against the plain-PostgreSQL baseline (nothing else running), then
 * against Gongkai. Afterwards every confirmed case is checked in both systems.
 */
import { createCasesCheckLine, printAndSave } from './lib/report';
import { intakeStep, ramp, type RampOptions } from './lib/driver';
import type { CheckReport, DrivenCase } from './lib/systems';
import { startBaseline, startGongkai } from './lib/systems';
import { isQuick, ratesFrom, secondsFrom, tuningFrom } from './lib/tuning';
import { cpuMsPer, perCachedWorkflow } from './lib/worker-memory';

export const GONGKAI_RATES = [2, 4, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 60, 80, 100, 130, 160, 200];
export const BASELINE_RATES = [50, 100, 200, 300, 400, 600, 800, 1000, 1300, 1600, 2000, 2500, 3000];

export async function run(args: string[]): Promise<void> {
  const quick = isQuick(args);
  const { name: tuningName, tuning } = tuningFrom(args);
  const log = (line: string) => console.log(line);
  const options = (rates: number[]): RampOptions => ({
    rates: quick ? rates.slice(0, 2) : rates,
    warmupSeconds: quick ? 1 : 5,
    seconds: quick ? 3 : secondsFrom(args, 15),
    p99LimitMs: 500,
    log,
  });

  // The baseline first, with nothing else running; `--skip-baseline` for tuning runs.
  const baselineCases: DrivenCase[] = [];
  let b: Awaited<ReturnType<typeof ramp>> = { steps: [], capacity: null };
  let baselineCheck: CheckReport | null = null;
  if (!args.includes('--skip-baseline')) {
    log('[intake] baseline (plain PostgreSQL state machine)');
    const baseline = await startBaseline();
    b = await ramp(
      (rate) => intakeStep(baseline, rate, options([]).warmupSeconds, options([]).seconds, baselineCases),
      options(BASELINE_RATES),
    );
    baselineCheck = await baseline.check(baselineCases);
    await baseline.stop();
  }

  log(`[intake] gongkai (tuning: ${tuningName})`);
  const gongkai = await startGongkai({ ...tuning, workerMemoryProbe: true });
  const stack = gongkai.stack!;
  const workerMemoryBefore = await stack.workerMemory();
  const cpuBefore = stack.cpu();
  const cases: DrivenCase[] = [];
  const g = await ramp(
    (rate) => intakeStep(gongkai, rate, options([]).warmupSeconds, options([]).seconds, cases),
    options(ratesFrom(args, GONGKAI_RATES)),
  );
  // CPU of the registrations alone (warm-up included), before the check's queries.
  const cpuMsPerRegistration = cpuMsPer(cpuBefore, stack.cpu(), cases.length);
  const memory = gongkai.memory();
  const check = await gongkai.check(cases);
  const workerMemory = perCachedWorkflow(workerMemoryBefore, await stack.workerMemory());
  const workerStartMs = stack.workerStartMs;
  await gongkai.stop();

  const atCapacity = (steps: typeof g.steps, capacity: number | null) => steps.find((s) => s.rate === capacity) ?? null;
  const gc = atCapacity(g.steps, g.capacity);
  const bc = atCapacity(b.steps, b.capacity);
  printAndSave('intake', gongkai.scratch.postgresVersion, {
    title: `Intake: POST /api/applications, open-loop, p99 limit 500 ms (tuning: ${tuningName}${quick ? ', QUICK smoke run' : ''})`,
    rows: [
      ['capacity (registrations/s)', g.capacity, b.capacity],
      ['p50 at capacity (ms)', gc?.latency.p50 ?? null, bc?.latency.p50 ?? null],
      ['p99 at capacity (ms)', gc?.latency.p99 ?? null, bc?.latency.p99 ?? null],
      ['worker start, spawn to polling (ms)', workerStartMs, null],
      ['memory after the run: worker PSS (MB)', memory.worker?.pssMb ?? null, null],
      ['memory after the run: Temporal PSS (MB)', memory.temporal?.pssMb ?? null, null],
      ['worker heap per cached workflow (MB)', workerMemory.workerMbPerCachedWorkflow, null],
      ['CPU per registration: API (ms)', cpuMsPerRegistration.api, null],
      ['CPU per registration: worker (ms)', cpuMsPerRegistration.worker, null],
      ['CPU per registration: Temporal (ms)', cpuMsPerRegistration.temporal, null],
      ['CPU per registration: PostgreSQL (ms)', cpuMsPerRegistration.postgres, null],
    ],
    checks: [createCasesCheckLine('gongkai', check), ...(baselineCheck ? [createCasesCheckLine('baseline', baselineCheck)] : [])],
    figures: {
      quick,
      tuning: { name: tuningName, ...tuning, workerMemoryProbe: true },
      workerStartMs,
      workerMbPerCachedWorkflow: workerMemory.workerMbPerCachedWorkflow,
      cpuMsPerRegistration,
      gongkai: { ...g, check, memoryAfter: memory, workerMemory },
      baseline: { ...b, check: baselineCheck },
    },
  });
  if (check.problems.length || baselineCheck?.problems.length) process.exitCode = 1;
}
