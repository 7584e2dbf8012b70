/**
 * The agency's office for government information disclosure (政务公开工作机构) becomes a
 * setting: the department whose head hears of an overdue clock no department holds yet
 * (an unassigned application, a dispute's defence) and which owns a document's publication
 * clocks. Until now it was the code `gkb` written into the workflows; an existing settings
 * row takes `gkb` when that department exists.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('agency_settings')
    .addColumn('office_department_code', 'text', (col) => col.references('departments.code'))
    .execute();
  await sql`update agency_settings set office_department_code = 'gkb' where exists (select 1 from departments where code = 'gkb')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('agency_settings').dropColumn('office_department_code').execute();
}
