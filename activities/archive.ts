/**
 * Archiving closed workflows' histories to PostgreSQL, so the record outlives the
 * namespace's retention. Two ways in: one workflow on an admin's request, and a sweep that a
 * Temporal Schedule runs every few minutes over every execution visibility reports closed
 * (completed, failed, terminated, timed out…), so nothing depends on the closing workflow's
 * own code running to its end.
 */
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Kysely } from 'kysely';
import { archiveHistory } from '../db/repositories/histories';
import type { Database } from '../db/schema';

/** Workflow types that only serve the archive: archiving them would archive the archiver. */
export const ARCHIVER_WORKFLOW_TYPES = ['archiveWorkflowHistory', 'archiveSweep'] as const;

/** The visibility query of the sweep: closed runs, except the archive's own workflows. */
export const CLOSED_WORKFLOWS_QUERY = `ExecutionStatus != "Running" AND WorkflowType NOT IN (${ARCHIVER_WORKFLOW_TYPES.map((t) => `"${t}"`).join(', ')})`;

export interface SweepResult {
  /** Closed runs visibility listed. */
  seen: number;
  /** Newly archived by this sweep. */
  archived: number;
  /** Already in the archive (an earlier sweep or an admin's request). */
  alreadyArchived: number;
  /** Listed as closed but gone from Temporal before we fetched them (retention raced us). */
  vanished: string[];
}

async function archiveRun(
  db: Kysely<Database>,
  handle: WorkflowHandle,
): Promise<{ sha256: string; eventCount: number; inserted: boolean } | 'running'> {
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') return 'running';
  const history = await handle.fetchHistory();
  const eventCount = history.events?.length ?? 0;
  const { sha256, inserted } = await archiveHistory(db, {
    workflowId: handle.workflowId,
    runId: description.runId,
    workflowType: description.type,
    status: description.status.name,
    closedAt: description.closeTime ?? null,
    eventCount,
    json: historyToJSON(history),
  });
  return { sha256, eventCount, inserted };
}

const isNotFound = (error: unknown) =>
  (error as { name?: string })?.name === 'WorkflowNotFoundError' || (error as { code?: number })?.code === 5; // gRPC NOT_FOUND

export function createArchiveActivities(deps: { db: Kysely<Database>; temporal?: Client }) {
  const client = (): Client => {
    if (!deps.temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for archiving', 'MisconfiguredWorker');
    return deps.temporal;
  };
  return {
    async archiveClosedWorkflow(input: { workflowId: string; runId: string }): Promise<{ sha256: string; eventCount: number }> {
      const result = await archiveRun(deps.db, client().workflow.getHandle(input.workflowId, input.runId));
      // Retryable on purpose: an admin may ask before the workflow's last event.
      if (result === 'running') throw ApplicationFailure.retryable(`${input.workflowId} is still running`, 'WorkflowStillRunning');
      return { sha256: result.sha256, eventCount: result.eventCount };
    },

    /** One pass over every closed run in the namespace; idempotent, so overlapping or repeated sweeps are harmless. */
    async archiveClosedWorkflows(input: { pageSize?: number } = {}): Promise<SweepResult> {
      const temporal = client();
      const result: SweepResult = { seen: 0, archived: 0, alreadyArchived: 0, vanished: [] };
      const page: Array<{ workflowId: string; runId: string }> = [];
      const flush = async () => {
        if (page.length === 0) return;
        const known = await deps.db
          .selectFrom('workflow_histories')
          .select(['workflow_id', 'run_id'])
          .where(
            'run_id',
            'in',
            page.map((p) => p.runId),
          )
          .execute();
        const archivedRuns = new Set(known.map((k) => `${k.workflow_id}/${k.run_id}`));
        for (const run of page) {
          if (archivedRuns.has(`${run.workflowId}/${run.runId}`)) {
            result.alreadyArchived += 1;
            continue;
          }
          try {
            const archived = await archiveRun(deps.db, temporal.workflow.getHandle(run.workflowId, run.runId));
            if (archived !== 'running') result[archived.inserted ? 'archived' : 'alreadyArchived'] += 1;
          } catch (error) {
            if (!isNotFound(error)) throw error;
            result.vanished.push(run.workflowId);
          }
        }
        page.length = 0;
        heartbeat(result);
      };
      for await (const execution of temporal.workflow.list({ query: CLOSED_WORKFLOWS_QUERY, pageSize: input.pageSize ?? 100 })) {
        result.seen += 1;
        page.push({ workflowId: execution.workflowId, runId: execution.runId });
        if (page.length >= (input.pageSize ?? 100)) await flush();
      }
      await flush();
      return result;
    },
  };
}
