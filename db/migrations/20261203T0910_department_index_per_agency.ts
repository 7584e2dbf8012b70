/**
 * A department's 索引号 number (`index_code`) is unique within its agency, not on the platform:
 * every agency numbers its own departments from 001. Department codes stay unique on the platform.
 *
 * The agencies migration (20261203T0900) may already have made this change (it does on main):
 * then this one does nothing, and its down leaves the constraint to that migration's down. The
 * constraint's comment says which migration made it.
 */
import { type Kysely, sql } from 'kysely';

const MARK = '20261203T0910_department_index_per_agency';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`do $$ begin
    if not exists (select 1 from pg_constraint where conname = 'departments_agency_index_code_key') then
      alter table departments drop constraint if exists departments_index_code_key;
      alter table departments add constraint departments_agency_index_code_key unique (agency_code, index_code);
      comment on constraint departments_agency_index_code_key on departments is '${sql.raw(MARK)}';
    end if;
  end $$`.execute(db);
}

/** Only what `up` itself did; refused (by the constraint) once two agencies share a number. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`do $$ begin
    if exists (select 1 from pg_constraint c where c.conname = 'departments_agency_index_code_key'
               and obj_description(c.oid, 'pg_constraint') = '${sql.raw(MARK)}') then
      alter table departments drop constraint departments_agency_index_code_key;
      alter table departments add constraint departments_index_code_key unique (index_code);
    end if;
  end $$`.execute(db);
}
