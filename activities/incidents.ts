/**
 * Activities of the incident and citizen-message workflows: each step written in ONE
 * transaction (projection moving only forward, append-only event once per seq, accountability
 * records upserted by clock and due instant), so a retried write changes nothing twice.
 * The message clock is derived by the applications' `deriveClocks` (same calendar, same code).
 */
import type { Kysely, Transaction } from 'kysely';
import type { AccountabilityEntry } from '../domain/incidents/types';
import type { IncidentState } from '../domain/incidents/types';
import type { MessageState } from '../domain/messages/types';
import { appendCaseEvent, type RecordedDigest, recordedDigest, upsertCaseProjection } from '../db/repositories/case-events';
import type { Database } from '../db/schema';
import { incidentSnapshot, messageSnapshot } from '../domain/supervision/projection';
import { recordSupervision } from './supervision';
import type { RecordedEvent } from '../domain/case';

async function upsertAccountability(
  trx: Transaction<Database>,
  caseKind: 'incident' | 'message',
  caseId: string,
  entries: AccountabilityEntry[],
): Promise<void> {
  for (const a of entries) {
    await trx
      .insertInto('accountability_records')
      .values({
        case_kind: caseKind,
        case_id: caseId,
        clock_id: a.clockId,
        clock_label: a.clockLabel,
        responsible: a.responsible,
        responsible_person: a.responsiblePerson,
        due_at: a.dueAt,
        missed_at: a.missedAt,
        satisfied_at: a.satisfiedAt,
        late_minutes: a.lateMinutes,
      })
      .onConflict((oc) =>
        oc
          .columns(['case_kind', 'case_id', 'clock_id', 'due_at'])
          .doUpdateSet({ satisfied_at: a.satisfiedAt, late_minutes: a.lateMinutes }),
      )
      .execute();
  }
}

export function createIncidentActivities(deps: { db: Kysely<Database> }) {
  const { db } = deps;
  return {
    async recordIncidentEvent(input: {
      workflowId: string;
      agencyCode: string;
      event: RecordedEvent;
      state: IncidentState;
    }): Promise<RecordedDigest> {
      const { event, state } = input;
      const due = (id: string) => state.clocks.find((c) => c.id === id)?.derived.dueAt ?? null;
      const projection = {
        grade: state.grade,
        stage: state.stage,
        status: state.closed ? ('closed' as const) : ('open' as const),
        department_code: state.departmentCode,
        report_due_at: due('report'),
        response_due_at: due('response'),
        overdue: state.accountability.some((a) => a.satisfiedAt === null),
        state: JSON.stringify(state),
        last_seq: event.seq,
        updated_at: new Date(),
        closed_at: state.closed ? event.at : null,
      };
      await db.transaction().execute(async (trx) => {
        await upsertCaseProjection(
          trx,
          'incident',
          event.seq,
          {
            id: state.id,
            workflow_id: input.workflowId,
            agency_code: input.agencyCode,
            kind: state.kind,
            rule_profile_id: state.ruleProfile.id,
            rule_profile_version: state.ruleProfile.version,
            title: state.intake.title,
            source: state.intake.source,
            first_seen_at: state.intake.firstSeenAt,
            ...projection,
          },
          projection,
        );
        const inserted = await appendCaseEvent(trx, 'incident', state.id, event);
        if (inserted) await recordSupervision(trx, input.workflowId, incidentSnapshot(state), event);
        await upsertAccountability(trx, 'incident', state.id, state.accountability);
      });
      return recordedDigest(event);
    },

    /** The writer's identity goes to its own columns; `state` and events never carry it. */
    async recordMessageEvent(input: { workflowId: string; agencyCode: string; event: RecordedEvent; state: MessageState }): Promise<void> {
      const { event, state } = input;
      const { writer, ...withoutWriter } = state;
      const running = state.clock.derived?.status === 'running';
      const projection = {
        stage: state.stage,
        status: state.closed ? ('closed' as const) : ('open' as const),
        department_code: state.departmentCode,
        reply_due: state.reply ? state.reply.due : (state.clock.derived?.due ?? null),
        reply_due_at: running ? state.clock.dueAt : null,
        overdue: state.accountability.some((a) => a.satisfiedAt === null),
        state: JSON.stringify(withoutWriter),
        last_seq: event.seq,
        updated_at: new Date(),
        closed_at: state.closed ? event.at : null,
      };
      await db.transaction().execute(async (trx) => {
        await upsertCaseProjection(
          trx,
          'message',
          event.seq,
          {
            id: state.id,
            workflow_id: input.workflowId,
            agency_code: input.agencyCode,
            rule_profile_id: state.ruleProfile.id,
            rule_profile_version: state.ruleProfile.version,
            type: state.intake.type,
            channel: state.intake.channel,
            subject: state.intake.subject,
            complained_department_code: state.intake.complainedDepartmentCode ?? null,
            confidential: state.intake.confidential,
            writer_name: writer?.name ?? '',
            writer_phone: writer?.phone ?? null,
            writer_email: writer?.email ?? null,
            writer_address: writer?.address ?? null,
            received_on: state.intake.receivedOn,
            ...projection,
          },
          projection,
        );
        const inserted = await appendCaseEvent(trx, 'message', state.id, event);
        if (inserted) await recordSupervision(trx, input.workflowId, messageSnapshot(state), event);
        await upsertAccountability(trx, 'message', state.id, state.accountability);
      });
    },
  };
}
