/** The worker's sizing from the environment (worker/create-worker.ts, README "Configuration"). */
import { workerTuningFromEnv } from '../worker/create-worker';

describe('workerTuningFromEnv', () => {
  test("unset keeps the SDK's defaults, but a sticky-queue timeout sized for a backlog", () => {
    expect(workerTuningFromEnv({})).toEqual({ stickyQueueScheduleToStartTimeout: '60s' });
  });

  test('cache, task slots and the sticky-queue timeout', () => {
    expect(
      workerTuningFromEnv({
        GONGKAI_WORKER_CACHED_WORKFLOWS: '1000',
        GONGKAI_WORKER_WORKFLOW_TASKS: '4',
        GONGKAI_WORKER_ACTIVITY_TASKS: '8',
        GONGKAI_WORKER_STICKY_TIMEOUT_SECONDS: '60',
      }),
    ).toEqual({
      maxCachedWorkflows: 1000,
      maxConcurrentWorkflowTaskExecutions: 4,
      maxConcurrentActivityTaskExecutions: 8,
      stickyQueueScheduleToStartTimeout: '60s',
    });
  });

  test('refuses what is not a whole number in range', () => {
    expect(() => workerTuningFromEnv({ GONGKAI_WORKER_STICKY_TIMEOUT_SECONDS: '0' })).toThrow(/GONGKAI_WORKER_STICKY_TIMEOUT_SECONDS/);
    expect(() => workerTuningFromEnv({ GONGKAI_WORKER_STICKY_TIMEOUT_SECONDS: '1.5' })).toThrow(/integer/);
    expect(() => workerTuningFromEnv({ GONGKAI_WORKER_CACHED_WORKFLOWS: '-1' })).toThrow(/GONGKAI_WORKER_CACHED_WORKFLOWS/);
  });
});
