/** Builds the Gongkai worker: workflows from workflows/ (or a pre-built bundle), activities by DI. */
import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../activities';

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

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const workflowSource =
    process.env.NODE_ENV === 'production' && fs.existsSync(PREBUILT_BUNDLE)
      ? { workflowBundle: { codePath: PREBUILT_BUNDLE } }
      : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...workflowSource,
  });
}
