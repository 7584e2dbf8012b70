/** Builds the Gongkai worker: workflows from workflows/ (or a pre-built bundle), activities by DI. */
import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter, Duration } from '@temporalio/common';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../activities';
import { requestIdActivityInterceptors, WORKFLOW_INTERCEPTOR_MODULES } from './request-id-activity-interceptors';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** The payload codec (temporal-config/codec.ts); clients must use the same keys. */
  dataConverter?: DataConverter;
}

/** Production start-up uses the bundle `npm run build` leaves in dist/ instead of bundling on boot. */
const PREBUILT_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js'); // dist/worker/ → dist/

/** The sticky-queue schedule-to-start timeout when GONGKAI_WORKER_STICKY_TIMEOUT_SECONDS is unset. */
export const DEFAULT_STICKY_TIMEOUT_SECONDS = 60;

/** Worker sizing from the environment (README, "Configuration"); unset keeps the SDK's defaults, but for the sticky-queue timeout. */
export function workerTuningFromEnv(env: NodeJS.ProcessEnv = process.env): {
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  stickyQueueScheduleToStartTimeout?: Duration;
} {
  const read = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
    return value;
  };
  // How long a workflow task may wait on this worker's sticky queue before Temporal hands it to
  // any worker, with the whole history to replay. The SDK's 10 s is shorter than the backlog of a
  // burst of clocks: with it, half the workflows of 3,000 clocks due in one minute had a sticky
  // timeout and a replay; with 60 s none (bench/README.md, "Lean workflows"). The price: after a
  // worker crashes, a task sent to its sticky queue before the server notices that no one polls
  // it any more waits up to this long (60 s instead of 10 s) before another worker gets it.
  const sticky = read('GONGKAI_WORKER_STICKY_TIMEOUT_SECONDS', 1) ?? DEFAULT_STICKY_TIMEOUT_SECONDS;
  const tuning = {
    maxCachedWorkflows: read('GONGKAI_WORKER_CACHED_WORKFLOWS', 0),
    maxConcurrentWorkflowTaskExecutions: read('GONGKAI_WORKER_WORKFLOW_TASKS', 1),
    maxConcurrentActivityTaskExecutions: read('GONGKAI_WORKER_ACTIVITY_TASKS', 1),
    stickyQueueScheduleToStartTimeout: `${sticky}s` as Duration,
  };
  return Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined));
}

function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const explicit = process.env.GONGKAI_WORKFLOW_BUNDLE;
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`GONGKAI_WORKFLOW_BUNDLE points at a missing file: ${explicit}`);
    return { workflowBundle: { codePath: explicit } };
  }
  if (process.env.NODE_ENV === 'production' && fs.existsSync(PREBUILT_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_BUNDLE } };
  return { workflowsPath: require.resolve('../workflows') };
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const source = workflowSource();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...workerTuningFromEnv(),
    ...source,
    // The API's request id on workflow and activity logs; a pre-built bundle carries the workflow side already.
    interceptors: {
      activity: [requestIdActivityInterceptors],
      ...('workflowsPath' in source ? { workflowModules: WORKFLOW_INTERCEPTOR_MODULES } : {}),
    },
  });
}
