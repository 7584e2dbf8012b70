/**
 * Reads of the incidents' projection (written by activities/incidents.ts): an incident with
 * its events, the filtered list, and what a step needs to know about its incident. Every read
 * is of one agency's incidents: another agency's is not there, as if it did not exist.
 */
import type { Kysely } from 'kysely';
import type { Database, IncidentsTable } from '../schema';

export async function findIncident(db: Kysely<Database>, agencyCode: string, id: string) {
  return db.selectFrom('incidents').selectAll().where('agency_code', '=', agencyCode).where('id', '=', id).executeTakeFirst();
}

export interface IncidentListFilter {
  grade?: string;
  stage?: string;
  status?: 'open' | 'closed';
  kind?: IncidentsTable['kind'];
  overdue?: boolean;
  limit: number;
  offset: number;
}

/** One page of incidents, most recently seen first, and how many match in all. */
export async function listIncidents(db: Kysely<Database>, agencyCode: string, filter: IncidentListFilter) {
  let q = db.selectFrom('incidents').where('agency_code', '=', agencyCode);
  if (filter.grade) q = q.where('grade', '=', filter.grade);
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.overdue !== undefined) q = q.where('overdue', '=', filter.overdue);
  const [rows, total] = await Promise.all([
    q
      .select([
        'id',
        'kind',
        'grade',
        'stage',
        'status',
        'title',
        'source',
        'department_code',
        'first_seen_at',
        'report_due_at',
        'response_due_at',
        'overdue',
      ])
      .orderBy('first_seen_at', 'desc')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** What a step on an incident needs: its workflow, its unit (for the unit's own steps), and whether it is closed. */
export async function incidentStepTarget(
  db: Kysely<Database>,
  agencyCode: string,
  id: string,
): Promise<{ workflowId: string; departmentCode: string | null; closed: boolean } | undefined> {
  const row = await db
    .selectFrom('incidents')
    .select(['workflow_id', 'department_code', 'status'])
    .where('agency_code', '=', agencyCode)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { workflowId: row.workflow_id, departmentCode: row.department_code, closed: row.status === 'closed' };
}
