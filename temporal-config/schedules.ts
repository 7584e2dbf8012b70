/**
 * The Temporal Schedules Gongkai keeps: recurring duties that must run whether or not
 * anyone is logged in. Created (or brought up to date) by the worker at start-up, so a
 * fresh namespace gets them and a changed interval reaches an existing one.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptions, type Workflow } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { type AgencyConfig, agencyFromEnv } from '../domain/agency';
import { findRuleProfile } from '../domain/rulesets';
import { archiveSweep } from '../workflows/archive';
import { ensureDocumentSchedules } from './document-schedules';
import { escalationSweep } from '../workflows/supervision';
import { applicantMessageSweep } from '../workflows/notice-dispatch';

export const ARCHIVE_SWEEP_SCHEDULE_ID = 'gongkai-archive-sweep';
export const ESCALATION_SWEEP_SCHEDULE_ID = 'gongkai-escalation-sweep';
export const APPLICANT_MESSAGE_SWEEP_SCHEDULE_ID = 'gongkai-applicant-message-sweep';

/** How often closed workflows are archived; far inside any namespace's retention (≥ 1 day). */
export const ARCHIVE_SWEEP_INTERVAL = (process.env.GONGKAI_ARCHIVE_SWEEP_EVERY ?? '5m') as Duration; // ms-style: '5m', '30s'
/** How often late clocks are checked for the leader's rung of the ladder. */
export const ESCALATION_SWEEP_INTERVAL = (process.env.GONGKAI_ESCALATION_SWEEP_EVERY ?? '5m') as Duration;
/** How often queued messages to applicants whose dispatch never started (a crash after the commit) are started. */
export const APPLICANT_MESSAGE_SWEEP_INTERVAL = (process.env.GONGKAI_MESSAGE_SWEEP_EVERY ?? '5m') as Duration;

function every(id: string, interval: Duration, workflowType: Workflow, taskQueue: string, purpose: string) {
  return {
    scheduleId: id,
    spec: { intervals: [{ every: interval }] },
    action: { type: 'startWorkflow' as const, workflowType, taskQueue, workflowId: id.replace(/^gongkai-/, '') },
    // A slow run is never doubled up; one missed while the cluster was down runs once.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' as Duration },
    memo: { purpose },
  } satisfies ScheduleOptions;
}

/**
 * The agency's own recurring duties come from its default rule profile (the 不予公开 register
 * and the November self-check, where the profile has them): see document-schedules.ts.
 */
export async function ensureSchedules(
  client: Client,
  taskQueue: string,
  /** Every agency of the platform: each has its own 报备 and 自查 duties (`document-register-<agency>` …). */
  agencies: ReadonlyArray<Pick<AgencyConfig, 'code' | 'defaultRuleProfileId'>> = [agencyFromEnv(process.env)],
): Promise<string[]> {
  const schedules = [
    every(ARCHIVE_SWEEP_SCHEDULE_ID, ARCHIVE_SWEEP_INTERVAL, archiveSweep, taskQueue, '归档已结束工作流的事件历史（行政复议举证）'),
    every(ESCALATION_SWEEP_SCHEDULE_ID, ESCALATION_SWEEP_INTERVAL, escalationSweep, taskQueue, '逾期期限升级至分管领导'),
    every(
      APPLICANT_MESSAGE_SWEEP_SCHEDULE_ID,
      APPLICANT_MESSAGE_SWEEP_INTERVAL,
      applicantMessageSweep,
      taskQueue,
      '补发未启动发送的申请人邮件、短信',
    ),
  ];
  for (const options of schedules) {
    try {
      await client.schedule.create(options);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule
        .getHandle(options.scheduleId)
        .update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies }));
    }
  }
  const documentDuties: string[] = [];
  for (const agency of agencies) {
    const profile = findRuleProfile(agency.defaultRuleProfileId);
    if (profile)
      for (const duty of await ensureDocumentSchedules(client, { agencyCode: agency.code, profile, taskQueue }))
        documentDuties.push(duty.scheduleId);
  }
  return [...schedules.map((s) => s.scheduleId), ...documentDuties];
}
