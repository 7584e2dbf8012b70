/**
 * Reads of the disputes' projection (written by activities/disputes.ts): a dispute with its
 * events, the filtered list, and what a step needs to know about its dispute. Every read is
 * of one agency's disputes: another agency's dispute is not there, as if it did not exist.
 */
import type { Kysely } from 'kysely';
import type { Database, DisputesTable } from '../schema';

export async function findDispute(db: Kysely<Database>, agencyCode: string, disputeNo: string) {
  return db.selectFrom('disputes').selectAll().where('agency_code', '=', agencyCode).where('dispute_no', '=', disputeNo).executeTakeFirst();
}

/** The rule profile of the application a dispute is about, if it is one of the agency's applications. */
export async function disputedApplicationRuleProfileId(
  db: Kysely<Database>,
  agencyCode: string,
  caseNo: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('applications')
    .select('rule_profile_id')
    .where('agency_code', '=', agencyCode)
    .where('case_no', '=', caseNo)
    .executeTakeFirst();
  return row?.rule_profile_id;
}

export interface DisputeListFilter {
  /** A department user's own department: it sees the disputes it holds evidence for. */
  ownDepartment?: string;
  kind?: DisputesTable['kind'];
  status?: 'open' | 'closed';
  caseNo?: string;
}

/** The first 500 disputes, soonest defence due first. */
export async function listDisputes(db: Kysely<Database>, agencyCode: string, filter: DisputeListFilter) {
  let q = db.selectFrom('disputes').where('agency_code', '=', agencyCode);
  if (filter.ownDepartment !== undefined) q = q.where('department_code', '=', filter.ownDepartment);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.caseNo) q = q.where('case_no', '=', filter.caseNo);
  return q
    .select([
      'dispute_no',
      'case_no',
      'kind',
      'body',
      'received_on',
      'stage',
      'status',
      'department_code',
      'result',
      'result_on',
      'defence_due',
      'evidence_due',
    ])
    .orderBy('defence_due', (ob) => ob.asc().nullsLast())
    .orderBy('dispute_no')
    .limit(500)
    .execute();
}

/** What a step on a dispute needs: its workflow, its department (for the department's own steps), and whether it is closed. */
export async function disputeStepTarget(
  db: Kysely<Database>,
  agencyCode: string,
  disputeNo: string,
): Promise<{ workflowId: string; departmentCode: string | null; closed: boolean } | undefined> {
  const row = await db
    .selectFrom('disputes')
    .select(['workflow_id', 'department_code', 'status'])
    .where('agency_code', '=', agencyCode)
    .where('dispute_no', '=', disputeNo)
    .executeTakeFirst();
  return row && { workflowId: row.workflow_id, departmentCode: row.department_code, closed: row.status === 'closed' };
}
