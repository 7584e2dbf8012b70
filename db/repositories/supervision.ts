/**
 * The clock projection (`case_clocks`) and the notification outbox, written by the same
 * transaction as the case event that changed them, so the supervisor's screen never shows a
 * clock the case no longer has.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema';
import { departmentHeads, departmentsHeadedBy } from './departments';

export interface ProjectedClock {
  clockId: string;
  label: string;
  unit: 'working-days' | 'minutes';
  status: 'running' | 'paused';
  dueAt: Date | null;
  dueDate: string | null;
  remainingWhenPaused: number | null;
}

/** Every open clock of one case as its latest event leaves them. */
export interface CaseClockSnapshot {
  workflowId: string;
  kind: string;
  caseRef: string;
  stage: string;
  departmentCode: string | null;
  assignee: string | null;
  ruleProfileId: string;
  seq: number;
  clocks: ProjectedClock[];
}

type Db = Kysely<Database> | Transaction<Database>;

/** Replaces the case's rows with the snapshot, unless a later event has already written them. */
export async function projectCaseClocks(db: Db, snapshot: CaseClockSnapshot): Promise<void> {
  const newest = await db
    .selectFrom('case_clocks')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('workflow_id', '=', snapshot.workflowId)
    .executeTakeFirst();
  if (newest?.seq != null && Number(newest.seq) > snapshot.seq) return;
  const open = snapshot.clocks.map((c) => c.clockId);
  let stale = db.deleteFrom('case_clocks').where('workflow_id', '=', snapshot.workflowId);
  if (open.length > 0) stale = stale.where('clock_id', 'not in', open);
  await stale.execute();
  if (open.length === 0) return;
  const rows = snapshot.clocks.map((c) => ({
    workflow_id: snapshot.workflowId,
    clock_id: c.clockId,
    kind: snapshot.kind,
    case_ref: snapshot.caseRef,
    label: c.label,
    stage: snapshot.stage,
    unit: c.unit,
    status: c.status,
    due_at: c.dueAt,
    due_date: c.dueDate,
    remaining_when_paused: c.remainingWhenPaused,
    department_code: snapshot.departmentCode,
    assignee: snapshot.assignee,
    rule_profile_id: snapshot.ruleProfileId,
    seq: snapshot.seq,
    updated_at: new Date(),
  }));
  await db
    .insertInto('case_clocks')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['workflow_id', 'clock_id']).doUpdateSet((eb) => ({
        label: eb.ref('excluded.label'),
        stage: eb.ref('excluded.stage'),
        unit: eb.ref('excluded.unit'),
        status: eb.ref('excluded.status'),
        due_at: eb.ref('excluded.due_at'),
        due_date: eb.ref('excluded.due_date'),
        remaining_when_paused: eb.ref('excluded.remaining_when_paused'),
        department_code: eb.ref('excluded.department_code'),
        assignee: eb.ref('excluded.assignee'),
        seq: eb.ref('excluded.seq'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export interface OutgoingNotification {
  recipient: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  workflowId: string | null;
  dedupeKey: string;
}

/**
 * The escalation ladder's `department-head:<code>` reaches people: one notification to each
 * of the department's heads (its head user and its users flagged 科室负责人), addressed
 * `user:<username>`. A department with no head yet keeps the `department-head:` address,
 * which whoever is made its head then finds in their inbox (addressesOf).
 */
export async function resolveDepartmentHeads(db: Db, items: readonly OutgoingNotification[]): Promise<OutgoingNotification[]> {
  const heads = new Map<string, string[]>();
  const resolved: OutgoingNotification[] = [];
  for (const item of items) {
    if (!item.recipient.startsWith('department-head:')) {
      resolved.push(item);
      continue;
    }
    const code = item.recipient.slice('department-head:'.length);
    if (!heads.has(code)) heads.set(code, await departmentHeads(db, code));
    const people = heads.get(code)!;
    if (people.length === 0) resolved.push(item);
    for (const username of people)
      resolved.push({ ...item, recipient: `user:${username}`, dedupeKey: `${item.dedupeKey}/user:${username}` });
  }
  return resolved;
}

/** Queues notifications; one already queued under the same key is left as it is. Returns how many were new. */
export async function enqueueNotifications(db: Db, queued: readonly OutgoingNotification[]): Promise<number> {
  if (queued.length === 0) return 0;
  const items = await resolveDepartmentHeads(db, queued);
  const inserted = await db
    .insertInto('notifications')
    .values(
      items.map((n) => ({
        recipient: n.recipient,
        kind: n.kind,
        title: n.title,
        body: n.body,
        link: n.link,
        workflow_id: n.workflowId,
        dedupe_key: n.dedupeKey,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

/**
 * The addresses a user answers to: their name, their role, their department, and the
 * `department-head:` address of each department they head (`headOf`, departmentsHeadedBy).
 */
export function addressesOf(user: { username: string; role: string; departmentCode: string }, headOf: readonly string[] = []): string[] {
  const addresses = [`user:${user.username}`, `role:${user.role}`];
  if (user.departmentCode) addresses.push(`department:${user.departmentCode}`);
  for (const code of headOf) addresses.push(`department-head:${code}`);
  return addresses;
}

/** addressesOf with the departments the user heads looked up. */
export async function addressesFor(
  db: Db,
  user: { id: string; username: string; role: string; departmentCode: string },
): Promise<string[]> {
  return addressesOf(user, await departmentsHeadedBy(db, user.id));
}
