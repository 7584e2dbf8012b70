/**
 * The archive's workflows. `archive-<workflowId>-<runId>` archives one run on an admin's
 * request (POST /api/admin/workflows/:workflowId/archive) and waits for its close;
 * `archiveSweep` is what the `gongkai-archive-sweep` Schedule starts every few minutes to
 * archive every run that has closed since (see temporal-config/schedules.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SweepResult } from '../activities/archive';

const { archiveClosedWorkflow } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['MisconfiguredWorker'],
  },
});

const { archiveClosedWorkflows } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '5 minutes',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['MisconfiguredWorker'],
  },
});

export async function archiveWorkflowHistory(input: {
  workflowId: string;
  runId: string;
}): Promise<{ sha256: string; eventCount: number }> {
  return archiveClosedWorkflow(input);
}

export async function archiveSweep(): Promise<SweepResult> {
  return archiveClosedWorkflows({});
}
