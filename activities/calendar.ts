/**
 * Calendar activities: workflows never read the calendar themselves, they ask here and
 * keep the answer (with its calendar version) in their history.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { endOfDayShanghai, type IsoDate, isIsoDate } from '../domain/calendar/dates';
import type { DueDate } from '../domain/calendar/working-days';
import type { CalendarStore } from '../db/repositories/calendar';

export interface ComputedDueDate extends DueDate {
  /** The instant the period runs out: 24:00 Asia/Shanghai on `due`, as ISO 8601. */
  dueAt: string;
}

export function createCalendarActivities(deps: { calendar: CalendarStore }) {
  return {
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
