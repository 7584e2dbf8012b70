/**
 * The Temporal Schedules Gongkai keeps: recurring duties that must run whether or not
 * anyone is logged in. Created (or brought up to date) by the worker at start-up, so a
 * fresh namespace gets them and a changed interval reaches an existing one.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { archiveSweep } from '../workflows/archive';

export const ARCHIVE_SWEEP_SCHEDULE_ID = 'gongkai-archive-sweep';

/** How often closed workflows are archived; far inside any namespace's retention (≥ 1 day). */
export const ARCHIVE_SWEEP_INTERVAL = (process.env.GONGKAI_ARCHIVE_SWEEP_EVERY ?? '5m') as Duration; // ms-style: '5m', '30s'

export async function ensureSchedules(client: Client, taskQueue: string): Promise<string[]> {
  const options = {
    scheduleId: ARCHIVE_SWEEP_SCHEDULE_ID,
    spec: { intervals: [{ every: ARCHIVE_SWEEP_INTERVAL }] },
    action: { type: 'startWorkflow' as const, workflowType: archiveSweep, taskQueue, workflowId: 'archive-sweep' },
    // A slow sweep is never doubled up; a sweep missed while the cluster was down runs once.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' as Duration },
    memo: { purpose: '归档已结束工作流的事件历史（行政复议举证）' },
  };
  try {
    await client.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(ARCHIVE_SWEEP_SCHEDULE_ID).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies }));
  }
  return [ARCHIVE_SWEEP_SCHEDULE_ID];
}
