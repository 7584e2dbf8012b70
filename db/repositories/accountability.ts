/** The accountability records of an incident or a citizen message (written by activities/incidents.ts): each missed time limit. */
import type { Kysely } from 'kysely';
import type { AccountabilityRecordsTable, Database } from '../schema';

export async function accountabilityRecordsOf(db: Kysely<Database>, caseKind: AccountabilityRecordsTable['case_kind'], caseId: string) {
  return db
    .selectFrom('accountability_records')
    .selectAll()
    .where('case_kind', '=', caseKind)
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}
