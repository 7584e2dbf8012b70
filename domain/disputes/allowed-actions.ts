/** The dispute steps a case allows now (see domain/allowed-actions.ts): each dated today. Pure module. */
import type { IsoDate } from '../calendar/dates';
import { allowedBy, type Probe } from '../allowed-actions';
import { type DisputeAction, disputeChecks } from './rules';
import type { DisputeState } from './types';

export function allowedDisputeActions(state: DisputeState, today: IsoDate): DisputeAction[] {
  const dated: Probe<DisputeState> = () => [{ on: today }];
  const actions = Object.keys(disputeChecks) as DisputeAction[];
  const probes = Object.fromEntries(actions.map((action) => [action, dated])) as Record<DisputeAction, Probe<DisputeState>>;
  return allowedBy(actions, probes, (action, s, payload) => disputeChecks[action](s, payload, today), state);
}
