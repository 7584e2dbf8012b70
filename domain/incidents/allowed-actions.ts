/** The incident steps a case allows a user now (see domain/allowed-actions.ts). Pure module. */
import type { Actor } from '../case';
import { allowedBy, type Probe } from '../allowed-actions';
import type { RuleProfile } from '../rulesets/schema';
import { gradesOf, type IncidentActionName, incidentChecks } from './rules';
import { APPROVAL_LEVELS, type IncidentState } from './types';

export function allowedIncidentActions(
  state: IncidentState,
  actor: Actor,
  ctx: { now: number; profile: RuleProfile },
): IncidentActionName[] {
  const probes: Partial<Record<IncidentActionName, Probe<IncidentState>>> = {
    regrade: (s) =>
      gradesOf(ctx.profile)
        .filter((grade) => grade !== s.grade)
        .map((grade) => ({ grade })),
    assign: () => [{ departmentCode: 'any' }],
    plan: (s) => [s.kind === 'rumour' ? { issuedInNameOf: 'government' } : {}],
    recordConsent: (s) =>
      (s.plan?.involvedDepartments ?? [])
        .filter((d) => !s.consents.some((c) => c.departmentCode === d))
        .map((departmentCode) => ({ departmentCode })),
    approve: () => Object.keys(APPROVAL_LEVELS).map((level) => ({ level })),
    close: () => [{ evaluation: '评估意见' }],
  };
  return allowedBy(
    Object.keys(incidentChecks) as IncidentActionName[],
    probes,
    (action, s, payload) =>
      (incidentChecks[action] as (s: IncidentState, p: unknown, c: typeof ctx) => string | null)(s, { ...payload, actor }, ctx),
    state,
  );
}
