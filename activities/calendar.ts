/**
 * Calendar activities: workflows never read the calendar themselves, they ask here and
 * keep the answer (with its calendar version) in their history.
 */
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { endOfDayShanghai, type IsoDate, isIsoDate } from '../domain/calendar/dates';
import type { DueDate } from '../domain/calendar/working-days';
import type { CalendarStore } from '../db/repositories/calendar';
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

export function createCalendarActivities(deps: { calendar: CalendarStore; db: Kysely<Database>; temporal?: Client }) {
  return {
    /** One page of open cases, each told to re-derive its clocks; a case closed meanwhile is skipped. */
    async signalOpenCases(input: {
      calendarVersion: string;
      after: string | null;
      limit: number;
    }): Promise<{ signalled: number; next: string | null }> {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for signalling', 'MisconfiguredWorker');
      // Every kind of open case keeps clocks; paged by workflow id across kinds.
      const openCases = deps.db
        .selectFrom('applications')
        .select('workflow_id')
        .where('status', '=', 'open')
        .unionAll(deps.db.selectFrom('disputes').select('workflow_id').where('status', '=', 'open'))
        .unionAll(deps.db.selectFrom('citizen_messages').select('workflow_id').where('status', '=', 'open'))
        .unionAll(deps.db.selectFrom('documents').select('workflow_id').where('status', '=', 'open'))
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
