/**
 * Open-loop load: requests start at a fixed arrival rate whatever the answers do, so a slow
 * server meets a growing queue instead of a politely waiting client (no coordinated
 * omission: latency runs from each request's *scheduled* start). A warm-up at the same rate
 * comes first and is not counted; the run is bounded in count and in time.
 */
import { performance } from 'node:perf_hooks';

export interface OpenLoopOptions {
  /** Arrivals per second. */
  rate: number;
  warmupSeconds: number;
  seconds: number;
  /** Requests in flight above this are not sent and count as errors (a bound on the client). */
  maxInFlight?: number;
  /**
   * Sends request number i (0-based, warm-up included); resolves with its latency in ms
   * measured from `scheduledAt` (a performance.now() value), or throws: an error.
   */
  fire: (i: number, scheduledAt: number, measured: boolean) => Promise<number>;
}

export interface OpenLoopResult {
  rate: number;
  /**
   * Arrivals actually started per second in the measured window: shed arrivals are not
   * counted, and a client that falls behind its schedule stretches the window.
   */
  achievedRate: number;
  sent: number;
  ok: number;
  errors: number;
  /** Arrivals not sent because maxInFlight was reached. */
  shed: number;
  latencies: number[];
  errorSamples: string[];
  /** ms from the last measured arrival until its answers were all in. */
  drainMs: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, warmupSeconds, seconds } = options;
  const maxInFlight = options.maxInFlight ?? 5000;
  const warmup = Math.round(rate * warmupSeconds);
  const total = warmup + Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let ok = 0;
  let errors = 0;
  let shed = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let measuredStart = 0;
  let lastMeasuredTurn = 0;
  let next = 0;

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Every arrival whose time has come starts now, even if the timer woke late.
      while (next < total && start + next * interval <= now) {
        const i = next;
        const scheduledAt = start + i * interval;
        const measured = i >= warmup;
        if (i === warmup) measuredStart = scheduledAt;
        next += 1;
        if (measured) lastMeasuredTurn = performance.now();
        if (inFlight >= maxInFlight) {
          if (measured) shed += 1;
          continue;
        }
        inFlight += 1;
        const p = options
          .fire(i, scheduledAt, measured)
          .then(
            (latency) => {
              if (!measured) return;
              ok += 1;
              latencies.push(latency);
            },
            (error: unknown) => {
              if (!measured) return;
              errors += 1;
              if (errorSamples.length < 10) errorSamples.push(error instanceof Error ? error.message : String(error));
            },
          )
          .finally(() => {
            inFlight -= 1;
            pending.delete(p);
          });
        pending.add(p);
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, Math.min(interval, start + next * interval - performance.now())));
    };
    tick();
  });
  const lastArrival = performance.now();
  await Promise.all([...pending]);
  const measuredCount = total - warmup;
  const sent = measuredCount - shed;
  // From the first measured arrival's scheduled time to the moment the last one's turn really
  // came (sent or shed), plus the one interval that arrival owns: exactly `seconds` when every
  // arrival left on time, longer when the client fell behind its own schedule.
  const window = (lastMeasuredTurn - measuredStart + interval) / 1000;
  return {
    rate,
    achievedRate: round(sent / window),
    sent,
    ok,
    errors: errors + shed,
    shed,
    latencies,
    errorSamples,
    drainMs: round(performance.now() - lastArrival),
  };
}

const round = (n: number) => Number(n.toFixed(1));
