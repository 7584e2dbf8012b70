/**
 * Reads of the documents' projection (written by activities/documents.ts): a document with
 * its events, review records and catalogue entry, the filtered list, the public catalogue,
 * the 不予公开 registers and self-checks, and what a step needs to know about its document.
 * Every read but the public catalogue's is of one agency's records: another agency's document
 * or register is not there, as if it did not exist.
 */
import type { DocumentState } from '../../domain/documents/types';
import { type Kysely, sql } from 'kysely';
import type { Database, DocumentRegistersTable } from '../schema';

export async function findDocument(db: Kysely<Database>, agencyCode: string, docId: string) {
  return db.selectFrom('documents').selectAll().where('agency_code', '=', agencyCode).where('doc_id', '=', docId).executeTakeFirst();
}

/** The written review records of a document, in the order of its steps. */
export async function documentReviews(db: Kysely<Database>, agencyCode: string, docId: string) {
  return db
    .selectFrom('document_reviews as r')
    .innerJoin('documents as d', 'd.doc_id', 'r.doc_id')
    .selectAll('r')
    .where('d.agency_code', '=', agencyCode)
    .where('r.doc_id', '=', docId)
    .orderBy('r.event_seq')
    .execute();
}

/** A document's catalogue entry (its 索引号), once it is listed. */
export async function documentCatalogueEntry(db: Kysely<Database>, agencyCode: string, docId: string) {
  return db
    .selectFrom('document_catalogue')
    .select(['index_no', 'produced_on', 'category'])
    .where('agency_code', '=', agencyCode)
    .where('doc_id', '=', docId)
    .executeTakeFirst();
}

/**
 * The attributes of a document another one forwards (it inherits them), or undefined if the
 * agency has no such document: a document forwards only its own agency's.
 */
export async function forwardedDocumentAttributes(db: Kysely<Database>, agencyCode: string, docId: string) {
  return db
    .selectFrom('documents')
    .select(['final_attribute', 'proposed_attribute'])
    .where('agency_code', '=', agencyCode)
    .where('doc_id', '=', docId)
    .executeTakeFirst();
}

/** The 索引号 部门编号 of an issuing department of the agency, or null when it has none (or the agency has no such department). */
export async function issuingDepartmentIndexCode(db: Kysely<Database>, agencyCode: string, departmentCode: string): Promise<string | null> {
  const row = await db
    .selectFrom('departments')
    .select('index_code')
    .where('agency_code', '=', agencyCode)
    .where('code', '=', departmentCode)
    .executeTakeFirst();
  return row?.index_code ?? null;
}

export interface DocumentListFilter {
  /** A department user's own department: it sees its own outgoing documents. */
  ownDepartment?: string;
  stage?: string;
  /** The attribute in force: final once signed, else the drafter's proposal. */
  attribute?: string;
  /** Open and past its next due instant (true), or not (false). */
  overdue?: boolean;
  limit: number;
  offset: number;
}

/** One page of documents, soonest due first, and how many match in all. */
export async function listDocuments(db: Kysely<Database>, agencyCode: string, filter: DocumentListFilter) {
  let q = db.selectFrom('documents').where('agency_code', '=', agencyCode);
  if (filter.ownDepartment !== undefined) q = q.where('issuing_department', '=', filter.ownDepartment);
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.attribute) q = q.where(sql<string>`coalesce(final_attribute, proposed_attribute)`, '=', filter.attribute);
  if (filter.overdue === true) q = q.where('status', '=', 'open').where('next_due_at', '<', new Date());
  if (filter.overdue === false)
    q = q.where((eb) => eb.or([eb('status', '=', 'closed'), eb('next_due_at', 'is', null), eb('next_due_at', '>=', new Date())]));
  const [rows, total] = await Promise.all([
    q
      .select([
        'doc_id',
        'title',
        'doc_number',
        'stage',
        'status',
        'issuing_department',
        'proposed_attribute',
        'final_attribute',
        'signed_on',
        'next_due',
        'next_due_at',
      ])
      .orderBy('next_due_at', (ob) => ob.asc().nullsLast())
      .orderBy('doc_id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export interface CatalogueFilter {
  /** One agency's entries; left out, every agency's on the platform. */
  agencyCode?: string;
  /** In the title, description, document number or keywords. */
  keyword?: string;
  category?: string;
  year?: number;
  attribute?: string;
  limit: number;
  offset: number;
}

/** One page of the public catalogue, newest first, with the agency of each entry, and how many entries match in all. */
export async function searchCatalogue(db: Kysely<Database>, filter: CatalogueFilter) {
  let q = db.selectFrom('document_catalogue');
  if (filter.agencyCode) q = q.where('agency_code', '=', filter.agencyCode);
  if (filter.keyword) {
    const like = `%${filter.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('title', 'like', like),
        eb('description', 'like', like),
        eb('doc_number', 'like', like),
        eb(sql`array_to_string(keywords, ' ')`, 'like', like),
      ]),
    );
  }
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.year) q = q.where('year', '=', filter.year);
  if (filter.attribute) q = q.where('attribute', '=', filter.attribute);
  const [rows, total] = await Promise.all([
    q
      .innerJoin('agencies', 'agencies.code', 'document_catalogue.agency_code')
      .selectAll('document_catalogue')
      .select(['agencies.name as agency_name', 'agencies.short_name as agency_short_name'])
      .orderBy('produced_on', 'desc')
      .orderBy('index_no', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** The agency's latest 200 registers and self-checks, newest first. */
export async function listDocumentRegisters(db: Kysely<Database>, agencyCode: string, kind?: DocumentRegistersTable['kind']) {
  let q = db.selectFrom('document_registers').selectAll().where('agency_code', '=', agencyCode);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('id', 'desc').limit(200).execute();
}

export async function findDocumentRegister(db: Kysely<Database>, agencyCode: string, id: string) {
  return db.selectFrom('document_registers').selectAll().where('agency_code', '=', agencyCode).where('id', '=', id).executeTakeFirst();
}

export async function documentRegisterItems(db: Kysely<Database>, agencyCode: string, registerId: string) {
  return db
    .selectFrom('document_register_items as i')
    .innerJoin('document_registers as r', 'r.id', 'i.register_id')
    .selectAll('i')
    .where('r.agency_code', '=', agencyCode)
    .where('i.register_id', '=', registerId)
    .orderBy('i.doc_id')
    .execute();
}

/** What a step on one of the agency's registers needs: its workflow, its kind, and whether it is completed. */
export async function documentRegisterStepTarget(db: Kysely<Database>, agencyCode: string, id: string) {
  return db
    .selectFrom('document_registers')
    .select(['workflow_id', 'kind', 'status'])
    .where('agency_code', '=', agencyCode)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * What a step on a document needs: its workflow, its issuing department (for the department's
 * own steps), its agency, status and stage, and its stored state (a closed document's change
 * reopens it from there).
 */
export async function documentStepTarget(
  db: Kysely<Database>,
  agencyCode: string,
  docId: string,
): Promise<
  { workflowId: string; departmentCode: string; agencyCode: string; closed: boolean; stage: string; state: DocumentState } | undefined
> {
  const row = await db
    .selectFrom('documents')
    .select(['workflow_id', 'issuing_department', 'agency_code', 'status', 'stage', 'state'])
    .where('agency_code', '=', agencyCode)
    .where('doc_id', '=', docId)
    .executeTakeFirst();
  return (
    row && {
      workflowId: row.workflow_id,
      departmentCode: row.issuing_department,
      agencyCode: row.agency_code,
      closed: row.status === 'closed',
      stage: row.stage,
      state: row.state as DocumentState,
    }
  );
}
