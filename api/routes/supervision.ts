/**
 * Supervision: every open clock of every kind of case on one screen (from the `case_clocks`
 * projection, never from Temporal visibility), counts per department, each user's inbox of
 * notifications and tasks, and the admin's reconciliation with Temporal.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AGENCY_CODE } from '../../domain/agency';
import type { WorkingDayCalendar } from '../../domain/calendar/working-days';
import { ROLES } from '../../domain/roles';
import { consoleLink, STAGE_LABELS } from '../../domain/supervision/projection';
import { type Moment, momentOf, type Urgency, URGENCIES } from '../../domain/supervision/urgency';
import type { CalendarStore } from '../../db/repositories/calendar';
import {
  clockCountsByAgency,
  clockCountsByDepartment,
  inboxNotifications,
  inboxTasks,
  listSupervisedClocks,
  markNotificationRead,
  PLATFORM,
  type SupervisedClockRow,
  type UrgencyCounts,
} from '../../db/repositories/supervision';
import type { User } from '../../db/repositories/users';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import type { Database } from '../../db/schema';
import { ApiError } from '../errors';
import { reconcileClockProjection } from '../reconcile';
import { queryInt } from '../schemas';
import type { RouteTable } from '../route';

/** The caller's agency: what every list and count here is scoped to (db/repositories/supervision.ts). */
const agencyOf = (user: User | null): { agencyCode: string } => ({ agencyCode: user!.agencyCode });

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

function clockItem(row: SupervisedClockRow, m: Moment, calendar: WorkingDayCalendar) {
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

/** A clock on the platform's screen: also names its agency. */
function platformClockItem(row: SupervisedClockRow, m: Moment, calendar: WorkingDayCalendar) {
  return { ...clockItem(row, m, calendar), agencyCode: row.agency_code, agencyName: row.agency_name };
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

const urgencyCountsSchema = { overdue: z.number(), dueSoon: z.number(), running: z.number(), paused: z.number() };
const agencyCodeQuery = z.string().regex(AGENCY_CODE, 'must be an agency code');

const SUPERVISING = ['supervisor', 'leader', 'admin', 'clerk'] as const;

function sumCounts(rows: readonly UrgencyCounts[]): UrgencyCounts {
  const totals = { overdue: 0, dueSoon: 0, running: 0, paused: 0 };
  for (const r of rows) for (const key of Object.keys(totals) as Array<keyof UrgencyCounts>) totals[key] += r[key];
  return totals;
}

export function supervisionRoutes(routes: RouteTable, deps: { db: Kysely<Database>; temporal: Client; calendar: CalendarStore }): void {
  const { db } = deps;

  routes.add({
    method: 'get',
    path: '/api/supervision/clocks',
    summary: '督办：本机关全部在途期限（按紧急程度、科室、类别筛选，按届满时间排序）',
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
    handler: async ({ query, user }) => {
      const calendar = await deps.calendar.current();
      const m = momentOf(calendar);
      const { total, rows } = await listSupervisedClocks(db, agencyOf(user), { ...query, urgency: query.status }, m);
      return { total, items: rows.map((row) => clockItem(row, m, calendar)) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/supervision/summary',
    summary: '督办：本机关各科室逾期、临期、在途、暂停的期限数',
    tags: ['supervision'],
    roles: SUPERVISING,
    response: {
      status: 200,
      description: 'counts by department and in total',
      schema: z.object({
        generatedAt: z.string(),
        totals: z.object(urgencyCountsSchema),
        byDepartment: z.array(
          z.object({ departmentCode: z.string().nullable(), departmentName: z.string().nullable(), ...urgencyCountsSchema }),
        ),
      }),
    },
    handler: async ({ user }) => {
      const m = momentOf(await deps.calendar.current());
      const byDepartment = await clockCountsByDepartment(db, user!.agencyCode, m);
      return { generatedAt: m.now.toISOString(), totals: sumCounts(byDepartment), byDepartment };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/platform/supervision',
    summary: '全市督办（平台督办人员）：各机关逾期、临期、在途、暂停的期限数，及各机关的在途期限（标明机关，可按机关筛选）',
    tags: ['supervision'],
    roles: ['supervisor', 'admin'],
    platform: true,
    query: z.object({
      agency: agencyCodeQuery.optional(),
      status: z.enum(URGENCIES).default('overdue'),
      kind: z.enum(['application', 'dispute', 'document', 'incident', 'message']).optional(),
      sort: z.enum(['due', '-due']).default('due'),
      limit: queryInt(1, 500).default(50).openapi({ default: 50 }),
      offset: queryInt(0, 9_999_999).default(0).openapi({ default: 0 }),
    }),
    response: {
      status: 200,
      description:
        'counts per agency and in total, and one page of the clocks of the urgency asked for (overdue unless `status` says otherwise)',
      schema: z.object({
        generatedAt: z.string(),
        totals: z.object(urgencyCountsSchema),
        byAgency: z.array(z.object({ agencyCode: z.string(), agencyName: z.string(), shortName: z.string(), ...urgencyCountsSchema })),
        clocks: z.object({
          total: z.number(),
          items: z.array(clockItemSchema.extend({ agencyCode: z.string(), agencyName: z.string() }).openapi('PlatformSupervisedClock')),
        }),
      }),
    },
    errors: { 404: 'no such agency on the platform' },
    handler: async ({ query }) => {
      const calendar = await deps.calendar.current();
      const m = momentOf(calendar);
      const byAgency = await clockCountsByAgency(db, m);
      if (query.agency && !byAgency.some((a) => a.agencyCode === query.agency))
        throw new ApiError(404, 'not_found', `agency ${query.agency} is not on this platform`, [
          { field: 'agency', message: 'no such agency' },
        ]);
      const { total, rows } = await listSupervisedClocks(db, PLATFORM, { ...query, urgency: query.status }, m);
      return {
        generatedAt: m.now.toISOString(),
        totals: sumCounts(byAgency),
        byAgency,
        clocks: { total, items: rows.map((row) => platformClockItem(row, m, calendar)) },
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/inbox',
    summary: '我的待办与通知（本机关）',
    tags: ['supervision'],
    roles: ROLES,
    response: {
      status: 200,
      description: 'notifications (newest first) and the clocks I or my department must act on',
      schema: z.object({ notifications: z.array(z.unknown()), unread: z.number(), tasks: z.array(clockItemSchema) }),
    },
    handler: async ({ user }) => {
      const calendar = await deps.calendar.current();
      const m = momentOf(calendar);
      const [notifications, tasks] = await Promise.all([inboxNotifications(db, user!, 100), inboxTasks(db, user!, 200)]);
      return {
        notifications: notifications.rows.map((n) => ({
          id: n.id,
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link,
          createdAt: n.created_at.toISOString(),
          readAt: n.read_at?.toISOString() ?? null,
        })),
        unread: notifications.unread,
        tasks: tasks.map((row) => clockItem(row, m, calendar)),
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
      const row = await markNotificationRead(db, user!, params.id);
      if (!row) throw new ApiError(404, 'not_found', `notification ${params.id} is not in your inbox`);
      return { id: row.id, readAt: row.readAt.toISOString() };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/admin/supervision/reconcile',
    summary: '核对督办期限投影与 Temporal 中各工作流的实际状态（可修复偏差）；机关管理员核对本机关案件，平台管理员核对全部机关',
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
      // An agency's admin reconciles their agency's cases; the platform's admin, every agency's.
      const result = await reconcileClockProjection(db, deps.temporal, {
        repair: query.repair,
        ...(user!.platform ? {} : { agencyCode: user!.agencyCode }),
      });
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
