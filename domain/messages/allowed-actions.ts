/** The citizen-message steps a case allows a user now (see domain/allowed-actions.ts). Pure module. */
import type { Actor } from '../case';
import { allowedBy, type Probe } from '../allowed-actions';
import type { RuleProfile } from '../rulesets/schema';
import { limitFor, type MessageActionName, messageChecks } from './rules';
import type { MessageState } from './types';

export function allowedMessageActions(state: MessageState, actor: Actor, ctx: { profile: RuleProfile }): MessageActionName[] {
  const probes: Partial<Record<MessageActionName, Probe<MessageState>>> = {
    // Any department but the one complained about (and, for a transfer, the one holding it).
    assign: () => [{ departmentCode: '\u0000any' }],
    transfer: () => [{ departmentCode: '\u0000any' }],
    extend: (s) => {
      const max = limitFor(ctx.profile, s.intake.type)?.maxWorkingDays;
      return max ? [{ toWorkingDays: max }] : [];
    },
  };
  return allowedBy(
    Object.keys(messageChecks) as MessageActionName[],
    probes,
    (action, s, payload) =>
      (messageChecks[action] as (s: MessageState, p: unknown, c: typeof ctx) => string | null)(s, { ...payload, actor }, ctx),
    state,
  );
}
