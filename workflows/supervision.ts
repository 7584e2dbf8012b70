/**
 * `escalationSweep`: started by the `gongkai-escalation-sweep` Schedule; climbs the ladder's
 * last rung (the leader) for every clock still running well past its due date.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { escalateLateClocks } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function escalationSweep(): Promise<{ examined: number; escalated: number }> {
  return escalateLateClocks();
}
