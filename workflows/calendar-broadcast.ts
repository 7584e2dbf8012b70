/**
 * After an admin changes the calendar, tells every open case it concerns (an agency's change:
 * that agency's) to re-derive its clocks: one
 * durable run per calendar revision (`calendar-broadcast-<revision>`), paging through open
 * cases so a hundred thousand of them do not ride on one HTTP request.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { signalOpenCases } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
});

/** `agencyCode`: an agency's own change, re-dating its open cases only (absent: the platform's, every agency's). */
export async function calendarBroadcast(input: { calendarVersion: string; agencyCode?: string }): Promise<{ signalled: number }> {
  let after: string | null = null;
  let signalled = 0;
  do {
    const page: { signalled: number; next: string | null } = await signalOpenCases({
      calendarVersion: input.calendarVersion,
      // Only the activity's input changes (not a command): histories without it replay as they ran.
      ...(input.agencyCode ? { agencyCode: input.agencyCode } : {}),
      after,
      limit: 500,
    });
    signalled += page.signalled;
    after = page.next;
  } while (after !== null);
  return { signalled };
}
