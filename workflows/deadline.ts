/**
 * A working-day deadline: the smallest statutory clock. It asks an activity for the due
 * date (so the calendar version is in history), waits for completion until 24:00
 * Asia/Shanghai of the due day, and records the instant it went overdue.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { completeDeadlineSignal, type DeadlineInput, type DeadlineStatus, deadlineStatusQuery } from './deadline-messages';

const { computeDueDate } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { nonRetryableErrorTypes: ['InvalidDueDateRequest'] },
});

export async function workingDayDeadline(input: DeadlineInput): Promise<DeadlineStatus> {
  const status: DeadlineStatus = {
    title: input.title,
    from: input.from,
    workingDays: input.workingDays,
    due: null,
    dueAt: null,
    calendarVersion: null,
    provisional: null,
    state: 'computing',
    overdueSince: null,
    completedAt: null,
    completedBy: null,
  };
  // Handlers first: a query or completion may arrive while the due date is being computed.
  setHandler(deadlineStatusQuery, () => status);
  setHandler(completeDeadlineSignal, ({ by }) => {
    if (status.completedAt !== null) return; // the first completion counts
    status.completedAt = new Date().toISOString();
    status.completedBy = by;
  });

  const due = await computeDueDate({ from: input.from, workingDays: input.workingDays });
  Object.assign(status, {
    due: due.due,
    dueAt: due.dueAt,
    calendarVersion: due.calendarVersion,
    provisional: due.provisional,
    state: 'running',
  });

  const remainingMs = Math.max(0, Date.parse(due.dueAt) - Date.now());
  if (await condition(() => status.completedAt !== null, remainingMs)) {
    status.state = 'completed-on-time';
    return status;
  }
  status.state = 'overdue';
  status.overdueSince = due.dueAt;
  await condition(() => status.completedAt !== null);
  status.state = 'completed-late';
  return status;
}
