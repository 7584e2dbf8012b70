/**
 * Archiving a closed workflow's history to PostgreSQL, so the record outlives the
 * namespace's retention. The activity retries (with backoff) until its workflow has closed.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Kysely } from 'kysely';
import { archiveHistory } from '../db/repositories/histories';
import type { Database } from '../db/schema';

export function createArchiveActivities(deps: { db: Kysely<Database>; temporal?: Client }) {
  return {
    async archiveClosedWorkflow(input: { workflowId: string; runId: string }): Promise<{ sha256: string; eventCount: number }> {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for archiving', 'MisconfiguredWorker');
      const handle = deps.temporal.workflow.getHandle(input.workflowId, input.runId);
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') {
        // Retryable on purpose: the archiver starts just before its workflow's last event.
        throw ApplicationFailure.retryable(`${input.workflowId} is still running`, 'WorkflowStillRunning');
      }
      const history = await handle.fetchHistory();
      const eventCount = history.events?.length ?? 0;
      const { sha256 } = await archiveHistory(deps.db, {
        workflowId: input.workflowId,
        runId: input.runId,
        workflowType: description.type,
        status: description.status.name,
        closedAt: description.closeTime ?? null,
        eventCount,
        json: historyToJSON(history),
      });
      return { sha256, eventCount };
    },
  };
}
