/**
 * Reads of the applications' projection (written by activities/application.ts): a case with
 * its events, notices and messages to the applicant, the filtered list, and what a step
 * needs to know about its case.
 */
import { type Expression, type Kysely, sql } from 'kysely';
import pg from 'pg';
import { DUPLICATE_SIMILARITY_THRESHOLD, descriptionSimilarity } from '../../domain/application/similarity';
import { compiledOnce } from '../compiled-once';
import type { Database } from '../schema';
import type { caseEvents } from './case-events';

/*
 * Every read takes the caller's agency: another agency's case is not found, exactly as a case
 * that does not exist (case numbers carry their agency, but numbers from before the platform
 * do not, so the agency is checked, never inferred from the number).
 */

/** The agency's case of this number (null-safe: undefined when none, or another agency's). */
export async function findApplication(db: Kysely<Database>, agencyCode: string, caseNo: string) {
  return db.selectFrom('applications').selectAll().where('agency_code', '=', agencyCode).where('case_no', '=', caseNo).executeTakeFirst();
}

/** The agency's case numbers equal to `caseNo` (none or one): the scope of reads of a case's other tables. */
const ownCase = (db: Kysely<Database>, agencyCode: string, caseNo: string) =>
  db.selectFrom('applications').select('case_no').where('agency_code', '=', agencyCode).where('case_no', '=', caseNo);

/** The notices issued on a case, in the order they were issued (without their HTML or PDF). */
export async function applicationNotices(db: Kysely<Database>, agencyCode: string, caseNo: string) {
  return db
    .selectFrom('case_documents')
    .select(['doc_no', 'kind', 'title', 'issued_on', 'event_seq', 'sha256', 'pdf_sha256'])
    .where('case_no', 'in', ownCase(db, agencyCode, caseNo))
    .orderBy('id')
    .execute();
}

/** A timestamptz as node-postgres reads it from its text form: the same Date as a column of the row itself. */
const readTimestamp = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date;
const timestampOrNull = (text: string | null): Date | null => (text === null ? null : readTimestamp(text));

/** The rows of a subquery as one JSON array in `orderColumn`'s order (empty: `[]`). */
const jsonRowsOf = <R>(rows: Expression<unknown>, orderColumn: string) =>
  sql<R[]>`(select coalesce(json_agg(row_of order by row_of.${sql.ref(orderColumn)}), '[]') from ${rows} as row_of)`;

/** An applicant message's columns but its three timestamps (which the one-statement view reads as text). */
const MESSAGE_COLUMNS = [
  'doc_no',
  'notice_kind',
  'channel',
  'status',
  'attempt_count',
  'attempts',
  'last_error',
  'provider_message_id',
  'provider_response',
  'delivery_note',
] as const;

type EventRecordRow = Awaited<ReturnType<typeof caseEvents>>[number];
type NoticeRow = Awaited<ReturnType<typeof applicationNotices>>[number];
type MessageRow = Awaited<ReturnType<typeof applicantMessagesOf>>[number];
/** In JSON, timestamps arrive as their text (read back with node-postgres's own parser below). */
type AsText<T, K extends keyof T> = Omit<T, K> & { [P in K]: null extends T[P] ? string | null : string };

/** Built once: every registration, step and GET of an application runs it. */
const applicationWithRecordsQuery = compiledOnce((db, p: { agencyCode: string; caseNo: string }) =>
  db
    .selectFrom('applications')
    .selectAll('applications')
    .select((eb) => [
      jsonRowsOf<AsText<EventRecordRow, 'occurred_at'>>(
        eb
          .selectFrom('case_events')
          .select(['seq', 'type', 'actor_username', 'actor_role', sql<string>`occurred_at::text`.as('occurred_at'), 'payload'])
          .where('case_no', '=', p.caseNo)
          .where(
            'case_no',
            'in',
            eb
              .selectFrom('case_agencies')
              .select('case_id')
              .where('case_kind', '=', 'application')
              .where('agency_code', '=', p.agencyCode)
              .where('case_id', '=', p.caseNo),
          ),
        'seq',
      ).as('record_events'),
      jsonRowsOf<NoticeRow & { id: number }>(
        eb
          .selectFrom('case_documents')
          .select(['id', 'doc_no', 'kind', 'title', 'issued_on', 'event_seq', 'sha256', 'pdf_sha256'])
          .where('case_no', 'in', ownCase(db, p.agencyCode, p.caseNo)),
        'id',
      ).as('record_notices'),
      jsonRowsOf<AsText<MessageRow, 'sent_at' | 'delivery_recorded_at' | 'created_at'> & { id: number }>(
        eb
          .selectFrom('applicant_messages')
          .select([
            'id',
            ...MESSAGE_COLUMNS,
            sql<string | null>`sent_at::text`.as('sent_at'),
            sql<string | null>`delivery_recorded_at::text`.as('delivery_recorded_at'),
            sql<string>`created_at::text`.as('created_at'),
          ])
          .where('case_no', 'in', ownCase(db, p.agencyCode, p.caseNo)),
        'id',
      ).as('record_messages'),
    ])
    .where('agency_code', '=', p.agencyCode)
    .where('case_no', '=', p.caseNo),
);

/**
 * What a case's view reads (findApplication, caseEvents with the agency, applicationNotices,
 * applicantMessagesOf), in one statement instead of four round trips: the same rows, scoped and
 * ordered the same way, with every value as those reads give it. Undefined when the agency has
 * no such case.
 */
