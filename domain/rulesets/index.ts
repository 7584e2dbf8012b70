/**
 * The rule profiles, validated by zod when this module loads: a malformed profile stops
 * the process at start-up rather than mis-dating a case. Older versions of a profile stay
 * listed here so a case started under one keeps its rules.
 */
import { bijie004 } from './profiles/bijie-004';
import { etuokeqianqi002 } from './profiles/etuokeqianqi-002';
import { huadian001 } from './profiles/huadian-001';
import { huangyan003 } from './profiles/huangyan-003';
import { lvliang000 } from './profiles/lvliang-000';
import { national2019 } from './profiles/national-2019';
import { type RuleProfile, type RuleProfileInput, ruleProfileSchema } from './schema';

export * from './schema';

export const DEFAULT_RULE_PROFILE_ID = 'national-2019';

function load(inputs: readonly RuleProfileInput[]): readonly RuleProfile[] {
  const seen = new Set<string>();
  return inputs.map((input) => {
    const parsed = ruleProfileSchema.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new Error(`rule profile ${input.id}@${input.version} is invalid: ${problems}`);
    }
    const key = `${parsed.data.id}@${parsed.data.version}`;
    if (seen.has(key)) throw new Error(`rule profile ${key} is listed twice`);
    seen.add(key);
    return Object.freeze(parsed.data);
  });
}

/** Every version of every profile. */
export const RULE_PROFILE_VERSIONS: readonly RuleProfile[] = load([
  national2019,
  lvliang000,
  huadian001,
  etuokeqianqi002,
  huangyan003,
  bijie004,
]);

function compareVersions(a: string, b: string): number {
  const [ay = 0, an = 0] = a.split('.').map(Number);
  const [by = 0, bn = 0] = b.split('.').map(Number);
  return ay - by || an - bn;
}

/** The given version of a profile, or its newest when no version is asked for. */
export function findRuleProfile(id: string, version?: string): RuleProfile | undefined {
  const candidates = RULE_PROFILE_VERSIONS.filter((profile) => profile.id === id);
  if (version !== undefined) return candidates.find((profile) => profile.version === version);
  return candidates.sort((a, b) => compareVersions(b.version, a.version))[0];
}

/** The newest version of each profile. */
export function currentRuleProfiles(): RuleProfile[] {
  const ids = [...new Set(RULE_PROFILE_VERSIONS.map((profile) => profile.id))];
  return ids.map((id) => findRuleProfile(id)!);
}
