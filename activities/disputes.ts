/**
 * The dispute workflow's write: projection (only moving forward) and append-only event in
 * one transaction, once per seq, so a retried activity writes nothing twice.
 */
import type { Kysely } from 'kysely';
import type { DisputeState } from '../domain/disputes/types';
import { disputeSnapshot } from '../domain/supervision/projection';
import { appendCaseEvent, upsertCaseProjection } from '../db/repositories/case-events';
import type { Database } from '../db/schema';
import type { RecordedEvent } from '../domain/case';
import { recordSupervision } from './supervision';

export function createDisputeActivities(deps: { db: Kysely<Database> }) {
  return {
    async recordDisputeEvent(input: { workflowId: string; agencyCode: string; event: RecordedEvent; state: DisputeState }): Promise<void> {
      const { event, state } = input;
      const due = (id: string) => {
        const c = state.clocks.find((k) => k.id === id);
        return c && !c.closed ? (c.derived?.due ?? null) : null;
      };
      const projection = {
        stage: state.stage,
        status: state.closed ? ('closed' as const) : ('open' as const),
        department_code: state.departmentCode,
        result: state.result?.result ?? null,
        result_on: state.result?.on ?? null,
        defence_due: due('defence'),
        evidence_due: due('evidence'),
        state: JSON.stringify(state),
        last_seq: event.seq,
        updated_at: new Date(),
        closed_at: state.closed ? new Date(event.at) : null,
      };
      await deps.db.transaction().execute(async (trx) => {
        await upsertCaseProjection(
          trx,
          'dispute',
          event.seq,
          {
            dispute_no: state.disputeNo,
            workflow_id: input.workflowId,
            agency_code: input.agencyCode,
            case_no: state.filing.caseNo,
            kind: state.filing.kind,
            body: state.filing.body,
            received_on: state.filing.receivedOn,
            rule_profile_id: state.ruleProfile.id,
            ...projection,
          },
          projection,
        );
        const inserted = await appendCaseEvent(trx, 'dispute', state.disputeNo, event);
        if (inserted) await recordSupervision(trx, input.workflowId, disputeSnapshot(state), event);
      });
    },
  };
}
