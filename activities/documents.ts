/**
 * Activities of document release. Clock derivation is the application's `deriveClocks`
 * (same calendar, same domain code). Here: the one-transaction write of every step
 * (projection + append-only event + written review record + catalogue entry with its
 * gap-free 索引号), and the recurring registers. Each is idempotent: a retried write finds
 * its event (or its register) already recorded and writes nothing twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type CatalogueCategory, formatIndexNo, indexSeries } from '../domain/documents/catalogue';
import { departmentIndexCode } from '../db/repositories/departments';
import { type Actor, type Attribute, type DocumentState, REVIEW_RETENTION_YEARS, type ReviewRecord } from '../domain/documents/types';
import { PUBLIC_CHANNELS } from '../domain/documents/rules';
import { appendCaseEvent, upsertCaseProjection } from '../db/repositories/case-events';
import { nextInSequence } from '../db/repositories/sequences';
import type { Database } from '../db/schema';
import { documentSnapshot } from '../domain/supervision/projection';
import { recordSupervision } from './supervision';
import type { SelfCheckItem } from '../workflows/document-messages';
import type { RecordedEvent } from '../domain/case';

function retainUntil(reviewedOn: string): string {
  const year = Number(reviewedOn.slice(0, 4)) + REVIEW_RETENTION_YEARS;
  // 29 February → 1 March three years on.
  const candidate = `${year}${reviewedOn.slice(4)}`;
  return /-02-29$/.test(candidate) && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? `${year}-03-01` : candidate;
}

/**
 * Writes the catalogue entry of a document, numbered in its series, in `trx`: a 依申请公开
 * document is listed at sign-off (seed 002: 公开形式 分为主动公开和依申请公开), a 主动公开 one
 * at its first public publication. An entry already there (a 依申请公开 document converted
 * by the self-check) keeps its 索引号 and takes the new attribute and URL.
 */
async function catalogue(
  trx: Transaction<Database>,
  input: { agencyCode: string; regionCode: string; state: DocumentState },
): Promise<string> {
  const { state } = input;
  const url = state.publications.find((p) => PUBLIC_CHANNELS.includes(p.channel))?.url ?? null;
  const existing = await trx.selectFrom('document_catalogue').select('index_no').where('doc_id', '=', state.docId).executeTakeFirst();
  if (existing) {
    await trx.updateTable('document_catalogue').set({ attribute: state.finalAttribute!, url }).where('doc_id', '=', state.docId).execute();
    return existing.index_no;
  }
  const reg = state.registration;
  // 部门编号 as an admin set it on the department; 地区编号 the agency's, else the profile's region.
  const departmentCode = await departmentIndexCode(trx, reg.issuingDepartment);
  if (!departmentCode)
    throw ApplicationFailure.nonRetryable(`department ${reg.issuingDepartment} has no 索引号 code`, 'NoDepartmentIndexCode');
  const agencyRegion = await trx.selectFrom('agencies').select('region_code').where('code', '=', input.agencyCode).executeTakeFirst();
  const regionCode = agencyRegion?.region_code ?? input.regionCode;
  const category = reg.category as CatalogueCategory;
  const producedOn = state.signedOff!.on; // 产生时间: the signing date (seed 002 二（二）4)
  const year = Number(producedOn.slice(0, 4));
  const sequence = await nextInSequence(trx, input.agencyCode, year, indexSeries({ regionCode, departmentCode, category }));
  const indexNo = formatIndexNo({ regionCode, departmentCode, category, year, sequence });
  const reviews = await trx
    .selectFrom('document_reviews')
    .select(['kind', 'reviewer', 'reviewed_on'])
    .where('doc_id', '=', state.docId)
    .orderBy('event_seq')
    .execute();
  await trx
    .insertInto('document_catalogue')
    .values({
      index_no: indexNo,
      doc_id: state.docId,
      agency_code: input.agencyCode,
      region_code: regionCode,
      department_code: departmentCode,
      category,
      year,
      sequence,
      title: reg.title,
      doc_number: reg.docNumber,
      produced_on: producedOn,
      attribute: state.finalAttribute!,
      description: reg.description,
      keywords: reg.keywords,
      time_limit: reg.timeLimit,
      review_summary: reviews.map((r) => `${REVIEW_LABELS[r.kind] ?? r.kind}：${r.reviewer}（${r.reviewed_on}）`).join('；'),
      responsible_department: reg.issuingDepartment,
      url,
    })
    .execute();
  return indexNo;
}

