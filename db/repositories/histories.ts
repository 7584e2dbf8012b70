/** The archive of closed workflows' Temporal histories (gzip of proto3 JSON, with its SHA-256). */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface ArchivedHistory {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: string;
  closedAt: Date | null;
  eventCount: number;
  json: string;
  sha256: string;
  archivedAt: Date;
}

export const sha256 = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** Stores a history once; a second archive of the same run is a no-op. */
export async function archiveHistory(
  db: Kysely<Database>,
  entry: {
    workflowId: string;
    runId: string;
    workflowType: string;
    status: string;
    closedAt: Date | null;
    eventCount: number;
    json: string;
  },
): Promise<{ sha256: string; inserted: boolean }> {
  const digest = sha256(entry.json);
  const inserted = await db
    .insertInto('workflow_histories')
    .values({
      workflow_id: entry.workflowId,
      run_id: entry.runId,
      workflow_type: entry.workflowType,
      status: entry.status,
      closed_at: entry.closedAt,
      event_count: entry.eventCount,
      history_gzip: gzipSync(entry.json, { level: 9 }),
      sha256: digest,
    })
    .onConflict((oc) => oc.columns(['workflow_id', 'run_id']).doNothing())
    .returning('run_id')
    .executeTakeFirst();
  return { sha256: digest, inserted: inserted !== undefined };
}

/** Who reads a workflow's history: an agency's admin, or a platform admin. */
export interface HistoryViewer {
  agencyCode: string;
  platform: boolean;
}

/**
 * Whether the viewer may read a workflow's history: a case's workflow (case_agencies) is its
 * agency's; a workflow with no case (a calendar broadcast, an archiver, a sweep) is the
 * platform's, for platform admins only.
 */
export async function workflowVisibleTo(db: Kysely<Database>, workflowId: string, viewer: HistoryViewer): Promise<boolean> {
  const row = await db.selectFrom('case_agencies').select('agency_code').where('workflow_id', '=', workflowId).executeTakeFirst();
  return row ? row.agency_code === viewer.agencyCode : viewer.platform;
}

/** The latest archived run of a workflow the viewer may read (workflowVisibleTo), verified against its stored digest. */
export async function findArchivedHistory(
  db: Kysely<Database>,
  workflowId: string,
  viewer: HistoryViewer,
): Promise<ArchivedHistory | null> {
  const row = await db
    .selectFrom('workflow_histories')
    .selectAll()
    .where('workflow_id', '=', workflowId)
    .where((eb) => {
      const caseOf = eb
        .selectFrom('case_agencies')
        .select('case_agencies.agency_code')
        .whereRef('case_agencies.workflow_id', '=', 'workflow_histories.workflow_id');
      const ownCase = eb.exists(caseOf.where('case_agencies.agency_code', '=', viewer.agencyCode));
      return viewer.platform ? eb.or([ownCase, eb.not(eb.exists(caseOf))]) : ownCase;
    })
    .orderBy('closed_at', (ob) => ob.desc().nullsLast())
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const json = gunzipSync(row.history_gzip).toString('utf8');
  if (sha256(json) !== row.sha256) throw new Error(`archived history of ${workflowId} does not match its SHA-256: the archive was altered`);
  return {
    workflowId: row.workflow_id,
    runId: row.run_id,
    workflowType: row.workflow_type,
    status: row.status,
    closedAt: row.closed_at,
    eventCount: row.event_count,
    json,
    sha256: row.sha256,
    archivedAt: row.archived_at,
  };
}
