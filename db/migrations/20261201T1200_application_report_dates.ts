/**
 * The two dates the annual report counts applications by (条例 §50; 国办公开办函〔2021〕30号
 * table 3), kept apart from the dates the workflow moves:
 *
 * - `first_received_on`: the first §31 receipt date. A correction (补正, §30) restarts the
 *   reply period from the corrected application's receipt and moves `received_on`, but the
 *   case was still 新收 in the year it first arrived. Fees counted per applicant per natural
 *   month of receipt (109号 第四条) use it too.
 * - `ended_on`: the date the case ended — the reply delivered, or the event that ended it
 *   without one (the expired correction or payment due date, the withdrawal) — not the
 *   day a clerk archives it (`closed_at`): 办理结果 belong to the year the applicant got them.
 *
 * Existing rows are carried forward from the append-only event log and the stored state.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('first_received_on', 'date').addColumn('ended_on', 'date').execute();
  // The first receipt is the one registered at submission or confirmed by the clerk; a
  // 'correction-received' event carries the corrected date and is left out on purpose.
  await sql`
    update applications a set first_received_on = coalesce(
      (select min((e.payload->>'receivedOn')::date) from case_events e
        where e.case_no = a.case_no and e.type in ('submitted', 'receipt-confirmed') and e.payload->>'receivedOn' is not null),
      a.received_on)`.execute(db);
  await sql`
    update applications a set ended_on = coalesce(
      (a.state->'delivery'->>'deliveredOn')::date,
      (select (e.payload->>'due')::date from case_events e where e.case_no = a.case_no and e.type = 'abandoned' order by e.seq desc limit 1),
      (select (e.payload->>'on')::date from case_events e where e.case_no = a.case_no and e.type = 'withdrawn' order by e.seq desc limit 1),
      case when a.closed_at is not null then (a.closed_at at time zone 'Asia/Shanghai')::date end)`.execute(db);
  await db.schema
    .createIndex('applications_applicant_first_received')
    .on('applications')
    .columns(['applicant_id_number', 'first_received_on'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applications_applicant_first_received').execute();
  await db.schema.alterTable('applications').dropColumn('ended_on').dropColumn('first_received_on').execute();
}
