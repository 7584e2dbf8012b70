/**
 * Reconciles the clock projection with Temporal: for every case the projection, the case
 * tables or Temporal's visibility say is open, ask the workflow itself for its state,
 * derive the rows it implies and compare. Reports drift; repairs it when asked.
 */
import type { Client, QueryDefinition } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { ApplicationState } from '../domain/application/types';
import type { DisputeState } from '../domain/disputes/types';
import type { DocumentState } from '../domain/documents/types';
import type { IncidentState } from '../domain/incidents/types';
import type { MessageState } from '../domain/messages/types';
import {
  applicationSnapshot,
  type CaseSnapshot,
  disputeSnapshot,
  documentSnapshot,
  incidentSnapshot,
  messageSnapshot,
} from '../domain/supervision/projection';
import { projectCaseClocks } from '../db/repositories/supervision';
import type { Database } from '../db/schema';
import { applicationStateQuery } from '../workflows/application-messages';
import { disputeStateQuery } from '../workflows/dispute-messages';
import { documentStateQuery } from '../workflows/document-messages';
import { incidentStateQuery } from '../workflows/incident-messages';
import { messageStateQuery } from '../workflows/message-messages';

/** Each kind of case: its workflow-id prefix, the query that returns its state, and its snapshot. */
const KINDS: Record<string, { prefix: string; query: QueryDefinition<unknown>; snapshot: (state: never) => CaseSnapshot }> = {
  application: {
    prefix: 'application-',
    query: applicationStateQuery as QueryDefinition<unknown>,
    snapshot: (s: ApplicationState) => applicationSnapshot(s),
  },
  dispute: { prefix: 'dispute-', query: disputeStateQuery as QueryDefinition<unknown>, snapshot: (s: DisputeState) => disputeSnapshot(s) },
  document: {
    prefix: 'document-',
    query: documentStateQuery as QueryDefinition<unknown>,
    snapshot: (s: DocumentState) => documentSnapshot(s),
  },
  incident: {
    prefix: 'incident-',
    query: incidentStateQuery as QueryDefinition<unknown>,
    snapshot: (s: IncidentState) => incidentSnapshot(s),
  },
  message: { prefix: 'message-', query: messageStateQuery as QueryDefinition<unknown>, snapshot: (s: MessageState) => messageSnapshot(s) },
};

export interface Drift {
  workflowId: string;
  /** Clocks the workflow has open that the projection lacks. */
  missing: string[];
  /** Rows the projection shows that the workflow no longer has open. */
  extra: string[];
  /** Rows whose due date, status, stage, department or assignee differ. */
  changed: string[];
}

export interface ReconcileReport {
  checked: number;
  inSync: number;
  drifted: Drift[];
  repaired: number;
  unreachable: Array<{ workflowId: string; error: string }>;
}

const kindOf = (workflowId: string) => Object.entries(KINDS).find(([, k]) => workflowId.startsWith(k.prefix));

export async function reconcileClockProjection(
  db: Kysely<Database>,
  temporal: Client,
  options: { repair: boolean; /** Only this agency's cases (case_agencies); absent: the whole platform's. */ agencyCode?: string },
): Promise<ReconcileReport> {
  const candidates = new Set<string>();
  for (const row of await db.selectFrom('case_clocks').select('workflow_id').distinct().execute()) candidates.add(row.workflow_id);
  for (const row of await db.selectFrom('applications').select('workflow_id').where('status', '=', 'open').execute())
    candidates.add(row.workflow_id);
  for (const table of ['disputes', 'documents', 'incidents', 'citizen_messages'] as const) {
    for (const row of await db.selectFrom(table).select('workflow_id').where('status', '=', 'open').execute())
      candidates.add(row.workflow_id);
  }
  const kinds = Object.keys(KINDS)
    .map((k) => `"${k}"`)
    .join(', ');
  for await (const execution of temporal.workflow.list({ query: `ExecutionStatus = "Running" AND GongkaiCaseKind IN (${kinds})` }))
    candidates.add(execution.workflowId);

  const report: ReconcileReport = { checked: 0, inSync: 0, drifted: [], repaired: 0, unreachable: [] };
  let ids = [...candidates].filter((id) => kindOf(id)).sort();
  if (options.agencyCode) {
    const own = await db.selectFrom('case_agencies').select('workflow_id').where('agency_code', '=', options.agencyCode).execute();
    const ofAgency = new Set(own.map((r) => r.workflow_id));
    ids = ids.filter((id) => ofAgency.has(id));
  }
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(ids.slice(i, i + 20).map((workflowId) => check(workflowId)));
  }
  return report;

  async function check(workflowId: string): Promise<void> {
    const [kind, spec] = kindOf(workflowId)!;
    let expected: CaseSnapshot;
    try {
      const handle = temporal.workflow.getHandle(workflowId);
      const description = await handle.describe();
      const state = await handle.query(spec.query);
      expected = spec.snapshot(state as never);
      if (description.status.name !== 'RUNNING') expected = { ...expected, clocks: [] };
    } catch (error) {
      report.unreachable.push({ workflowId, error: (error as Error).message });
      return;
    }
    report.checked += 1;
    const rows = await db.selectFrom('case_clocks').selectAll().where('workflow_id', '=', workflowId).execute();
    const actual = new Map(rows.map((r) => [r.clock_id, r]));
    const drift: Drift = { workflowId, missing: [], extra: [], changed: [] };
    for (const clock of expected.clocks) {
      const row = actual.get(clock.clockId);
      if (!row) drift.missing.push(clock.clockId);
      else if (
        row.status !== clock.status ||
        row.due_date !== clock.dueDate ||
        (row.due_at?.toISOString() ?? null) !== (clock.dueAt ? new Date(clock.dueAt).toISOString() : null) ||
        row.stage !== expected.stage ||
        row.department_code !== expected.departmentCode ||
        row.assignee !== expected.assignee
      )
        drift.changed.push(clock.clockId);
      actual.delete(clock.clockId);
    }
    drift.extra.push(...actual.keys());
    if (drift.missing.length + drift.extra.length + drift.changed.length === 0) {
      report.inSync += 1;
      return;
    }
    report.drifted.push(drift);
    if (options.repair) {
      await db.transaction().execute(async (trx) => {
        // The workflow's live state is the truth: rewrite the case's rows from it whatever their seq.
        await trx.deleteFrom('case_clocks').where('workflow_id', '=', workflowId).execute();
        await projectCaseClocks(trx, {
          ...expected,
          kind,
          workflowId,
          clocks: expected.clocks.map((c) => ({ ...c, dueAt: c.dueAt ? new Date(c.dueAt) : null })),
        });
      });
      report.repaired += 1;
    }
  }
}
