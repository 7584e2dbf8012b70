/**
 * The rule profiles, validated by zod when this module loads: a malformed profile, or a
 * compiled copy (what workflow code reads) out of date, stops the process at start-up rather
 * than mis-dating a case. The sources are listed in `compile.ts`, older versions included.
 */
import { parseRuleProfiles } from './compile';
import { COMPILED_RULE_PROFILES } from './compiled';

export * from './schema';
export { currentRuleProfiles, findRuleProfile, RULE_PROFILE_VERSIONS } from './lookup';

export const DEFAULT_RULE_PROFILE_ID = 'national-2019';

// The workflows read the compiled copy: it must be exactly what zod makes of the sources.
if (JSON.stringify(parseRuleProfiles()) !== JSON.stringify(COMPILED_RULE_PROFILES)) {
  throw new Error('domain/rulesets/compiled.ts does not match the rule profiles: run npm run profiles');
}
