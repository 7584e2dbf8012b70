/**
 * Calendar activities: workflows never read the calendar themselves, they ask here and
 * keep the answer (with its calendar version) in their history.
 *
 * Each case runs on its own agency's calendar (the platform's with the agency's overrides). The
 * workflows do not say which agency they are (their code and histories predate the platform):
 * the activity finds it from the calling workflow's id, through `case_agencies`.
 */
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { endOfDayShanghai, type IsoDate, isIsoDate } from '../domain/calendar/dates';
import type { DueDate } from '../domain/calendar/working-days';
import { CalendarStore } from '../db/repositories/calendar';
import type { WorkingDayCalendar } from '../domain/calendar/working-days';
import { agencyOfCaseNumber } from '../domain/agency';
import type { Database } from '../db/schema';
import { calendarChangedSignal } from '../workflows/application-messages';
import { documentCalendarChangedSignal } from '../workflows/document-messages';
import { messageCalendarChangedSignal } from '../workflows/message-messages';

/** Each kind of case hears of a calendar change on its own signal (incidents run in minutes and need none). */
const calendarSignalFor = (workflowId: string) =>
  workflowId.startsWith('message-')
    ? messageCalendarChangedSignal
    : workflowId.startsWith('document-')
      ? documentCalendarChangedSignal
      : calendarChangedSignal;

export interface ComputedDueDate extends DueDate {
  /** The instant the period runs out: 24:00 Asia/Shanghai on `due`, as ISO 8601. */
  dueAt: string;
}

/**
 * The agency of the case a workflow runs: its `case_agencies` row; before the row is written (a
 * case's first step derives its clocks before recording it) the agency its case number names.
 * Null (the platform's calendar) for workflows that are no agency's case.
 */
export async function agencyOfWorkflow(db: Kysely<Database>, workflowId: string): Promise<string | null> {
  const row = await db.selectFrom('case_agencies').select('agency_code').where('workflow_id', '=', workflowId).executeTakeFirst();
  if (row) return row.agency_code;
  const numbered = /^(?:application|dispute)-(.+)$/.exec(workflowId)?.[1];
  const code = numbered ? agencyOfCaseNumber(numbered) : null;
  if (!code) return null;
  const agency = await db.selectFrom('agencies').select('code').where('code', '=', code).executeTakeFirst();
  return agency?.code ?? null;
}

/**
 * The calendar store the worker's activities hold: `current()` without an agency, called inside
 * an activity, is the calling case's agency's calendar (a workflow's agency never changes, so it
 * is remembered once found); outside an activity, the platform's.
 */
export class CaseCalendarStore extends CalendarStore {
  private readonly agencies = new Map<string, string>();

  constructor(private readonly database: Kysely<Database>) {
    super(database);
  }

  override async current(agencyCode?: string | null): Promise<WorkingDayCalendar> {
    if (agencyCode !== undefined) return super.current(agencyCode);
    return super.current(await this.callerAgency());
  }

  private async callerAgency(): Promise<string | null> {
    let workflowId: string | undefined;
    try {
      workflowId = Context.current().info.workflowExecution?.workflowId;
    } catch {
      return null; // not in an activity
    }
    if (!workflowId) return null;
    const known = this.agencies.get(workflowId);
    if (known) return known;
    const found = await agencyOfWorkflow(this.database, workflowId);
    if (found) {
      if (this.agencies.size >= 10_000) this.agencies.clear(); // a bound, not an LRU: a miss is one indexed lookup
      this.agencies.set(workflowId, found);
    }
    return found;
  }
}

export function createCalendarActivities(deps: { calendar: CalendarStore; db: Kysely<Database>; temporal?: Client }) {
  return {
    /** One page of open cases, each told to re-derive its clocks; a case closed meanwhile is skipped. */
    async signalOpenCases(input: {
      calendarVersion: string;
      /** An agency's change: its open cases only; absent, every agency's. */
      agencyCode?: string;
      after: string | null;
      limit: number;
    }): Promise<{ signalled: number; next: string | null }> {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for signalling', 'MisconfiguredWorker');
      // Every kind of open case keeps clocks; paged by workflow id across kinds.
      const agency = input.agencyCode;
      const openCases = deps.db
        .selectFrom('applications')
        .select('workflow_id')
        .where('status', '=', 'open')
        .$if(agency !== undefined, (q) => q.where('agency_code', '=', agency!))
        .unionAll(
          deps.db
            .selectFrom('disputes')
            .select('workflow_id')
            .where('status', '=', 'open')
            .$if(agency !== undefined, (q) => q.where('agency_code', '=', agency!)),
        )
        .unionAll(
          deps.db
            .selectFrom('citizen_messages')
            .select('workflow_id')
            .where('status', '=', 'open')
            .$if(agency !== undefined, (q) => q.where('agency_code', '=', agency!)),
        )
        .unionAll(
          deps.db
            .selectFrom('documents')
            .select('workflow_id')
            .where('status', '=', 'open')
            .$if(agency !== undefined, (q) => q.where('agency_code', '=', agency!)),
        )
        .as('open_cases');
      let query = deps.db.selectFrom(openCases).select('workflow_id').orderBy('workflow_id').limit(input.limit);
      if (input.after) query = query.where('workflow_id', '>', input.after);
      const rows = await query.execute();
      let signalled = 0;
      for (let i = 0; i < rows.length; i += 50) {
        const chunk = rows.slice(i, i + 50);
        const results = await Promise.allSettled(
          chunk.map((row) =>
            deps
              .temporal!.workflow.getHandle(row.workflow_id)
              .signal(calendarSignalFor(row.workflow_id), { calendarVersion: input.calendarVersion }),
          ),
        );
        results.forEach((result) => {
          if (result.status === 'fulfilled') signalled += 1;
          else if (!(result.reason instanceof WorkflowNotFoundError)) throw result.reason;
        });
        heartbeat(chunk.at(-1)!.workflow_id);
      }
      return { signalled, next: rows.length === input.limit ? rows.at(-1)!.workflow_id : null };
    },

    async computeDueDate(input: { from: IsoDate; workingDays: number }): Promise<ComputedDueDate> {
      if (!isIsoDate(input.from) || !Number.isInteger(input.workingDays) || input.workingDays < 0) {
        throw ApplicationFailure.nonRetryable(`bad due-date request ${JSON.stringify(input)}`, 'InvalidDueDateRequest');
      }
      const calendar = await deps.calendar.current();
      const due = calendar.addWorkingDays(input.from, input.workingDays);
      return { ...due, dueAt: endOfDayShanghai(due.due).toISOString() };
    },
  };
}
