/** Wire names of the working-day deadline workflow's messages, shared by workflow and API. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar/dates';

export interface DeadlineInput {
  /** What must be done, e.g. 答复申请人. */
  title: string;
  /** Start date S of the period (never counted itself). */
  from: IsoDate;
  workingDays: number;
}

export interface DeadlineStatus {
  title: string;
  from: IsoDate;
  workingDays: number;
  /** Null until the calendar activity has answered. */
  due: IsoDate | null;
  dueAt: string | null;
  calendarVersion: string | null;
  provisional: boolean | null;
  state: 'computing' | 'running' | 'overdue' | 'completed-on-time' | 'completed-late';
  overdueSince: string | null;
  completedAt: string | null;
  completedBy: string | null;
}

export const completeDeadlineSignal = defineSignal<[{ by: string }]>('gongkai.deadline.complete');
export const deadlineStatusQuery = defineQuery<DeadlineStatus>('gongkai.deadline.status');
