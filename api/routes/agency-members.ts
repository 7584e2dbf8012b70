/**
 * A step that names a department (`departmentCode`, `involvedDepartments`) or a user
 * (`assignee`) names one of the case's agency: another agency's department or user would get
 * the case's notices and see it in its inbox. Refused with 400 naming the field, as an unknown
 * one is.
 */
import type { Kysely } from 'kysely';
import { departmentsOutsideAgency, isAgencyUser } from '../../db/repositories/agency-members';
import type { Database } from '../../db/schema';
import { ApiError } from '../errors';

export async function refuseOtherAgencyMembers(db: Kysely<Database>, agencyCode: string, payload: object): Promise<void> {
  const p = payload as { departmentCode?: unknown; involvedDepartments?: unknown; assignee?: unknown };
  const details: Array<{ field: string; message: string }> = [];
  if (typeof p.departmentCode === 'string' && (await departmentsOutsideAgency(db, agencyCode, [p.departmentCode])).length > 0)
    details.push({ field: 'departmentCode', message: 'no such department of this agency' });
  if (Array.isArray(p.involvedDepartments)) {
    const outside = await departmentsOutsideAgency(db, agencyCode, p.involvedDepartments as string[]);
    if (outside.length > 0)
      details.push({ field: 'involvedDepartments', message: `no such department of this agency: ${outside.join(', ')}` });
  }
  if (typeof p.assignee === 'string' && !(await isAgencyUser(db, agencyCode, p.assignee)))
    details.push({ field: 'assignee', message: 'no such user of this agency' });
  if (details.length > 0) throw new ApiError(400, 'validation_failed', `invalid body: ${details.map((d) => d.field).join(', ')}`, details);
}
