/**
 * The working-day calendar: due dates, day listings, and the admins' overrides and imports. Each
 * answer is the caller's agency's calendar (the platform's with the agency's own overrides). An
 * agency's admin sets and removes their agency's overrides; a platform admin the platform's
 * (every agency's) and imports years. A change re-dates the open cases it concerns.
 */
import { z } from 'zod';
import { daysBetween, isIsoDate } from '../../domain/calendar/dates';
import { CalendarImportError, importedDaySchema, parseIcsYear, validateImportedYear } from '../../domain/calendar/import';
import { dayKindConflict, MAX_LISTED_DAYS, MAX_WORKING_DAYS } from '../../domain/calendar/working-days';
import { ROLES } from '../../domain/roles';
import type { Client } from '@temporalio/client';
import type { CalendarStore } from '../../db/repositories/calendar';
import { calendarBroadcast } from '../../workflows/calendar-broadcast';
import { auditActor } from '../../db/repositories/audit';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';
import type { User } from '../../db/repositories/users';
import { isoDate, queryInt, reason } from '../schemas';

const dayKind = z.enum(['workday', 'weekend', 'holiday', 'makeup-workday']);

const dueDateSchema = z
  .object({
    from: z.string(),
    days: z.number().int(),
    due: z.string(),
    provisional: z.boolean(),
    calendarVersion: z.string(),
  })
  .openapi('DueDate');

const dayInfoSchema = z
  .object({
    date: z.string(),
    kind: dayKind,
    working: z.boolean(),
    name: z.string().optional(),
    origin: z.enum(['weekday-rule', 'provisional-rule', 'chinese-days', 'import', 'override']),
    provisional: z.boolean(),
  })
  .openapi('CalendarDay');

const revisionSchema = z.object({
  revision: z.string(),
  calendarVersion: z.string(),
  /** The workflow re-dating every open case, or why it could not be started. */
  broadcast: z.object({ workflowId: z.string().optional(), error: z.string().optional() }),
});

/** Whose override an admin sets: a platform admin's is the platform's (null), an agency admin's their agency's. */
const overrideOwner = (user: User): string | null => (user.platform ? null : user.agencyCode);

