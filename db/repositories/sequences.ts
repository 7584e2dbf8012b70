/** Gap-free numbering: the counter moves inside the caller's transaction, so a rollback returns the number. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export async function nextInSequence(db: Kysely<Database>, agencyCode: string, year: number, series: string): Promise<number> {
  const row = await db
    .insertInto('sequences')
    .values({ agency_code: agencyCode, year, series, last_value: 1 })
    .onConflict((oc) =>
      oc.columns(['agency_code', 'year', 'series']).doUpdateSet((eb) => ({ last_value: eb('sequences.last_value', '+', 1) })),
    )
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return row.last_value;
}
