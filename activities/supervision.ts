/**
 * Supervision's share of every case write: the clock projection and the notifications a
 * reminder or overdue event sends, in the caller's transaction. Plus the sweep that climbs
 * the ladder to the leader, and the admin's reconciliation of the projection with Temporal.
 */
import { heartbeat } from '@temporalio/activity';
import type { Kysely, Transaction } from 'kysely';
import type { WorkingDayCalendar } from '../domain/calendar/working-days';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { DEFAULT_LEADER_RUNG, leaderEscalation, notificationsForEvent } from '../domain/supervision/ladder';
import type { CaseSnapshot } from '../domain/supervision/projection';
import type { CalendarStore } from '../db/repositories/calendar';
import { enqueueNotifications, projectCaseClocks } from '../db/repositories/supervision';
import { annualReportReminders } from '../domain/reports/reminder';
import type { Database } from '../db/schema';
import { auditRetentionDaysFromEnv, purgeAuditLog } from '../db/repositories/audit';

/** Called inside a case's event transaction. */
export async function recordSupervision(
  trx: Transaction<Database>,
  workflowId: string,
  snapshot: CaseSnapshot,
  event: { type: string; seq: number; payload: Record<string, unknown> },
): Promise<void> {
  await projectCaseClocks(trx, {
    ...snapshot,
    workflowId,
    clocks: snapshot.clocks.map((c) => ({ ...c, dueAt: c.dueAt ? new Date(c.dueAt) : null })),
  });
  const notifications = notificationsForEvent(snapshot.kind, snapshot.caseRef, workflowId, event);
  await enqueueNotifications(
    trx,
    notifications.map((n) => ({ ...n, workflowId })),
  );
}

/** How late a clock is, in its own unit: '2个工作日' or '75分钟'. */
export function lateness(
  calendar: WorkingDayCalendar,
  row: { unit: string; due_date: string | null; due_at: Date },
  now: number,
): { amount: number; text: string } {
  if (row.unit === 'working-days' && row.due_date) {
    const days = calendar.countWorkingDays(row.due_date, shanghaiDateOf(now));
    return { amount: days, text: `${days}个工作日` };
  }
  const minutes = Math.floor((now - row.due_at.getTime()) / 60_000);
  return { amount: minutes, text: `${minutes}分钟` };
}

/**
 * The annual report's reminders due today (条例 §50, domain/reports/reminder.ts), for every
 * agency on the platform, queued once each. They ride on the escalation sweep's Schedule rather than a Schedule of their own:
 * the sweep already runs every few minutes all year, and the outbox's dedupe keys make a
 * repeated run harmless. Returns how many were new.
 */
export async function sendAnnualReportReminders(db: Kysely<Database>, calendar: WorkingDayCalendar, now: number): Promise<number> {
  const today = shanghaiDateOf(now);
  const agencies = await db.selectFrom('agencies').select('code').orderBy('code').execute();
  return enqueueNotifications(
    db,
    agencies.flatMap((a) => annualReportReminders(today, calendar, a.code)),
  );
}

/** `auditRetentionDays`: how long the audit log keeps its rows (by default GONGKAI_AUDIT_RETENTION_DAYS, ≥ 180). */
export function createSupervisionActivities(deps: { db: Kysely<Database>; calendar: CalendarStore; auditRetentionDays?: number }) {
  const auditRetentionDays = deps.auditRetentionDays ?? auditRetentionDaysFromEnv(process.env);
  return {
    /**
     * The ladder's last rung: every clock still running past the leader's point reaches the
     * leader, once per due date. Then the annual report's reminders, if any are due, and the
     * audit log's retention purge (rows past the retention only; it logs what it removed).
     */
    async escalateLateClocks(): Promise<{ examined: number; escalated: number; annualReportReminders: number; auditRowsPurged: number }> {
      const now = Date.now();
      const calendar = await deps.calendar.current(); // the platform's: the annual report's reminders
      // Lateness counts in the working days of the case's agency (its local holidays too).
      const calendars = new Map<string, WorkingDayCalendar>();
      const calendarOf = async (agencyCode: string | null) => {
        if (!agencyCode) return calendar;
        if (!calendars.has(agencyCode)) calendars.set(agencyCode, await deps.calendar.current(agencyCode));
        return calendars.get(agencyCode)!;
      };
      let examined = 0;
      let escalated = 0;
      let after: { dueAt: Date; workflowId: string; clockId: string } | null = null;
      for (;;) {
        let query = deps.db
          .selectFrom('case_clocks')
          .leftJoin('case_agencies', 'case_agencies.workflow_id', 'case_clocks.workflow_id')
          .select([
            'case_clocks.workflow_id',
            'clock_id',
            'kind',
            'case_ref',
            'label',
            'unit',
            'due_at',
            'due_date',
            'case_agencies.agency_code',
          ])
          .where('status', '=', 'running')
          .where('due_at', '<', new Date(now))
          .orderBy('due_at')
          .orderBy('case_clocks.workflow_id')
          .orderBy('clock_id')
          .limit(500);
        if (after) {
          const cursor = after;
          query = query.where((eb) =>
            eb.or([
              eb('due_at', '>', cursor.dueAt),
              eb.and([
                eb('due_at', '=', cursor.dueAt),
                eb.or([
                  eb('case_clocks.workflow_id', '>', cursor.workflowId),
                  eb.and([eb('case_clocks.workflow_id', '=', cursor.workflowId), eb('clock_id', '>', cursor.clockId)]),
                ]),
              ]),
            ]),
          );
        }
        const rows = await query.execute();
        if (rows.length === 0) break;
        for (const row of rows) await calendarOf(row.agency_code);
        const due = rows.flatMap((row) => {
          const late = lateness(
            calendars.get(row.agency_code ?? '') ?? calendar,
            { unit: row.unit, due_date: row.due_date, due_at: row.due_at! },
            now,
          );
          const threshold = row.unit === 'working-days' ? DEFAULT_LEADER_RUNG.workingDaysAfterDue : DEFAULT_LEADER_RUNG.minutesAfterDue;
          return late.amount >= threshold
            ? [
                leaderEscalation({
                  workflowId: row.workflow_id,
                  clockId: row.clock_id,
                  kind: row.kind,
                  caseRef: row.case_ref,
                  label: row.label,
                  dueDate: row.due_date,
                  dueAt: row.due_at!,
                  lateBy: late.text,
                }),
              ]
            : [];
        });
        examined += rows.length;
        escalated += await enqueueNotifications(
          deps.db,
          due.map((n) => ({ ...n, workflowId: n.dedupeKey.split('/')[0]! })),
        );
        const last = rows.at(-1)!;
        after = { dueAt: last.due_at!, workflowId: last.workflow_id, clockId: last.clock_id };
        heartbeat(examined);
      }
      const annualReportReminders = await sendAnnualReportReminders(deps.db, calendar, now);
      return { examined, escalated, annualReportReminders, auditRowsPurged: await purgeAuditLog(deps.db, auditRetentionDays) };
    },
  };
}
