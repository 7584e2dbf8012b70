/**
 * Drives applications through a system under test: intake ramps, a pool of cases with their
 * next transition, and the signal-to-visible measurement (action sent → the projection a
 * supervisor reads shows it).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import { intakeBody, TRANSITIONS, transitionBody } from './application-script';
import { call, inBatches } from './http';
import { openLoop, type OpenLoopResult } from './load';
import { type LatencySummary, summarize } from './stats';
import type { DrivenCase, SystemUnderTest } from './systems';

const RUN = randomBytes(3).toString('hex');
let serial = 0;

export async function register(sys: SystemUnderTest): Promise<string> {
  const i = serial++;
  const res = await call(sys.url, sys.tokens.clerk!, 'POST', '/api/applications', intakeBody(i, `${RUN}-${i}`));
  return res.body.caseNo as string;
}

/** Set-up, not measured: n new cases, closed-loop. */
export async function createCases(sys: SystemUnderTest, n: number, concurrency = 8): Promise<DrivenCase[]> {
  const caseNos = await inBatches(Array.from({ length: n }), concurrency, () => register(sys));
  return caseNos.map((caseNo) => ({ caseNo, done: 0, uncertain: false }));
}

export interface StepFigures {
  rate: number;
  achievedRate: number;
  ok: number;
  errors: number;
  latency: LatencySummary;
  /** Transitions only: action sent → projection shows it. */
  visible?: LatencySummary;
  errorSamples: string[];
  drainMs: number;
}

const figures = (r: OpenLoopResult, visible?: number[]): StepFigures => ({
  rate: r.rate,
  achievedRate: r.achievedRate,
  ok: r.ok,
  errors: r.errors,
  latency: summarize(r.latencies),
  ...(visible ? { visible: summarize(visible) } : {}),
  errorSamples: r.errorSamples,
  drainMs: r.drainMs,
});

export const passes = (s: StepFigures, p99LimitMs: number) => s.errors === 0 && s.latency.p99 <= p99LimitMs;

export interface RampOptions {
  rates: number[];
  warmupSeconds: number;
  seconds: number;
  p99LimitMs: number;
  log: (line: string) => void;
}

/** Raises the rate step by step until p99 passes the limit or errors appear. */
export async function ramp(
  step: (rate: number) => Promise<StepFigures>,
  options: RampOptions,
): Promise<{ steps: StepFigures[]; capacity: number | null }> {
  const steps: StepFigures[] = [];
  let capacity: number | null = null;
  for (const rate of options.rates) {
    const s = await step(rate);
    steps.push(s);
    options.log(
      `  ${String(rate).padStart(5)}/s → achieved ${s.achievedRate}/s, p50 ${s.latency.p50} ms, p99 ${s.latency.p99} ms, errors ${s.errors}${s.visible ? `, visible p99 ${s.visible.p99} ms` : ''}`,
    );
    if (!passes(s, options.p99LimitMs)) break;
    capacity = rate;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let background work settle
  }
  return { steps, capacity };
}

/** One intake step at a fixed rate; every confirmed case is added to `cases`. */
export async function intakeStep(
  sys: SystemUnderTest,
  rate: number,
  warmupSeconds: number,
  seconds: number,
  cases: DrivenCase[],
): Promise<StepFigures> {
  const result = await openLoop({
    rate,
    warmupSeconds,
    seconds,
    fire: async (_i, scheduledAt) => {
      const caseNo = await register(sys);
      cases.push({ caseNo, done: 0, uncertain: false });
      return performance.now() - scheduledAt;
    },
  });
  return figures(result);
}

/** Cases with their next transition; each case takes one action at a time. */
export class CasePool {
  private cursor = 0;
  private readonly busy = new Set<DrivenCase>();
  constructor(readonly cases: DrivenCase[]) {}
  /** Cases that can still take a transition and are not in doubt. */
  get ready(): number {
    return this.cases.filter((c) => c.done < TRANSITIONS.length && !c.uncertain && !this.busy.has(c)).length;
  }
  take(): DrivenCase | null {
    for (let n = 0; n < this.cases.length; n += 1) {
      const c = this.cases[(this.cursor + n) % this.cases.length]!;
      if (c.done < TRANSITIONS.length && !c.uncertain && !this.busy.has(c)) {
        this.cursor = (this.cursor + n + 1) % this.cases.length;
        this.busy.add(c);
        return c;
      }
    }
    return null;
  }
  release(c: DrivenCase): void {
    this.busy.delete(c);
  }
}

/**
 * Takes a case's next transition; resolves with [accepted ms, visible ms] from `scheduledAt`.
 * Visible: the projection shows the transition's seq (polled every 2 ms if it does not yet).
 */
export async function transition(sys: SystemUnderTest, pool: CasePool, scheduledAt: number, timeoutMs = 10_000): Promise<[number, number]> {
  const c = pool.take();
  if (!c) throw new Error('no case ready for a transition (pool too small)');
  try {
    const t = TRANSITIONS[c.done]!;
    let body: Record<string, unknown>;
    try {
      body = (
        await call(
          sys.url,
          sys.tokens[t.user]!,
          'POST',
          `/api/applications/${c.caseNo}/${t.action}`,
          transitionBody(c.done, shanghaiDateOf(Date.now())),
          timeoutMs,
        )
      ).body;
    } catch (error) {
      // A 4xx means refused (not landed); anything else leaves the case in doubt.
      if (!/: 4\d\d /.test(String((error as Error).message))) c.uncertain = true;
      throw error;
    }
    const accepted = performance.now() - scheduledAt;
    c.done += 1;
    // Baseline answers its seq; Gongkai answers the case view, whose event log ends with it.
    const seq = Number(body.seq ?? Math.max(...(body.events as Array<{ seq: number }>).map((e) => e.seq)));
    for (let polls = 0; ; polls += 1) {
      const shown = await sys.projectedSeq(c.caseNo);
      if (shown !== null && shown >= seq) break;
      if (polls > 5000) throw new Error(`${c.caseNo}: projection never showed seq ${seq}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return [accepted, performance.now() - scheduledAt];
  } finally {
    pool.release(c);
  }
}

/** One transitions step at a fixed rate; returns figures with both latencies. */
export async function transitionStep(
  sys: SystemUnderTest,
  pool: CasePool,
  rate: number,
  warmupSeconds: number,
  seconds: number,
): Promise<StepFigures> {
  const visible: number[] = [];
  const result = await openLoop({
    rate,
    warmupSeconds,
    seconds,
    fire: async (_i, scheduledAt, measured) => {
      const [accepted, shown] = await transition(sys, pool, scheduledAt);
      if (measured) visible.push(shown);
      return accepted;
    },
  });
  return figures(result, visible);
}

/** Tops the pool up so a step of `actions` at `rate` never waits for a free case. */
export async function ensureReady(sys: SystemUnderTest, pool: CasePool, actions: number, rate: number): Promise<void> {
  // In flight at once ≈ rate × latency; allow 5 s of latency plus the actions themselves.
  const wanted = Math.ceil(actions / TRANSITIONS.length) + Math.ceil(rate * 5);
  const open = pool.cases.filter((c) => c.done < TRANSITIONS.length && !c.uncertain);
  const remaining = open.reduce((sum, c) => sum + TRANSITIONS.length - c.done, 0);
  const missing = Math.max(wanted - open.length, Math.ceil((actions - remaining) / TRANSITIONS.length), 0);
  if (missing > 0) pool.cases.push(...(await createCases(sys, missing)));
}
