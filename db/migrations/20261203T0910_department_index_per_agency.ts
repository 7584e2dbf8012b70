/**
 * A department's 索引号 number (`index_code`) is unique within its agency, not on the platform:
 * every agency numbers its own departments from 001 (its catalogue's 索引号 carry its own region
 * and agency). Department codes stay unique on the platform.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table departments drop constraint departments_index_code_key`.execute(db);
  await sql`alter table departments add constraint departments_agency_index_code_key unique (agency_code, index_code)`.execute(db);
}

/** Refused (by the constraint) once two agencies share a number. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table departments drop constraint departments_agency_index_code_key`.execute(db);
  await sql`alter table departments add constraint departments_index_code_key unique (index_code)`.execute(db);
}