export async function applicationWithRecords(db: Kysely<Database>, agencyCode: string, caseNo: string) {
  const found = await applicationWithRecordsQuery.executeTakeFirst(db, { agencyCode, caseNo });
  if (!found) return undefined;
  const { record_events, record_notices, record_messages, ...row } = found;
  return {
    row,
    events: record_events.map((e): EventRecordRow => ({ ...e, occurred_at: readTimestamp(e.occurred_at) })),
    documents: record_notices.map(({ id: _order, ...d }): NoticeRow => d),
    messages: record_messages.map(({ id: _order, ...m }): MessageRow => ({
      ...m,
      sent_at: timestampOrNull(m.sent_at),
      delivery_recorded_at: timestampOrNull(m.delivery_recorded_at),
      created_at: readTimestamp(m.created_at),
    })),
  };
}

/** The e-mails and SMS sent to the applicant on a case, with their delivery record. */
export async function applicantMessagesOf(db: Kysely<Database>, agencyCode: string, caseNo: string) {
  return db
    .selectFrom('applicant_messages')
    .select([...MESSAGE_COLUMNS, 'sent_at', 'delivery_recorded_at', 'created_at'])
    .where('case_no', 'in', ownCase(db, agencyCode, caseNo))
    .orderBy('id')
    .execute();
}

export interface ApplicationListFilter {
  /** The caller's agency: no list shows another's cases. */
  agencyCode: string;
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
  let q = db.selectFrom('applications').where('agency_code', '=', filter.agencyCode);
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
export async function applicationOwner(db: Kysely<Database>, agencyCode: string, caseNo: string) {
  return db
    .selectFrom('applications')
    .select(['department_code', 'state'])
    .where('agency_code', '=', agencyCode)
    .where('case_no', '=', caseNo)
    .executeTakeFirst();
}

/** One notice of a case, with its HTML and its PDF if rendered. */
export async function applicationNotice(db: Kysely<Database>, agencyCode: string, caseNo: string, docNo: string) {
  return db
    .selectFrom('case_documents')
    .select(['html', 'pdf', 'pdf_sha256', 'issued_on'])
    .where('case_no', 'in', ownCase(db, agencyCode, caseNo))
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

/*
 * The citizen portal's reads. The portal has no agency of its own: an applicant reaches one
 * case, the one their access token (or 查询码 and second factor) names, whichever agency has it.
 */

/** A case as the applicant's progress page shows it, with the name of the agency handling it. */
export async function portalCase(db: Kysely<Database>, caseNo: string) {
  return db
    .selectFrom('applications')
    .innerJoin('agencies', 'agencies.code', 'applications.agency_code')
    .select([
      'applications.case_no',
      'applications.workflow_id',
      'applications.stage',
      'applications.status',
      'applications.paused',
      'applications.received_on',
      'applications.reply_due',
      'applications.state',
      'applications.transferred_to',
      'agencies.code as agency_code',
      'agencies.name as agency_name',
    ])
    .where('applications.case_no', '=', caseNo)
    .executeTakeFirst();
}

/** The case of a 查询码 with its state (the applicant, for the second factor), or undefined. */
export async function caseOfQueryCode(db: Kysely<Database>, queryCode: string) {
  return db.selectFrom('applications').select(['case_no', 'state']).where('query_code', '=', queryCode).executeTakeFirst();
}

/**
 * Where a case was handed over to (§36(五)): the receiving agency's name and the new case's
 * progress, or undefined when it was not handed over.
 */
export async function handedOverTo(db: Kysely<Database>, caseNo: string) {
  return db
    .selectFrom('applications as from')
    .innerJoin('applications as to', 'to.case_no', 'from.transferred_to')
    .innerJoin('agencies', 'agencies.code', 'to.agency_code')
    .select(['to.case_no', 'to.stage', 'to.status', 'to.reply_due', 'agencies.code as agency_code', 'agencies.name as agency_name'])
    .where('from.case_no', '=', caseNo)
    .executeTakeFirst();
}

/** The notices issued on a case, for the applicant's page (the route keeps those addressed to them). */
export async function portalNotices(db: Kysely<Database>, caseNo: string) {
  return db
    .selectFrom('case_documents')
    .select(['doc_no', 'kind', 'title', 'issued_on'])
    .where('case_no', '=', caseNo)
    .orderBy('id')
    .execute();
}

/** One notice of the case, with its HTML and its PDF if rendered (the route checks it is addressed to the applicant). */
export async function portalNotice(db: Kysely<Database>, caseNo: string, docNo: string) {
  return db
    .selectFrom('case_documents')
    .select(['html', 'pdf', 'pdf_sha256', 'issued_on'])
    .where('case_no', '=', caseNo)
    .where('doc_no', '=', docNo)
    .executeTakeFirst();
}

/** The 登记回执 of a case just registered, if it was issued. */
export async function receiptOf(db: Kysely<Database>, caseNo: string) {
  return db
    .selectFrom('case_documents')
    .select(['doc_no', 'title'])
    .where('case_no', '=', caseNo)
    .where('kind', '=', 'receipt')
    .orderBy('id')
    .executeTakeFirst();
}

/**
 * Possible 重复申请: the agency's earlier cases of the same applicant within the window whose
 * description is near-identical. Asked before a case starts (its number is drawn, its row not yet
 * written), so the workflow's input carries the answer.
 */
export async function possibleDuplicates(
  db: Kysely<Database>,
  query: { agencyCode: string; caseNo: string; idNumber: string; description: string; windowDays: number },
): Promise<string[]> {
  const earlier = await db
    .selectFrom('applications')
    .select(['case_no', 'description'])
    .where('agency_code', '=', query.agencyCode)
    .where('applicant_id_number', '=', query.idNumber)
    .where('case_no', '!=', query.caseNo)
    .where('created_at', '>=', sql<Date>`now() - make_interval(days => ${query.windowDays})`)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return earlier
    .filter((row) => descriptionSimilarity(row.description, query.description) >= DUPLICATE_SIMILARITY_THRESHOLD)
    .map((row) => row.case_no);
}
