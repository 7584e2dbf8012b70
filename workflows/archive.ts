/**
 * Archives another workflow's history once it has closed: `archive-<workflowId>-<runId>`.
 * Started by an admin (POST /api/admin/workflows/:workflowId/archive); starting it from each
 * closing workflow stalled the time-skipping test server, so that hook is not wired yet.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { archiveClosedWorkflow } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['MisconfiguredWorker'] },
});

export async function archiveWorkflowHistory(input: { workflowId: string; runId: string }): Promise<{ sha256: string; eventCount: number }> {
  return archiveClosedWorkflow(input);
}

