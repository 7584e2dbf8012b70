/**
 * The clock projection (`case_clocks`) and the notification outbox, written by the same
 * transaction as the case event that changed them, so the supervisor's screen never shows a
 * clock the case no longer has.
 *
 * Read back per agency: clocks and notices are keyed by workflow id, and the `case_agencies`
 * view names each case workflow's agency, so every read here joins it — an agency's screen,
 * counts and inbox hold its own cases only; the platform's view (`PLATFORM`) holds all, each
 * row naming its agency. A notice with no workflow is addressed to people (`user:`,
 * `department:`, `department-head:` — each of one agency), to one agency's role
 * (`role:clerk@demo`, agencyRoleAddress) or, a plain `role:` address, to that role in every agency.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, sql, type Transaction } from 'kysely';
import { agencyRoleAddress } from '../../domain/supervision/ladder';
import { type Moment, type Urgency, URGENCIES } from '../../domain/supervision/urgency';
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

interface Addressee {
  username: string;
  role: string;
  departmentCode: string;
  /** Their department's agency: adds the agency's address of their role. */
  agencyCode?: string;
}

/**
 * The addresses a user answers to: their name, their role (and their role in their agency),
 * their department, and the `department-head:` address of each department they head
 * (`headOf`, departmentsHeadedBy).
 */
export function addressesOf(user: Addressee, headOf: readonly string[] = []): string[] {
  const addresses = [`user:${user.username}`, `role:${user.role}`];
  if (user.agencyCode) addresses.push(agencyRoleAddress(user.agencyCode, user.role));
  if (user.departmentCode) addresses.push(`department:${user.departmentCode}`);
  for (const code of headOf) addresses.push(`department-head:${code}`);
  return addresses;
}

/** addressesOf with the departments the user heads looked up. */
export async function addressesFor(db: Db, user: Addressee & { id: string }): Promise<string[]> {
  return addressesOf(user, await departmentsHeadedBy(db, user.id));
}

// ---- Reading back, per agency -------------------------------------------------------------

/** Whose clocks: one agency's, or (the platform supervisor's view) every agency's. */
export type AgencyScope = { agencyCode: string } | typeof PLATFORM;
export const PLATFORM = 'platform' as const;

/** The open clocks in scope, each with its department's name and its agency's code and name. */
function scopedClocks(db: Db, scope: AgencyScope) {
  const q = db
    .selectFrom('case_clocks')
    .innerJoin('case_agencies', 'case_agencies.workflow_id', 'case_clocks.workflow_id')
    .innerJoin('agencies', 'agencies.code', 'case_agencies.agency_code')
    .leftJoin('departments', 'departments.code', 'case_clocks.department_code');
  return scope === PLATFORM ? q : q.where('case_agencies.agency_code', '=', scope.agencyCode);
}

type ClockEb = ExpressionBuilder<Database, 'case_clocks'>;

/** The SQL condition of each urgency; the four partition the open clocks. */
export function urgencyCondition(eb: ClockEb, urgency: Urgency, m: Moment): Expression<SqlBool> {
  const running = eb('case_clocks.status', '=', 'running');
  const soon = eb.or([
    eb.and([eb('case_clocks.unit', '=', 'working-days'), eb('case_clocks.due_at', '<=', m.dueSoonBy)]),
    eb.and([eb('case_clocks.unit', '=', 'minutes'), eb('case_clocks.due_at', '<=', m.dueSoonMinutesBy)]),
  ]);
  switch (urgency) {
    case 'overdue':
      return eb.and([running, eb('case_clocks.due_at', '<', m.now)]);
    case 'due-soon':
      return eb.and([running, eb('case_clocks.due_at', '>=', m.now), soon]);
    case 'running':
      return eb.and([running, eb('case_clocks.due_at', '>=', m.now), eb.not(soon)]);
    case 'paused':
      return eb('case_clocks.status', '=', 'paused');
  }
}

/** One row of the clock list: the projection's columns and the names a screen shows. */
export type SupervisedClockRow = Selectable<Database['case_clocks']> & {
  department_name: string | null;
  agency_code: string;
  agency_name: string;
};

export interface ClockFilter {
  urgency?: Urgency | undefined;
  department?: string | undefined;
  kind?: string | undefined;
  assignee?: string | undefined;
  /** Within the platform's view: one agency's clocks. */
  agency?: string | undefined;
  sort: 'due' | '-due';
  limit: number;
  offset: number;
}