const REVIEW_LABELS: Record<string, string> = {
  'office-verification': '办公室核定',
  'office-return': '办公室退回',
  'secrecy-1': '一级保密审查',
  'secrecy-2': '二级保密审查',
  'secrecy-escalation': '保密工作部门确定',
  'co-issuer': '联合发文单位意见',
  'sign-off': '领导签发',
  'self-check': '年度自查',
};

export function createDocumentActivities(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  return {
    /**
     * Writes one step in one transaction: the projection (only moving forward), the event
     * (once per seq), the written review record of the step, and — when asked — the
     * catalogue entry with its 索引号.
     */
    async recordDocumentEvent(input: {
      workflowId: string;
      agencyCode: string;
      regionCode: string;
      event: RecordedEvent;
      state: DocumentState;
      review?: ReviewRecord;
      catalogue?: boolean;
    }): Promise<{ indexNo: string | null }> {
      const { event, state } = input;
      const reg = state.registration;
      const open = state.clocks.filter((c) => !c.closed && c.dueAt).sort((a, b) => a.dueAt!.localeCompare(b.dueAt!));
      const projection = {
        proposed_attribute: state.proposedAttribute,
        final_attribute: state.finalAttribute,
        stage: state.stage,
        status: state.closed ? ('closed' as const) : ('open' as const),
        signed_on: state.signedOff?.on ?? null,
        next_due: open[0]?.derived?.due ?? null,
        next_due_at: open[0] ? new Date(open[0].dueAt!) : null,
        state: JSON.stringify(state),
        last_seq: event.seq,
        updated_at: new Date(),
        closed_at: state.closed ? new Date(event.at) : null,
      };
      return db.transaction().execute(async (trx) => {
        await upsertCaseProjection(
          trx,
          'document',
          event.seq,
          {
            doc_id: state.docId,
            workflow_id: input.workflowId,
            agency_code: input.agencyCode,
            rule_profile_id: state.ruleProfile.id,
            rule_profile_version: state.ruleProfile.version,
            title: reg.title,
            doc_number: reg.docNumber,
            kind: reg.kind,
            normative: reg.normative,
            issuing_department: reg.issuingDepartment,
            co_issuers: reg.coIssuers,
            forwarded_doc_id: reg.forwardedDocId ?? null,
            category: reg.category,
            ...projection,
          },
          projection,
        );
        const inserted = await appendCaseEvent(trx, 'document', state.docId, event);
        if (inserted) await recordSupervision(trx, input.workflowId, documentSnapshot(state), event);
        if (inserted && input.review) {
          const r = input.review;
          await trx
            .insertInto('document_reviews')
            .values({
              doc_id: state.docId,
              event_seq: event.seq,
              kind: r.kind,
              subject: r.subject,
              basis: r.basis,
              conclusion: r.conclusion,
              reviewer: r.reviewer,
              reviewer_role: event.actor.role,
              reviewed_on: r.reviewedOn,
              participants: r.participants,
              retain_until: retainUntil(r.reviewedOn),
            })
            .execute();
        }
        const indexNo = input.catalogue
          ? await catalogue(trx, { agencyCode: input.agencyCode, regionCode: input.regionCode, state })
          : null;
        return { indexNo };
      });
    },

    /** The half-yearly 不予公开 register: every 不予公开 document not yet in an earlier register. */
    async compileNonDisclosureRegister(input: {
      workflowId: string;
      agencyCode: string;
      profileId: string;
      dueOn: string;
    }): Promise<{ registerId: string; dueOn: string; docIds: string[] }> {
      return db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('document_registers')
          .select(['id', 'due_on'])
          .where('workflow_id', '=', input.workflowId)
          .executeTakeFirst();
        if (existing) {
          const items = await trx
            .selectFrom('document_register_items')
            .select('doc_id')
            .where('register_id', '=', existing.id)
            .orderBy('doc_id')
            .execute();
          return { registerId: existing.id, dueOn: existing.due_on, docIds: items.map((i) => i.doc_id) };
        }
        // One compilation at a time per agency, so no document lands in two registers.
        await sql`select pg_advisory_xact_lock(hashtext(${`document-register:${input.agencyCode}`}))`.execute(trx);
        const register = await trx
          .insertInto('document_registers')
          .values({
            kind: 'non-disclosure',
            workflow_id: input.workflowId,
            agency_code: input.agencyCode,
            rule_profile_id: input.profileId,
            due_on: input.dueOn,
            status: 'open',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const docs = await trx
          .selectFrom('documents')
          .select(['doc_id', 'title', 'doc_number', 'state'])
          .where('agency_code', '=', input.agencyCode)
          .where('final_attribute', '=', 'not-disclosed')
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('document_register_items as i')
                  .innerJoin('document_registers as r', 'r.id', 'i.register_id')
                  .select('i.doc_id')
                  .whereRef('i.doc_id', '=', 'documents.doc_id')
                  .where('r.kind', '=', 'non-disclosure'),
              ),
            ),
          )
          .orderBy('doc_id')
          .execute();
        if (docs.length > 0) {
          await trx
            .insertInto('document_register_items')
            .values(
              docs.map((d) => ({
                register_id: register.id,
                doc_id: d.doc_id,
                attribute: 'not-disclosed',
                title: d.title,
                doc_number: d.doc_number,
                reasons: (d.state as DocumentState).signedOff?.reasons ?? (d.state as DocumentState).attributeReasons,
              })),
            )
            .execute();
        }
        return { registerId: register.id, dueOn: input.dueOn, docIds: docs.map((d) => d.doc_id) };
      });
    },

    /** Opens the yearly self-check: every 不予公开 and 依申请公开 document still withheld. */
    async openSelfCheck(input: {
      workflowId: string;
      agencyCode: string;
      profileId: string;
      dueOn: string;
    }): Promise<{ registerId: string; items: SelfCheckItem[] }> {
      return db.transaction().execute(async (trx) => {
        let register = await trx
          .selectFrom('document_registers')
          .select('id')
          .where('workflow_id', '=', input.workflowId)
          .executeTakeFirst();
        if (!register) {
          register = await trx
            .insertInto('document_registers')
            .values({
              kind: 'self-check',
              workflow_id: input.workflowId,
              agency_code: input.agencyCode,
              rule_profile_id: input.profileId,
              due_on: input.dueOn,
              status: 'open',
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const docs = await trx
            .selectFrom('documents')
            .select(['doc_id', 'title', 'doc_number', 'final_attribute', 'state'])
            .where('agency_code', '=', input.agencyCode)
            .where('stage', '=', 'withheld')
            .where('final_attribute', 'in', ['not-disclosed', 'on-request'])
            .orderBy('doc_id')
            .execute();
          if (docs.length > 0) {
            await trx
              .insertInto('document_register_items')
              .values(
                docs.map((d) => ({
                  register_id: register!.id,
                  doc_id: d.doc_id,
                  attribute: d.final_attribute!,
                  title: d.title,
                  doc_number: d.doc_number,
                  reasons: (d.state as DocumentState).signedOff?.reasons ?? null,
                })),
              )
              .execute();
          }
        }
        const items = await trx
          .selectFrom('document_register_items')
          .select(['doc_id', 'title', 'doc_number', 'attribute', 'decision'])
          .where('register_id', '=', register.id)
          .orderBy('doc_id')
          .execute();
        return {
          registerId: register.id,
          items: items.map((i) => ({
            docId: i.doc_id,
            title: i.title,
            docNumber: i.doc_number,
            attribute: i.attribute as Attribute,
            decision: i.decision,
          })),
        };
      });
    },

    async recordSelfCheckDecision(input: {
      registerId: string;
      docId: string;
      decision: 'confirm' | 'convert';
      reasons: string;
      actor: Actor;
    }): Promise<void> {
      await db
        .updateTable('document_register_items')
        .set({ decision: input.decision, decision_reasons: input.reasons, decided_by: input.actor.username, decided_at: new Date() })
        .where('register_id', '=', input.registerId)
        .where('doc_id', '=', input.docId)
        .where('decision', 'is', null)
        .execute();
    },

    /** Marks a register overdue (escalated: `notify` says to whom) or completed (by whom, with a note). */
    async markRegister(input: {
      registerId: string;
      status: 'overdue' | 'completed';
      notify: string[];
      by?: string;
      note?: string;
    }): Promise<void> {
      await db
        .updateTable('document_registers')
        .set({
          status: input.status,
          notify: input.notify,
          updated_at: new Date(),
          ...(input.status === 'completed'
            ? { completed_at: new Date(), completed_by: input.by ?? null, completion_note: input.note ?? null }
            : {}),
        })
        .where('id', '=', input.registerId)
        .execute();
    },
  };
}
