/** The accountability records of an incident or a citizen message (written by activities/incidents.ts): each missed time limit. */
import type { Kysely } from 'kysely';
import type { AccountabilityRecordsTable, Database } from '../schema';

/** The records of one of the agency's incidents or messages (none for another agency's). */
export async function accountabilityRecordsOf(
  db: Kysely<Database>,
  agencyCode: string,
  caseKind: AccountabilityRecordsTable['case_kind'],
  caseId: string,
) {
  return db
    .selectFrom('accountability_records')
    .selectAll()
    .where('case_kind', '=', caseKind)
    .where('case_id', '=', caseId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('case_agencies')
          .select('case_agencies.case_id')
          .where('case_agencies.agency_code', '=', agencyCode)
          .where('case_agencies.case_kind', '=', caseKind)
          .where('case_agencies.case_id', '=', caseId),
      ),
    )
    .orderBy('id')
    .execute();
}
