/**
 * The worker's memory per cached workflow (`workerMbPerCachedWorkflow` in the result files):
 * the heap in use after a full GC, all threads of every worker summed (bench/lib/memory-probe.js),
 * read once when the stack is ready and once after the run, divided by how many more workflows
 * the workers' caches then held (the SDK's `temporal_sticky_cache_size`).
 */
import type { Stack, WorkerMemory } from './stack';

const MB = 1024 * 1024;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface WorkerMemoryFigures {
  method: string;
  before: WorkerMemory[];
  after: WorkerMemory[];
  cachedBefore: number | null;
  cachedAfter: number | null;
  /** Heap in use after a full GC, all threads, MB. */
  heapBeforeMb: number;
  heapAfterMb: number;
  /** Of which the SDK's workflow thread(s) (threadId ≠ 0), MB. */
  workflowThreadHeapBeforeMb: number;
  workflowThreadHeapAfterMb: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** (heapAfter − heapBefore) ÷ (cachedAfter − cachedBefore). */
  workerMbPerCachedWorkflow: number | null;
  /** The same from the workflow thread's heap alone. */
  workflowThreadMbPerCachedWorkflow: number | null;
  /** The same from RSS (includes heap the GC freed but V8 kept, and native memory). */
  rssMbPerCachedWorkflow: number | null;
}

export const METHOD =
  'Each worker runs with --expose-gc and --require bench/lib/memory-probe.js; when the stack is ready and again after the run ' +
  "(and its check, which queries every workflow), every thread of every worker runs gc() twice and reports V8's used heap. " +
  'The difference of the sums is divided by the growth of the SDK metric temporal_sticky_cache_size (the workflows in the cache). ' +
  'One-time costs (JIT code, the first workflow of each kind) are included, spread over the cached workflows.';

/** CPU ms per operation of each process between two `stack.cpu()` readings. */
export function cpuMsPer(before: ReturnType<Stack['cpu']>, after: ReturnType<Stack['cpu']>, operations: number) {
  const per = (a: number | null, b: number | null) =>
    a === null || b === null || operations === 0 ? null : round(((b - a) * 1000) / operations, 1);
  const parts = {
    api: per(before.api, after.api),
    worker: per(before.worker, after.worker),
    temporal: per(before.temporal, after.temporal),
    postgres: per(before.postgres, after.postgres),
  };
  return { operations, ...parts, apiPlusWorker: parts.api === null || parts.worker === null ? null : round(parts.api + parts.worker, 1) };
}

export function perCachedWorkflow(before: WorkerMemory[], after: WorkerMemory[]): WorkerMemoryFigures {
  const sum = (ms: WorkerMemory[], pick: (t: WorkerMemory['threads'][number]) => boolean) =>
    ms.reduce((a, m) => a + m.threads.filter(pick).reduce((b, t) => b + t.usedHeapBytes, 0), 0) / MB;
  const cached = (ms: WorkerMemory[]) =>
    ms.some((m) => m.cachedWorkflows === null) ? null : ms.reduce((a, m) => a + m.cachedWorkflows!, 0);
  const rss = (ms: WorkerMemory[]) => ms.reduce((a, m) => a + m.rssBytes, 0) / MB;
  const cachedBefore = cached(before);
  const cachedAfter = cached(after);
  // Both readings must come from the same threads (a busy workflow thread that did not answer gives no figure).
  const threadIds = (ms: WorkerMemory[]) => JSON.stringify(ms.map((m) => m.threads.map((t) => t.threadId).sort((a, b) => a - b)));
  const sameThreads = threadIds(before) === threadIds(after);
  const grown = cachedBefore !== null && cachedAfter !== null && sameThreads ? cachedAfter - cachedBefore : null;
  const per = (a: number, b: number) => (grown && grown > 0 ? round((b - a) / grown) : null);
  const all = () => true;
  const workflowThread = (t: { threadId: number }) => t.threadId !== 0;
  return {
    method: METHOD,
    before,
    after,
    cachedBefore,
    cachedAfter,
    heapBeforeMb: round(sum(before, all), 1),
    heapAfterMb: round(sum(after, all), 1),
    workflowThreadHeapBeforeMb: round(sum(before, workflowThread), 1),
    workflowThreadHeapAfterMb: round(sum(after, workflowThread), 1),
    rssBeforeMb: round(rss(before), 1),
    rssAfterMb: round(rss(after), 1),
    workerMbPerCachedWorkflow: per(sum(before, all), sum(after, all)),
    workflowThreadMbPerCachedWorkflow: per(sum(before, workflowThread), sum(after, workflowThread)),
    rssMbPerCachedWorkflow: per(rss(before), rss(after)),
  };
}
