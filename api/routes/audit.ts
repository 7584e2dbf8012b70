/**
 * The security audit log for administrators: a filtered, paged list and the same filter as a
 * CSV file (UTF-8 with a byte-order mark, so Excel opens the Chinese columns correctly; every
 * cell quoted). Exporting is itself audited (`audit.exported`, with the filter).
 */
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import { AUDIT_ACTIONS, auditActor, recordAudit } from '../../db/repositories/audit';
import type { Database } from '../../db/schema';
import type { RouteTable } from '../route';
import type { User } from '../../db/repositories/users';
import { AGENCY_CODE } from '../../domain/agency';

const instant = z
  .string()
  .trim()
  .refine((v) => {
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return false;
    const at = Date.parse(v);
    return !Number.isNaN(at) && at >= Date.UTC(1970, 0, 1) && at < Date.UTC(10000, 0, 1);
  }, 'must be a date (YYYY-MM-DD, Beijing time) or an ISO 8601 instant, from 1970');

export const auditFilterSchema = z.object({
  /** From this instant on; a bare date is the start of that day in Beijing time. */
  from: instant.optional(),
  /** Before this instant; a bare date includes that whole day (Beijing time). */
  to: instant.optional(),
  /** The acting user's username, exactly. */
  actor: z.string().trim().min(1).max(64).optional(),
  /** An action (`auth.sign-in`), or an area without a dot (`auth`: every `auth.*`). */
  action: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/, 'must be an action such as auth.sign-in, or an area such as auth')
    .optional(),
  /** Part of the target: a case number (`2026-000123`), `user:clerk`, `api-key:12`. */
  target: z.string().trim().min(1).max(200).optional(),
  /** A platform admin's filter: one agency's rows (an agency's admin sees only their own agency's anyway). */
  agency: z.string().regex(AGENCY_CODE, 'must be an agency code').optional(),
});
type AuditFilter = z.output<typeof auditFilterSchema>;

const pageSchema = auditFilterSchema.extend({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

/** A bare date is a Beijing calendar day (UTC+8, no daylight saving). */
function instantOf(value: string, endOfDay: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = new Date(`${value}T00:00:00+08:00`);
    return endOfDay ? new Date(start.getTime() + 86_400_000) : start;
  }
  return new Date(value);
}

const likeEscaped = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The filter, confined to the caller's agency: an agency's admin sees their agency's rows only;
 * a platform admin sees every row (the platform's own, with no agency, too) or one agency's.
 */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'audit_log', O>,
  filter: AuditFilter,
  user: User,
): SelectQueryBuilder<Database, 'audit_log', O> {
  let q = query;
  if (!user.platform) q = q.where('agency_code', '=', user.agencyCode);
  if (filter.agency) q = q.where('agency_code', '=', filter.agency);
  if (filter.from) q = q.where('at', '>=', instantOf(filter.from, false));
  if (filter.to) q = q.where('at', '<', instantOf(filter.to, true));
  if (filter.actor) q = q.where('actor_username', '=', filter.actor);
  if (filter.action) {
    const action = filter.action;
    q = action.includes('.') ? q.where('action', '=', action) : q.where('action', 'like', `${likeEscaped(action)}.%`);
  }
  if (filter.target) q = q.where('target', 'ilike', `%${likeEscaped(filter.target)}%`);
  return q;
}

const COLUMNS = ['id', 'at', 'action', 'actor_user_id', 'actor_username', 'actor_role', 'ip', 'target', 'details', 'agency_code'] as const;

interface AuditRow {
  id: string;
  at: Date;
  action: string;
  actor_username: string | null;
  actor_role: string | null;
  ip: string | null;
  target: string | null;
  details: Record<string, unknown>;
  agency_code: string | null;
}

const actionLabel = (action: string): string => (AUDIT_ACTIONS as Record<string, string>)[action] ?? '';

function itemOf(r: AuditRow) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    action: r.action,
    actionLabel: actionLabel(r.action),
    actor: r.actor_username ? { username: r.actor_username, role: r.actor_role } : null,
    ip: r.ip,
    target: r.target,
    details: r.details,
    agency: r.agency_code,
  };
}

