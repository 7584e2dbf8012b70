/**
 * Supervision: every open clock of every kind of case on one screen (from the `case_clocks`
 * projection, never from Temporal visibility), counts per department, each user's inbox of
 * notifications and tasks, and the admin's reconciliation with Temporal.
 */
import type { Client } from '@temporalio/client';
import { type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { endOfDayShanghai, shanghaiDateOf } from '../../domain/calendar/dates';
import type { WorkingDayCalendar } from '../../domain/calendar/working-days';
import { ROLES } from '../../domain/roles';
import { consoleLink, STAGE_LABELS } from '../../domain/supervision/projection';
import { DUE_SOON_MINUTES, DUE_SOON_WORKING_DAYS, type Urgency, URGENCIES } from '../../domain/supervision/urgency';
import type { CalendarStore } from '../../db/repositories/calendar';
import { addressesFor } from '../../db/repositories/supervision';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import type { Database } from '../../db/schema';
import { ApiError } from '../errors';
import { reconcileClockProjection } from '../reconcile';
import { queryInt } from '../schemas';
import type { RouteTable } from '../route';

type ClockRow = Selectable<Database['case_clocks']>;

interface Moment {
  now: Date;
  today: string;
  /** Working-day clocks due by the end of this day are due soon. */
  dueSoonBy: Date;
  /** Minute clocks due before this instant are due soon. */
  dueSoonMinutesBy: Date;
}

function momentOf(calendar: WorkingDayCalendar): Moment {
  const now = new Date();
  const today = shanghaiDateOf(now.getTime());
  return {
    now,
    today,
    dueSoonBy: endOfDayShanghai(calendar.addWorkingDays(today, DUE_SOON_WORKING_DAYS).due),
    dueSoonMinutesBy: new Date(now.getTime() + DUE_SOON_MINUTES * 60_000),
  };
}

type Eb = ExpressionBuilder<Database, 'case_clocks'>;

/** The SQL condition of each urgency; the four partition the open clocks. */
function urgencyCondition(eb: Eb, urgency: Urgency, m: Moment): Expression<SqlBool> {
  const running = eb('status', '=', 'running');
  const soon = eb.or([
    eb.and([eb('unit', '=', 'working-days'), eb('due_at', '<=', m.dueSoonBy)]),
    eb.and([eb('unit', '=', 'minutes'), eb('due_at', '<=', m.dueSoonMinutesBy)]),
  ]);
  switch (urgency) {
    case 'overdue':
      return eb.and([running, eb('due_at', '<', m.now)]);
    case 'due-soon':
      return eb.and([running, eb('due_at', '>=', m.now), soon]);
    case 'running':
      return eb.and([running, eb('due_at', '>=', m.now), eb.not(soon)]);
    case 'paused':
      return eb('status', '=', 'paused');
  }
}

function urgencyOf(row: { status: string; unit: string; due_at: Date | null }, m: Moment): Urgency {
  if (row.status === 'paused' || !row.due_at) return 'paused';
  if (row.due_at < m.now) return 'overdue';
  const soonBy = row.unit === 'minutes' ? m.dueSoonMinutesBy : m.dueSoonBy;
  return row.due_at <= soonBy ? 'due-soon' : 'running';
}

/** Working days (or minutes) left; negative once overdue. */
function remainingOf(
  row: { status: string; unit: string; due_at: Date | null; due_date: string | null; remaining_when_paused: number | null },
  m: Moment,
  calendar: WorkingDayCalendar,
): number {
  if (row.status === 'paused' || !row.due_at) return row.remaining_when_paused ?? 0;
  if (row.unit === 'minutes' || !row.due_date) return Math.floor((row.due_at.getTime() - m.now.getTime()) / 60_000);
  return row.due_date >= m.today ? calendar.countWorkingDays(m.today, row.due_date) : -calendar.countWorkingDays(row.due_date, m.today);
}

function clockItem(row: ClockRow & { department_name: string | null }, m: Moment, calendar: WorkingDayCalendar) {
  return {
    kind: row.kind,
    caseRef: row.case_ref,
    workflowId: row.workflow_id,
    clockId: row.clock_id,
    label: row.label,
    stage: row.stage,
    stageLabel: STAGE_LABELS[row.kind]?.[row.stage] ?? row.stage,
    dueAt: row.due_at?.toISOString() ?? null,
    dueDate: row.due_date,
    unit: row.unit,
    remaining: remainingOf(row, m, calendar),
    urgency: urgencyOf(row, m),
    paused: row.status === 'paused',
    departmentCode: row.department_code,
    departmentName: row.department_name,
    assignee: row.assignee,
    ruleProfileId: row.rule_profile_id,
    link: consoleLink(row.kind, row.case_ref),
  };
}

const clockItemSchema = z
  .object({
    kind: z.string(),
    caseRef: z.string(),
    workflowId: z.string(),
    clockId: z.string(),
    label: z.string(),
    stage: z.string(),
    stageLabel: z.string(),
    dueAt: z.string().nullable(),
    dueDate: z.string().nullable(),
    unit: z.enum(['working-days', 'minutes']),
    remaining: z.number(),
    urgency: z.enum(URGENCIES),
    paused: z.boolean(),
    departmentCode: z.string().nullable(),
    departmentName: z.string().nullable(),
    assignee: z.string().nullable(),
    ruleProfileId: z.string(),
    link: z.string(),
  })
  .openapi('SupervisedClock');

const SUPERVISING = ['supervisor', 'leader', 'admin', 'clerk'] as const;

export function supervisionRoutes(routes: RouteTable, deps: { db: Kysely<Database>; temporal: Client; calendar: CalendarStore }): void {
  const { db } = deps;
  const withDepartment = () => db.selectFrom('case_clocks').leftJoin('departments', 'departments.code', 'case_clocks.department_code');

  routes.add({
    method: 'get',
    path: '/api/supervision/clocks',
    summary: '督办：全部在途期限（按紧急程度、科室、类别筛选，按届满时间排序）',
    tags: ['supervision'],
    roles: SUPERVISING,
    query: z.object({
      status: z.enum(URGENCIES).optional(),
      department: z
        .string()
        .regex(/^[a-z0-9-]{1,32}$/, 'must be a department code')
        .optional(),
      kind: z.enum(['application', 'dispute', 'document', 'incident', 'message']).optional(),
      assignee: z.string().min(1).max(64).optional(),
      sort: z.enum(['due', '-due']).default('due'),
      limit: queryInt(1, 500).default(50).openapi({ default: 50 }),
      offset: queryInt(0, 9_999_999).default(0).openapi({ default: 0 }),
    }),
    response: { status: 200, description: 'one page of clocks', schema: z.object({ total: z.number(), items: z.array(clockItemSchema) }) },
    handler: async ({ query }) => {
      const calendar = await deps.calendar.current();
      const m = momentOf(calendar);
      let q = withDepartment();
      if (query.status) q = q.where((eb) => urgencyCondition(eb as never, query.status!, m));
      if (query.department) q = q.where('case_clocks.department_code', '=', query.department);
      if (query.kind) q = q.where('case_clocks.kind', '=', query.kind);
      if (query.assignee) q = q.where('case_clocks.assignee', '=', query.assignee);
      const [rows, count] = await Promise.all([
        q
          .selectAll('case_clocks')
          .select('departments.name as department_name')
          .orderBy('case_clocks.due_at', (ob) => (query.sort === 'due' ? ob.asc() : ob.desc()).nullsLast())
          .orderBy('case_clocks.workflow_id')
          .orderBy('case_clocks.clock_id')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
        q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { total: Number(count.n), items: rows.map((row) => clockItem(row as never, m, calendar)) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/supervision/summary',
    summary: '督办：各科室逾期、临期、在途、暂停的期限数',
    tags: ['supervision'],
    roles: SUPERVISING,
    response: {
      status: 200,
      description: 'counts by department and in total',
      schema: z.object({ generatedAt: z.string(), totals: z.record(z.string(), z.number()), byDepartment: z.array(z.unknown()) }),
    },
    handler: async () => {
      const m = momentOf(await deps.calendar.current());
      const rows = await withDepartment()
        .select((eb) => [
          'case_clocks.department_code as department_code',
          'departments.name as department_name',
          ...URGENCIES.map((u) => sql<string>`count(*) filter (where ${urgencyCondition(eb as never, u, m)})`.as(u)),
        ])
        .groupBy(['case_clocks.department_code', 'departments.name'])
        .orderBy('case_clocks.department_code')
        .execute();
      const byDepartment = rows.map((r) => ({
        departmentCode: r.department_code,
        departmentName: r.department_name,
        overdue: Number(r.overdue),
        dueSoon: Number(r['due-soon']),
        running: Number(r.running),
        paused: Number(r.paused),
      }));
      const totals = { overdue: 0, dueSoon: 0, running: 0, paused: 0 };
      for (const d of byDepartment) for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += d[key];
      return { generatedAt: m.now.toISOString(), totals, byDepartment };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/inbox',
    summary: '我的待办与通知',
    tags: ['supervision'],
    roles: ROLES,
    response: {
      status: 200,
      description: 'notifications (newest first) and the clocks I or my department must act on',
      schema: z.object({ notifications: z.array(z.unknown()), unread: z.number(), tasks: z.array(clockItemSchema) }),
    },
    handler: async ({ user }) => {
      const addresses = await addressesFor(db, user!);
      const calendar = await deps.calendar.current();
      const m = momentOf(calendar);
      const [notifications, unread, tasks] = await Promise.all([
        db
          .selectFrom('notifications')
          .select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'])
          .where('recipient', 'in', addresses)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(100)
          .execute(),
        db
          .selectFrom('notifications')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('recipient', 'in', addresses)
          .where('read_at', 'is', null)
          .executeTakeFirstOrThrow(),
        withDepartment()
          .selectAll('case_clocks')
          .select('departments.name as department_name')
          .where((eb) =>
            eb.or([
              eb('case_clocks.assignee', '=', user!.username),
              ...(user!.role === 'department' ? [eb('case_clocks.department_code', '=', user!.departmentCode)] : []),
              // The OGI office's clerks hold every case not yet handed to a department.
              ...(user!.role === 'clerk'
                ? [eb('case_clocks.department_code', 'is', null), eb('case_clocks.department_code', '=', user!.departmentCode)]
                : []),
            ]),
          )
          .orderBy('case_clocks.due_at', (ob) => ob.asc().nullsLast())
          .limit(200)
          .execute(),
      ]);
      return {
        notifications: notifications.map((n) => ({
          id: n.id,
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link,
          createdAt: n.created_at.toISOString(),
          readAt: n.read_at?.toISOString() ?? null,
        })),
        unread: Number(unread.n),
        tasks: tasks.map((row) => clockItem(row as never, m, calendar)),
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/inbox/:id/read',
    summary: '标记通知为已读',
    tags: ['supervision'],
    roles: ROLES,
    params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a notification id') }),
    response: { status: 200, description: 'the notification, read', schema: z.object({ id: z.string(), readAt: z.string() }) },
    errors: { 404: 'no such notification in my inbox' },
    handler: async ({ params, user }) => {
      const row = await db
        .updateTable('notifications')
        .set({ read_at: sql<Date>`coalesce(read_at, now())` })
        .where('id', '=', params.id)
        .where('recipient', 'in', await addressesFor(db, user!))
        .returning(['id', 'read_at'])
        .executeTakeFirst();
      if (!row) throw new ApiError(404, 'not_found', `notification ${params.id} is not in your inbox`);
      return { id: row.id, readAt: row.read_at!.toISOString() };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/admin/supervision/reconcile',
    summary: '核对督办期限投影与 Temporal 中各工作流的实际状态（可修复偏差）',
    tags: ['admin'],
    roles: ['admin'],
    query: z.object({
      repair: z
        .enum(['true', 'false'])
        .default('false')
        .transform((v) => v === 'true'),
    }),
    response: { status: 200, description: 'what was checked, what drifted, what was repaired', schema: z.unknown() },
    handler: async ({ query, user, req }) => {
      const result = await reconcileClockProjection(db, deps.temporal, { repair: query.repair });
      await recordAudit(db, {
        action: 'admin.supervision-reconciled',
        actor: auditActor(user),
        ip: req.ip ?? null,
        details: { repair: query.repair },
      });
      return result;
    },
  });
}