/** One page of the clocks in scope, by due time, and how many match in all. */
export async function listSupervisedClocks(
  db: Db,
  scope: AgencyScope,
  filter: ClockFilter,
  m: Moment,
): Promise<{ total: number; rows: SupervisedClockRow[] }> {
  let q = scopedClocks(db, scope);
  if (filter.urgency) q = q.where((eb) => urgencyCondition(eb as never, filter.urgency!, m));
  if (filter.department) q = q.where('case_clocks.department_code', '=', filter.department);
  if (filter.kind) q = q.where('case_clocks.kind', '=', filter.kind);
  if (filter.assignee) q = q.where('case_clocks.assignee', '=', filter.assignee);
  if (filter.agency) q = q.where('case_agencies.agency_code', '=', filter.agency);
  const [rows, count] = await Promise.all([
    q
      .selectAll('case_clocks')
      .select(['departments.name as department_name', 'agencies.code as agency_code', 'agencies.name as agency_name'])
      .orderBy('case_clocks.due_at', (ob) => (filter.sort === 'due' ? ob.asc() : ob.desc()).nullsLast())
      .orderBy('case_clocks.workflow_id')
      .orderBy('case_clocks.clock_id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { total: Number(count.n), rows: rows as SupervisedClockRow[] };
}

export interface UrgencyCounts {
  overdue: number;
  dueSoon: number;
  running: number;
  paused: number;
}

const countsOf = (r: Record<Urgency, string | number | bigint>): UrgencyCounts => ({
  overdue: Number(r.overdue),
  dueSoon: Number(r['due-soon']),
  running: Number(r.running),
  paused: Number(r.paused),
});

const urgencyCounts = (eb: ExpressionBuilder<Database, 'case_clocks'>, m: Moment) =>
  URGENCIES.map((u) => sql<string>`count(*) filter (where ${urgencyCondition(eb, u, m)})`.as(u));

/** An agency's counts by urgency, per department (null: not yet handed to one). */
export async function clockCountsByDepartment(
  db: Db,
  agencyCode: string,
  m: Moment,
): Promise<Array<UrgencyCounts & { departmentCode: string | null; departmentName: string | null }>> {
  const rows = await scopedClocks(db, { agencyCode })
    .select((eb) => [
      'case_clocks.department_code as department_code',
      'departments.name as department_name',
      ...urgencyCounts(eb as never, m),
    ])
    .groupBy(['case_clocks.department_code', 'departments.name'])
    .orderBy('case_clocks.department_code')
    .execute();
  return rows.map((r) => ({ departmentCode: r.department_code, departmentName: r.department_name, ...countsOf(r as never) }));
}

/** Every agency's counts by urgency (an agency with no open clock counts zeros), by agency code. */
export async function clockCountsByAgency(
  db: Db,
  m: Moment,
): Promise<Array<UrgencyCounts & { agencyCode: string; agencyName: string; shortName: string }>> {
  const counted = await scopedClocks(db, PLATFORM)
    .select((eb) => ['case_agencies.agency_code as agency_code', ...urgencyCounts(eb as never, m)])
    .groupBy('case_agencies.agency_code')
    .execute();
  const byCode = new Map(counted.map((r) => [r.agency_code, countsOf(r as never)]));
  const agencies = await db.selectFrom('agencies').select(['code', 'name', 'short_name']).orderBy('code').execute();
  return agencies.map((a) => ({
    agencyCode: a.code,
    agencyName: a.name,
    shortName: a.short_name,
    ...(byCode.get(a.code) ?? { overdue: 0, dueSoon: 0, running: 0, paused: 0 }),
  }));
}

/** Who is asking for their inbox. */
export interface InboxOwner {
  id: string;
  username: string;
  role: string;
  departmentCode: string;
  agencyCode: string;
}

/**
 * The clocks a user must act on, of their agency's cases: assigned to them; a department
 * user's, their department's; a clerk's, their department's and every case not yet handed to
 * a department (the OGI office holds those).
 */
export async function inboxTasks(db: Db, user: InboxOwner, limit: number): Promise<SupervisedClockRow[]> {
  const rows = await scopedClocks(db, { agencyCode: user.agencyCode })
    .selectAll('case_clocks')
    .select(['departments.name as department_name', 'agencies.code as agency_code', 'agencies.name as agency_name'])
    .where((eb) =>
      eb.or([
        eb('case_clocks.assignee', '=', user.username),
        ...(user.role === 'department' ? [eb('case_clocks.department_code', '=', user.departmentCode)] : []),
        ...(user.role === 'clerk'
          ? [eb('case_clocks.department_code', 'is', null), eb('case_clocks.department_code', '=', user.departmentCode)]
          : []),
      ]),
    )
    .orderBy('case_clocks.due_at', (ob) => ob.asc().nullsLast())
    .limit(limit)
    .execute();
  return rows as SupervisedClockRow[];
}

/** A notice about no case, or about a case of the agency (case_agencies: workflow id → agency). */
function aboutOwnAgency(eb: ExpressionBuilder<Database, 'notifications'>, agencyCode: string) {
  return eb.or([
    eb('notifications.workflow_id', 'is', null),
    eb(
      'notifications.workflow_id',
      'in',
      eb.selectFrom('case_agencies').select('case_agencies.workflow_id').where('case_agencies.agency_code', '=', agencyCode),
    ),
  ]);
}

/** The notices in a user's inbox: addressed to them, and about no case or a case of their agency. */
async function inboxOf(db: Db, user: InboxOwner) {
  const addresses = await addressesFor(db, user);
  return db
    .selectFrom('notifications')
    .where('recipient', 'in', addresses)
    .where((eb) => aboutOwnAgency(eb, user.agencyCode));
}

export async function inboxNotifications(db: Db, user: InboxOwner, limit: number) {
  const inbox = await inboxOf(db, user);
  const [rows, unread] = await Promise.all([
    inbox
      .select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),
    inbox
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, unread: Number(unread.n) };
}

/** Marks a notice of the user's inbox read (once: a second call keeps the first time); null when it is not in their inbox. */
export async function markNotificationRead(db: Db, user: InboxOwner, id: string): Promise<{ id: string; readAt: Date } | null> {
  const addresses = await addressesFor(db, user);
  const row = await db
    .updateTable('notifications')
    .set({ read_at: sql<Date>`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('recipient', 'in', addresses)
    .where((eb) => aboutOwnAgency(eb, user.agencyCode))
    .returning(['id', 'read_at'])
    .executeTakeFirst();
  return row ? { id: row.id, readAt: row.read_at! } : null;
}
