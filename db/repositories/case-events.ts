/**
 * A case's write, the same for every kind of case: its projection row (one table per kind),
 * moved only forward, and its append-only event log (one table per kind, same columns but
 * the case's id), appended once per seq. A workflow's activity does both in one transaction,
 * so a retried activity writes nothing twice. And the log's read, in order, for any kind.
 */
import type { RecordedEvent } from '../../domain/case';
import type { Insertable, Kysely, Transaction, UpdateObject } from 'kysely';
import { type DigestAlgorithm, labelledDigest, parseLabelledDigest } from '../crypto';
import type { CaseEventRow, Database } from '../schema';

export type CaseKind = 'application' | 'dispute' | 'document' | 'incident' | 'message';

/** Each kind's projection table and its id column. */
export const CASE_TABLES = {
  application: { table: 'applications', idColumn: 'case_no' },
  dispute: { table: 'disputes', idColumn: 'dispute_no' },
  document: { table: 'documents', idColumn: 'doc_id' },
  incident: { table: 'incidents', idColumn: 'id' },
  message: { table: 'citizen_messages', idColumn: 'id' },
} as const satisfies Record<CaseKind, { table: keyof Database; idColumn: string }>;

type CaseTable<K extends CaseKind> = (typeof CASE_TABLES)[K]['table'];

/**
 * Inserts a case's projection row, or updates it with `update` when `seq` is newer than the
 * one it shows: a retried or late write never moves a case backwards.
 */
export async function upsertCaseProjection<K extends CaseKind>(
  trx: Transaction<Database>,
  kind: K,
  seq: number,
  row: Insertable<Database[CaseTable<K>]>,
  update: UpdateObject<Database, CaseTable<K>>,
): Promise<void> {
  const { table, idColumn } = CASE_TABLES[kind];
  // Typed at the call by the kind; Kysely cannot type a statement over a union of tables,
  // so here it is typed as the applications' one.
  await trx
    .insertInto(table as 'applications')
    .values(row as Insertable<Database['applications']>)
    .onConflict((oc) =>
      oc
        .column(idColumn as 'case_no')
        .doUpdateSet(update as never)
        .where(`${table}.last_seq` as 'applications.last_seq', '<', seq),
    )
    .execute();
}

/** Each kind's event table and the column naming its case there. */
export const CASE_EVENT_TABLES = {
  application: { table: 'case_events', caseColumn: 'case_no' },
  dispute: { table: 'dispute_events', caseColumn: 'dispute_no' },
  document: { table: 'document_events', caseColumn: 'doc_id' },
  incident: { table: 'incident_events', caseColumn: 'incident_id' },
  message: { table: 'message_events', caseColumn: 'message_id' },
} as const satisfies Record<CaseKind, { table: keyof Database; caseColumn: string }>;

/** What appending needs of a recorded event (domain/case.ts `RecordedEvent`): its actor as the log shows it. */
export type AppendedEvent = Omit<RecordedEvent, 'actor'> & { actor: Pick<RecordedEvent['actor'], 'username' | 'displayName' | 'role'> };

/** An event as its log row holds it: the payload keeps who acted (with the display name, which has no column). */
function eventRow(event: AppendedEvent) {
  return {
    seq: event.seq,
    type: event.type,
    actor_username: event.actor.username,
    actor_role: event.actor.role,
    occurred_at: event.at,
    payload: { ...event.payload, actor: { username: event.actor.username, displayName: event.actor.displayName, role: event.actor.role } },
  };
}

/** JSON with every object's keys sorted: what a jsonb column gives back hashes as what went in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

type EventRowContent = Pick<CaseEventRow, 'seq' | 'type' | 'actor_username' | 'actor_role'> & {
  occurred_at: Date | string;
  payload: unknown;
};
function rowDigest(row: EventRowContent, algorithm?: DigestAlgorithm): string {
  const at = typeof row.occurred_at === 'string' ? new Date(row.occurred_at) : row.occurred_at;
  return labelledDigest(canonicalJson([row.seq, row.type, row.actor_username, row.actor_role, at.toISOString(), row.payload]), algorithm);
}

/**
 * The digest of an event as its log row holds it (`sha256:…`, or `sm3:…` in GM mode). A
 * workflow's record activity answers with it instead of the event, so the history stays small
 * and still pins every row of the log: replay re-derives each event from the history, and
 * `storedEventMatches` checks a row against the digest its history recorded.
 */
export const caseEventDigest = (event: AppendedEvent): string => rowDigest(eventRow(event));

/**
 * What a workflow's record activity answers of the event it wrote: the digest of its row,
 * which pins its seq and type too (both are in the row).
 */
export interface RecordedDigest {
  digest: string;
}
export const recordedDigest = (event: AppendedEvent): RecordedDigest => ({ digest: caseEventDigest(event) });

/** Whether a stored log row (as `caseEvents` reads it) is the event a history recorded `digest` for. */
export function storedEventMatches(row: EventRowContent, digest: string): boolean {
  const { algorithm } = parseLabelledDigest(digest);
  return rowDigest(row, algorithm) === digest;
}

/**
 * Appends a case's event unless its seq is already there (a retried activity). Returns
 * whether this call inserted it: only then does the caller record what follows from it.
 */
export async function appendCaseEvent(trx: Transaction<Database>, kind: CaseKind, caseId: string, event: AppendedEvent): Promise<boolean> {
  const { table, caseColumn } = CASE_EVENT_TABLES[kind];
  const { payload, ...columns } = eventRow(event);
  const row: Insertable<CaseEventRow> = { ...columns, payload: JSON.stringify(payload) };
  // The five tables differ only in the case column's name: typed as the applications' one.
  const inserted = await trx
    .insertInto(table as 'case_events')
    .values({ ...row, [caseColumn as 'case_no']: caseId })
    .onConflict((oc) => oc.columns([caseColumn as 'case_no', 'seq']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** A case's event log in order, as its view shows it; with `agencyCode`, empty unless the case is that agency's (case_agencies). */
export async function caseEvents(db: Kysely<Database>, kind: CaseKind, caseId: string, agencyCode?: string) {
  const { table, caseColumn } = CASE_EVENT_TABLES[kind];
  // The five tables differ only in the case column's name: typed as the applications' one.
  let q = db
    .selectFrom(table as 'case_events')
    .select(['seq', 'type', 'actor_username', 'actor_role', 'occurred_at', 'payload'])
    .where(caseColumn as 'case_no', '=', caseId);
  if (agencyCode !== undefined)
    q = q.where(
      caseColumn as 'case_no',
      'in',
      db
        .selectFrom('case_agencies')
        .select('case_id')
        .where('case_kind', '=', kind)
        .where('agency_code', '=', agencyCode)
        .where('case_id', '=', caseId),
    );
  return q.orderBy('seq').execute();
}

/** An entry of a case's log as every case view shows it. */
export function caseEventView(e: Awaited<ReturnType<typeof caseEvents>>[number]) {
  return { seq: e.seq, type: e.type, actor: e.actor_username, role: e.actor_role, at: e.occurred_at, payload: e.payload };
}