export function calendarRoutes(routes: RouteTable, calendar: CalendarStore, deps: { temporal: Client; taskQueue: string }): void {
  /** The change is committed; open cases learn of it from one broadcast run per revision. */
  async function broadcast(revision: string, agencyCode: string | null) {
    const calendarVersion = (await calendar.current(agencyCode)).version;
    const workflowId = `calendar-broadcast-${revision}`;
    try {
      await deps.temporal.workflow.start(calendarBroadcast, {
        workflowId,
        taskQueue: deps.taskQueue,
        // An agency's change re-dates its own open cases; the platform's, every agency's.
        args: [{ calendarVersion, ...(agencyCode ? { agencyCode } : {}) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return { revision, calendarVersion, broadcast: { workflowId } };
    } catch (error) {
      return { revision, calendarVersion, broadcast: { error: `open cases not yet re-dated: ${(error as Error).message}` } };
    }
  }

  routes.add({
    method: 'get',
    path: '/api/calendar/add-working-days',
    summary: 'The N-th working day strictly after `from` (domain.md §2 counting convention)',
    tags: ['calendar'],
    roles: ROLES,
    query: z.object({ from: isoDate, days: queryInt(0, MAX_WORKING_DAYS) }),
    response: { status: 200, description: 'due date and the calendar version that produced it', schema: dueDateSchema },
    handler: async ({ query, user }) => (await calendar.current(user!.agencyCode)).addWorkingDays(query.from, query.days),
  });

  routes.add({
    method: 'get',
    path: '/api/calendar/days',
    summary: 'Each day in [from, to] with its kind',
    tags: ['calendar'],
    roles: ROLES,
    query: z.object({ from: isoDate, to: isoDate }).superRefine((q, ctx) => {
      if (!isIsoDate(q.from) || !isIsoDate(q.to)) return; // already reported by the fields themselves
      const span = daysBetween(q.from, q.to);
      if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      if (span >= MAX_LISTED_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_LISTED_DAYS} days at once` });
    }),
    response: {
      status: 200,
      description: 'the days',
      schema: z.object({ from: z.string(), to: z.string(), calendarVersion: z.string(), days: z.array(dayInfoSchema) }),
    },
    handler: async ({ query, user }) => {
      const current = await calendar.current(user!.agencyCode);
      return { from: query.from, to: query.to, calendarVersion: current.version, days: current.listDays(query.from, query.to) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/admin/calendar/revisions',
    summary:
      "Every change made to the caller's agency's calendar (the platform's and its own; a platform admin: every change), newest first",
    tags: ['calendar', 'admin'],
    roles: ['admin'],
    response: {
      status: 200,
      description: 'revisions',
      schema: z.object({
        calendarVersion: z.string(),
        revisions: z.array(
          z.object({
            id: z.string(),
            action: z.string(),
            payload: z.unknown(),
            reason: z.string(),
            actor: z.string().nullable(),
            created_at: z.date(),
          }),
        ),
      }),
    },
    handler: async ({ user }) => ({
      calendarVersion: (await calendar.current(user!.agencyCode)).version,
      revisions: await calendar.revisions(100, user!.platform ? null : user!.agencyCode),
    }),
  });

  routes.add({
    method: 'put',
    path: '/api/admin/calendar/overrides/:date',
    summary:
      "Set the kind of one day (e.g. a local holiday) for the admin's agency, or for every agency by a platform admin; recorded as a calendar revision",
    tags: ['calendar', 'admin'],
    roles: ['admin'],
    params: z.object({ date: isoDate }),
    body: z.object({ kind: dayKind, reason }).openapi({ example: { kind: 'holiday', reason: '市政府通知：台风停工' } }),
    response: { status: 200, description: 'the new calendar version', schema: revisionSchema },
    handler: async ({ params, body, user, req }) => {
      const conflict = dayKindConflict(params.date, body.kind);
      if (conflict) throw new ApiError(400, 'validation_failed', `invalid body: kind`, [{ field: 'kind', message: conflict }]);
      const audit = { actor: auditActor(user), ip: req.ip ?? null };
      const agencyCode = overrideOwner(user!);
      return broadcast(
        await calendar.setOverride({ date: params.date, kind: body.kind, reason: body.reason, actorUserId: user!.id, agencyCode }, audit),
        agencyCode,
      );
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/admin/calendar/overrides/:date',
    summary: "Remove the override of one day (the admin's agency's; a platform admin's: the platform's)",
    tags: ['calendar', 'admin'],
    roles: ['admin'],
    params: z.object({ date: isoDate }),
    body: z.object({ reason }),
    response: { status: 200, description: 'the new calendar version', schema: revisionSchema },
    errors: { 404: 'the date has no override' },
    handler: async ({ params, body, user, req }) => {
      const agencyCode = overrideOwner(user!);
      const revision = await calendar.removeOverride(
        { date: params.date, reason: body.reason, actorUserId: user!.id, agencyCode },
        { actor: auditActor(user), ip: req.ip ?? null },
      );
      if (!revision) throw new ApiError(404, 'not_found', `no override on ${params.date}`);
      return broadcast(revision, agencyCode);
    },
  });

  routes.add({
    method: 'put',
    path: '/api/admin/calendar/years/:year',
    summary:
      "Import a year's holidays and make-up working days (JSON list or ICS text) for the whole platform; replaces that year (platform admins)",
    tags: ['calendar', 'admin'],
    roles: ['admin'],
    platform: true,
    params: z.object({
      year: z
        .string()
        .regex(/^\d{4}$/, 'must be a four-digit year')
        .transform(Number)
        .refine((y) => y >= 2000 && y <= 2200, 'must be from 2000 to 2200'),
    }),
    body: z.discriminatedUnion('format', [
      z.object({ format: z.literal('json'), reason, days: z.array(importedDaySchema).max(366) }),
      z.object({ format: z.literal('ics'), reason, ics: z.string().min(1).max(1_000_000) }),
    ]),
    response: {
      status: 200,
      description: 'the new calendar version',
      schema: revisionSchema.extend({ year: z.number(), days: z.number() }),
    },
    handler: async ({ params, body, user, req }) => {
      let imported;
      try {
        imported = body.format === 'json' ? validateImportedYear(params.year, body.days) : parseIcsYear(params.year, body.ics);
      } catch (error) {
        if (error instanceof CalendarImportError) throw new ApiError(400, 'validation_failed', error.message, error.details);
        throw error;
      }
      const revision = await calendar.importYear(
        { imported, format: body.format, reason: body.reason, actorUserId: user!.id },
        { actor: auditActor(user), ip: req.ip ?? null },
      );
      return { ...(await broadcast(revision, null)), year: imported.year, days: imported.days.length };
    },
  });
}
