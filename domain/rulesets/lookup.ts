/**
 * Rule profiles for workflow code: the compiled plain data (`compiled.ts`), deeply frozen,
 * looked up by id and version. No zod here: `index.ts` validates the sources and checks this
 * data matches them wherever the API, the worker or the tests load it.
 */
import { COMPILED_RULE_PROFILES } from './compiled';
import type { RuleProfile } from './schema';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Every version of every profile. */
export const RULE_PROFILE_VERSIONS: readonly RuleProfile[] = deepFreeze(COMPILED_RULE_PROFILES);

function compareVersions(a: string, b: string): number {
  const [ay = 0, an = 0] = a.split('.').map(Number);
  const [by = 0, bn = 0] = b.split('.').map(Number);
  return ay - by || an - bn;
}

/** The given version of a profile, or its newest when no version is asked for. */
export function findRuleProfile(id: string, version?: string): RuleProfile | undefined {
  const candidates = RULE_PROFILE_VERSIONS.filter((profile) => profile.id === id);
  if (version !== undefined) return candidates.find((profile) => profile.version === version);
  return [...candidates].sort((a, b) => compareVersions(b.version, a.version))[0];
}

/** The newest version of each profile. */
export function currentRuleProfiles(): RuleProfile[] {
  const ids = [...new Set(RULE_PROFILE_VERSIONS.map((profile) => profile.id))];
  return ids.map((id) => findRuleProfile(id)!);
}
