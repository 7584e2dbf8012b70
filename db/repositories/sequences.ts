/** Gap-free numbering: the counter moves inside the caller's transaction, so a rollback returns the number. */
import type { Kysely } from 'kysely';
import { compiledOnce } from '../compiled-once';
import type { Database } from '../schema';

/** Built once: every registration draws a number. */
const nextValue = compiledOnce((db, p: { agencyCode: string; year: number; series: string }) =>
  db
    .insertInto('sequences')
    .values({ agency_code: p.agencyCode, year: p.year, series: p.series, last_value: 1 })
    .onConflict((oc) =>
      oc.columns(['agency_code', 'year', 'series']).doUpdateSet((eb) => ({ last_value: eb('sequences.last_value', '+', 1) })),
    )
    .returning('last_value'),
);

export async function nextInSequence(db: Kysely<Database>, agencyCode: string, year: number, series: string): Promise<number> {
  const row = await nextValue.executeTakeFirstOrThrow(db, { agencyCode, year, series });
  return row.last_value;
}
