/**
 * Worker and pool settings the throughput scenarios run with. `default` is what a deployment
 * gets without setting anything (the SDK's defaults, workflows bundled when the worker
 * starts); `tuned` is what bench/README.md found best on the project's machine.
 */
import path from 'node:path';
import type { StackTuning, TemporalEngine } from './stack';

export const TUNINGS: Record<string, StackTuning> = {
  default: {},
  tuned: { prebundled: true, workerCachedWorkflows: 1000, dbPoolMax: 20 },
};

export function tuningFrom(args: string[]): { name: string; tuning: StackTuning } {
  const name = args.find((a) => a.startsWith('--tuning='))?.slice('--tuning='.length) ?? 'tuned';
  const tuning = TUNINGS[name];
  if (!tuning) throw new Error(`--tuning must be one of ${Object.keys(TUNINGS).join(', ')}`);
  const cpuProf = args.find((a) => a.startsWith('--worker-cpu-prof='))?.slice('--worker-cpu-prof='.length);
  const apiCpuProf = args.find((a) => a.startsWith('--api-cpu-prof='))?.slice('--api-cpu-prof='.length);
  const sticky = args.find((a) => a.startsWith('--sticky-timeout='))?.slice('--sticky-timeout='.length);
  const experiment = args
    .find((a) => a.startsWith('--sdk-experiment='))
    ?.slice('--sdk-experiment='.length)
    .split(',')
    .filter(Boolean);
  if (experiment?.some((e) => e !== 'no-vm-timeout' && e !== 'no-promise-hook'))
    throw new Error('--sdk-experiment takes no-vm-timeout and/or no-promise-hook');
  if (sticky !== undefined && !(Number.isInteger(Number(sticky)) && Number(sticky) >= 1))
    throw new Error('--sticky-timeout must be whole seconds ≥ 1');
  // The worker's cache and heap, for bursts over more open workflows than the tuning's cache holds.
  const cached = args.find((a) => a.startsWith('--cached-workflows='))?.slice('--cached-workflows='.length);
  const heapMb = args.find((a) => a.startsWith('--worker-heap-mb='))?.slice('--worker-heap-mb='.length);
  for (const [flag, value] of [
    ['--cached-workflows', cached],
    ['--worker-heap-mb', heapMb],
  ] as const)
    if (value !== undefined && !(Number.isInteger(Number(value)) && Number(value) >= 1))
      throw new Error(`${flag} must be a whole number ≥ 1`);
  return {
    name,
    tuning: {
      ...tuning,
      engine: engineFrom(args),
      workers: workersFrom(args),
      ...(cpuProf ? { workerCpuProfDir: path.resolve(cpuProf) } : {}),
      ...(apiCpuProf ? { apiCpuProfDir: path.resolve(apiCpuProf) } : {}),
      ...(sticky !== undefined ? { workerStickyTimeoutSeconds: Number(sticky) } : {}),
      ...(cached !== undefined ? { workerCachedWorkflows: Number(cached) } : {}),
      ...(heapMb !== undefined ? { workerHeapMb: Number(heapMb) } : {}),
      ...(experiment?.length ? { workerSdkExperiment: experiment } : {}),
    },
  };
}

/** `--rates=3,6` replaces a scenario's ladder of rates; `--seconds=100` its measured seconds per step. */
export function ratesFrom(args: string[], rates: number[]): number[] {
  const value = args.find((a) => a.startsWith('--rates='))?.slice('--rates='.length);
  if (!value) return rates;
  const list = value.split(',').map(Number);
  if (list.some((r) => !(r > 0))) throw new Error('--rates must be positive numbers, comma-separated');
  return list;
}
export function secondsFrom(args: string[], seconds: number): number {
  const value = args.find((a) => a.startsWith('--seconds='))?.slice('--seconds='.length);
  if (!value) return seconds;
  if (!(Number(value) > 0)) throw new Error('--seconds must be a positive number');
  return Number(value);
}

/** `--engine=dev-server|postgresql` (default dev-server): which Temporal the stack runs on. */
export function engineFrom(args: string[]): TemporalEngine {
  const value = args.find((a) => a.startsWith('--engine='))?.slice('--engine='.length) ?? 'dev-server';
  if (value !== 'dev-server' && value !== 'postgresql') throw new Error('--engine must be dev-server or postgresql');
  return value;
}

/** `--workers=N` (default 1): worker processes. */
export function workersFrom(args: string[]): number {
  const value = Number(args.find((a) => a.startsWith('--workers='))?.slice('--workers='.length) ?? 1);
  if (!Number.isInteger(value) || value < 1 || value > 16) throw new Error('--workers must be an integer from 1 to 16');
  return value;
}

/** `--quick`: a smoke run (short steps, few rates) to check the harness, not to quote. */
export const isQuick = (args: string[]) => args.includes('--quick');
