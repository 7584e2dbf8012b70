/**
 * A case's rule profile, from its input. Cases start with the profile's id and version; the
 * rules themselves come from the compiled profiles bundled with the workflow code (versions
 * never change once listed), so no input carries 60 KB of rules into every history and every
 * cached workflow. Cases started before carry the whole profile, and keep it.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { findRuleProfile } from '../../domain/rulesets/lookup';
import type { RuleProfile } from '../../domain/rulesets/schema';

export interface RuleProfileRef {
  id: string;
  version: string;
}

export interface CarriesRuleProfile {
  /** The profile's id and version (cases started since profiles travel by reference). */
  ruleProfile?: RuleProfileRef;
  /** The whole profile as it stood at the start (cases started before). */
  profile?: RuleProfile;
}

export function ruleProfileOf(input: CarriesRuleProfile): RuleProfile {
  if (input.profile) return input.profile;
  const ref = input.ruleProfile;
  const profile = ref ? findRuleProfile(ref.id, ref.version) : undefined;
  if (!profile)
    throw ApplicationFailure.nonRetryable(
      `unknown rule profile ${ref ? `${ref.id}@${ref.version}` : '(none given)'}`,
      'UnknownRuleProfile',
    );
  return profile;
}

/** What a new case's input carries for its profile. */
export const ruleProfileRef = (profile: RuleProfile): RuleProfileRef => ({ id: profile.id, version: profile.version });