/** Beijing time with its offset: what the office reads, still unambiguous. */
export function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/**
 * One CSV cell, always quoted (RFC 4180: a quote doubled). A cell that a spreadsheet would
 * read as a formula (= + - @, tab, CR) gets a leading apostrophe, so an exported username or
 * label cannot run in the auditor's Excel.
 */
export function csvCell(value: string | null | undefined): string {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export const AUDIT_CSV_HEADER = ['编号', '时间（北京时间）', '操作', '操作说明', '用户', '角色', 'IP 地址', '对象', '详情', '机关'];

function csvLine(r: AuditRow): string {
  return [
    r.id,
    beijingTime(r.at),
    r.action,
    actionLabel(r.action),
    r.actor_username,
    r.actor_role,
    r.ip,
    r.target,
    JSON.stringify(r.details),
    r.agency_code,
  ]
    .map(csvCell)
    .join(',');
}

export function auditRoutes(routes: RouteTable, deps: { db: Kysely<Database> }): void {
  const { db } = deps;

  routes.add({
    method: 'get',
    path: '/api/admin/audit',
    summary: '安全审计日志（筛选、分页）',
    tags: ['admin'],
    roles: ['admin'],
    query: pageSchema,
    response: {
      status: 200,
      description: 'one page, newest first, with the total matching the filter',
      schema: z.object({
        items: z.array(z.unknown()),
        total: z.number(),
        page: z.number(),
        pageSize: z.number(),
        actions: z.record(z.string(), z.string()),
      }),
    },
    handler: async ({ query, user }) => {
      const { page, pageSize, ...filter } = query;
      const rows = await filtered(db.selectFrom('audit_log').select(COLUMNS), filter, user!)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      const { total } = await filtered(
        db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('total')),
        filter,
        user!,
      ).executeTakeFirstOrThrow();
      return { items: rows.map(itemOf), total: Number(total), page, pageSize, actions: AUDIT_ACTIONS };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/admin/audit.csv',
    summary: '导出安全审计日志（CSV，UTF-8 带 BOM）',
    tags: ['admin'],
    roles: ['admin'],
    query: auditFilterSchema,
    response: { status: 200, description: 'text/csv; every row matching the filter, oldest first', schema: z.string() },
    handler: async ({ query, user, req, res }) => {
      // Recorded first, so the export is in the log whatever happens to the download.
      await recordAudit(db, { action: 'audit.exported', actor: auditActor(user), ip: req.ip ?? null, details: { filter: query } });
      const day = beijingTime(new Date()).slice(0, 10);
      res.status(200).type('text/csv; charset=utf-8').attachment(`audit-${day}.csv`);
      res.write(`\uFEFF${AUDIT_CSV_HEADER.map(csvCell).join(',')}\r\n`);
      // Keyset pages, so six months of log never sit in memory at once.
      // The cursor keeps the stored microseconds (a JS Date would round them to milliseconds).
      let after: { at: string; id: string } | null = null;
      for (;;) {
        let page = filtered(db.selectFrom('audit_log').select([...COLUMNS, sql<string>`at::text`.as('at_text')]), query, user!);
        if (after) page = page.where(sql<boolean>`(at, id) > (${after.at}::timestamptz, ${after.id}::bigint)`);
        const rows = await page.orderBy('at').orderBy('id').limit(1000).execute();
        if (rows.length === 0) break;
        res.write(rows.map((r) => `${csvLine(r)}\r\n`).join(''));
        const last = rows[rows.length - 1]!;
        after = { at: last.at_text, id: last.id };
      }
      res.end();
      return '';
    },
  });
}
