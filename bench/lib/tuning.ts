/**
 * Worker and pool settings the throughput scenarios run with. `default` is what a deployment
 * gets without setting anything (the SDK's defaults, workflows bundled when the worker
 * starts); `tuned` is what bench/README.md found best on the project's machine.
 */
import type { StackTuning } from './stack';

export const TUNINGS: Record<string, StackTuning> = {
  default: {},
  tuned: { prebundled: true, workerCachedWorkflows: 1000, dbPoolMax: 20 },
};

export function tuningFrom(args: string[]): { name: string; tuning: StackTuning } {
  const name = args.find((a) => a.startsWith('--tuning='))?.slice('--tuning='.length) ?? 'tuned';
  const tuning = TUNINGS[name];
  if (!tuning) throw new Error(`--tuning must be one of ${Object.keys(TUNINGS).join(', ')}`);
  return { name, tuning };
}

/** `--quick`: a smoke run (short steps, few rates) to check the harness, not to quote. */
export const isQuick = (args: string[]) => args.includes('--quick');
