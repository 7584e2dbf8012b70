/**
 * Reads of the citizen messages' projection (written by activities/incidents.ts): a message
 * with its events, the filtered list, and what a step needs to know about its message. Every
 * read is of one agency's messages: another agency's is not there, as if it did not exist.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export async function findCitizenMessage(db: Kysely<Database>, agencyCode: string, id: string) {
  return db.selectFrom('citizen_messages').selectAll().where('agency_code', '=', agencyCode).where('id', '=', id).executeTakeFirst();
}

export interface CitizenMessageListFilter {
  /** A department user's own department: it sees only the messages assigned to it. */
  ownDepartment?: string;
  type?: string;
  stage?: string;
  status?: 'open' | 'closed';
  department?: string;
  overdue?: boolean;
  limit: number;
  offset: number;
}

/** One page of messages (whole rows: the caller decides what of the writer to show), soonest reply due first, and how many match in all. */
export async function listCitizenMessages(db: Kysely<Database>, agencyCode: string, filter: CitizenMessageListFilter) {
  let q = db.selectFrom('citizen_messages').where('agency_code', '=', agencyCode);
  if (filter.ownDepartment !== undefined) q = q.where('department_code', '=', filter.ownDepartment);
  if (filter.type) q = q.where('type', '=', filter.type);
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.department) q = q.where('department_code', '=', filter.department);
  if (filter.overdue !== undefined) q = q.where('overdue', '=', filter.overdue);
  const [rows, total] = await Promise.all([
    q
      .selectAll()
      .orderBy('reply_due', (ob) => ob.asc().nullsLast())
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** What a step on a message needs: its workflow, its department (for the department's own steps), and whether it is closed. */
export async function citizenMessageStepTarget(
  db: Kysely<Database>,
  agencyCode: string,
  id: string,
): Promise<{ workflowId: string; departmentCode: string | null; closed: boolean } | undefined> {
  const row = await db
    .selectFrom('citizen_messages')
    .select(['workflow_id', 'department_code', 'status'])
    .where('agency_code', '=', agencyCode)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { workflowId: row.workflow_id, departmentCode: row.department_code, closed: row.status === 'closed' };
}
