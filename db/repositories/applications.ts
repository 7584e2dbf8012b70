/**
 * Reads of the applications' projection (written by activities/application.ts): a case with
 * its events, notices and messages to the applicant, the filtered list, and what a step
 * needs to know about its case.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export async function findApplication(db: Kysely<Database>, caseNo: string) {
  return db.selectFrom('applications').selectAll().where('case_no', '=', caseNo).executeTakeFirst();
}

/** The notices issued on a case, in the order they were issued (without their HTML or PDF). */
export async function applicationNotices(db: Kysely<Database>, caseNo: string) {
  return db
    .selectFrom('case_documents')
    .select(['doc_no', 'kind', 'title', 'issued_on', 'event_seq', 'sha256', 'pdf_sha256'])
    .where('case_no', '=', caseNo)
    .orderBy('id')
    .execute();
}

/** The e-mails and SMS sent to the applicant on a case, with their delivery record. */
export async function applicantMessagesOf(db: Kysely<Database>, caseNo: string) {
  return db
    .selectFrom('applicant_messages')
    .select([
      'doc_no',
      'notice_kind',
      'channel',
      'status',
      'attempt_count',
      'attempts',
      'last_error',
      'sent_at',
      'provider_message_id',
      'provider_response',
      'delivery_recorded_at',
      'delivery_note',
      'created_at',
    ])
    .where('case_no', '=', caseNo)
    .orderBy('id')
    .execute();
}

export interface ApplicationListFilter {
  /** A department user's own department: they see no other. */
  ownDepartment?: string;
  stage?: string;
  status?: 'open' | 'closed';
  department?: string;
  /** Reply due on or before this date. */
  dueBefore?: string;
  limit: number;
  offset: number;
}

/** One page of cases, soonest reply due first, and how many match in all. */
export async function listApplications(db: Kysely<Database>, filter: ApplicationListFilter) {
  let q = db.selectFrom('applications');
  if (filter.ownDepartment !== undefined) q = q.where('department_code', '=', filter.ownDepartment);
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.department) q = q.where('department_code', '=', filter.department);
  if (filter.dueBefore) q = q.where('reply_due', '<=', filter.dueBefore);
  const [rows, total] = await Promise.all([
    q
      .select([
        'case_no',
        'stage',
        'status',
        'paused',
        'department_code',
        'assignee',
        'applicant_name',
        'applicant_type',
        'channel',
        'received_on',
        'reply_due',
        'outcome',
        'possible_duplicates',
        'created_at',
      ])
      .orderBy('reply_due', (ob) => ob.asc().nullsLast())
      .orderBy('case_no')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Whose case it is (its department) and its stored state, for a read of one of its notices. */
export async function applicationOwner(db: Kysely<Database>, caseNo: string) {
  return db.selectFrom('applications').select(['department_code', 'state']).where('case_no', '=', caseNo).executeTakeFirst();
}

/** One notice of a case, with its HTML and its PDF if rendered. */
export async function applicationNotice(db: Kysely<Database>, caseNo: string, docNo: string) {
  return db
    .selectFrom('case_documents')
    .select(['html', 'pdf', 'pdf_sha256', 'issued_on'])
    .where('case_no', '=', caseNo)
    .where('doc_no', '=', docNo)
    .executeTakeFirst();
}

/** What a step on a case needs: its workflow, its department (for the department's own steps), and whether it is closed. */
export async function applicationStepTarget(
  db: Kysely<Database>,
  agencyCode: string,
  caseNo: string,
): Promise<{ workflowId: string; departmentCode: string | null; closed: boolean } | undefined> {
  const row = await db
    .selectFrom('applications')
    .select(['workflow_id', 'department_code', 'status'])
    .where('agency_code', '=', agencyCode)
    .where('case_no', '=', caseNo)
    .executeTakeFirst();
  return row && { workflowId: row.workflow_id, departmentCode: row.department_code, closed: row.status === 'closed' };
}

/** The rule profile a case is handled under (a dispute about it is handled under the same one), or undefined if there is no such case. */
export async function applicationRuleProfileId(db: Kysely<Database>, caseNo: string): Promise<string | undefined> {
  const row = await db.selectFrom('applications').select('rule_profile_id').where('case_no', '=', caseNo).executeTakeFirst();
  return row?.rule_profile_id;
}
