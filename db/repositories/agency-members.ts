/**
 * Whether the departments and users a case names belong to the case's agency: a dispute's
 * department, a message's or incident's 承办 unit and assignee. Another agency's department or
 * user is no such department or user.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** Of `codes`, those that are not departments of the agency (unknown ones included), in the order given. */
export async function departmentsOutsideAgency(db: Kysely<Database>, agencyCode: string, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('departments')
    .select('code')
    .where('agency_code', '=', agencyCode)
    .where('code', 'in', [...codes])
    .execute();
  const own = new Set(rows.map((r) => r.code));
  return codes.filter((c) => !own.has(c));
}

/** Whether `username` is a user of one of the agency's departments. */
export async function isAgencyUser(db: Kysely<Database>, agencyCode: string, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .innerJoin('departments', 'departments.code', 'users.department_code')
    .select('users.id')
    .where('departments.agency_code', '=', agencyCode)
    .where('users.username', '=', username)
    .executeTakeFirst();
  return row !== undefined;
}
