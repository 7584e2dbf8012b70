/**
 * Temporal Schedules for the recurring duties of document release, created idempotently
 * from a rule profile (an existing schedule is left as it is):
 *
 * - `document-register-<agency>`: the 不予公开 register, on the 1st of each month in which the
 *   profile's register falls due (桦甸: March and December, due 31 March / 31 December),
 *   09:00 Asia/Shanghai; the run compiles the register and records its due date.
 * - `document-self-check-<agency>`: the yearly self-check, on the 1st of the profile's
 *   self-check month (吕梁: November), 09:00 Asia/Shanghai.
 *
 * A profile without the rule gets no schedule (national-2019 has neither).
 */
import { type Client, MONTHS, ScheduleAlreadyRunning } from '@temporalio/client';
import type { RuleProfile } from '../domain/rulesets/schema';

export interface EnsuredSchedule {
  scheduleId: string;
  workflowType: string;
  created: boolean;
  months: string[];
}

export const registerScheduleId = (agencyCode: string) => `document-register-${agencyCode}`;
export const selfCheckScheduleId = (agencyCode: string) => `document-self-check-${agencyCode}`;

export async function ensureDocumentSchedules(
  client: Client,
  /** `officeDepartmentCode`: the agency's 政务公开工作机构, told when a register is overdue. */
  options: { agencyCode: string; profile: RuleProfile; taskQueue: string; officeDepartmentCode?: string | null },
): Promise<EnsuredSchedule[]> {
  const { agencyCode, profile, taskQueue, officeDepartmentCode } = options;
  const rules = profile.documentRelease;
  const wanted: Array<{ scheduleId: string; workflowType: string; months: number[]; overlap: 'SKIP' | 'ALLOW_ALL' }> = [];
  if (rules.nonDisclosureRegisterDue?.length) {
    const months = [...new Set(rules.nonDisclosureRegisterDue.map((md) => Number(md.slice(0, 2))))];
    wanted.push({ scheduleId: registerScheduleId(agencyCode), workflowType: 'nonDisclosureRegister', months, overlap: 'SKIP' });
  }
  if (rules.selfCheckMonth) {
    // A self-check waits for every item's decision; next year's must not be skipped for it.
    wanted.push({
      scheduleId: selfCheckScheduleId(agencyCode),
      workflowType: 'documentSelfCheck',
      months: [rules.selfCheckMonth],
      overlap: 'ALLOW_ALL',
    });
  }
  const results: EnsuredSchedule[] = [];
  for (const w of wanted) {
    const months = w.months.map((n) => MONTHS[n - 1]!);
    let created = true;
    try {
      await client.schedule.create({
        scheduleId: w.scheduleId,
        spec: {
          calendars: [{ month: months, dayOfMonth: 1, hour: 9, comment: `${profile.id}: ${w.workflowType}` }],
          timezone: 'Asia/Shanghai',
        },
        action: {
          type: 'startWorkflow',
          workflowType: w.workflowType,
          workflowId: w.scheduleId,
          taskQueue,
          args: [
            {
              agencyCode,
              profileId: profile.id,
              profileVersion: profile.version,
              ...(officeDepartmentCode ? { officeDepartmentCode } : {}),
            },
          ],
        },
        policies: { overlap: w.overlap, catchupWindow: '7 days' },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      created = false;
    }
    results.push({ scheduleId: w.scheduleId, workflowType: w.workflowType, created, months });
  }
  return results;
}
