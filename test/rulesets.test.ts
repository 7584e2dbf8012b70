/** Rule profiles: every seed agency has one, every period cites its source, bad data is refused. */
import {
  currentRuleProfiles,
  DEFAULT_RULE_PROFILE_ID,
  findRuleProfile,
  type RuleProfile,
  ruleProfileSchema,
  RULE_PROFILE_VERSIONS,
} from '../domain/rulesets';
import { compiledRuleProfilesSource, parseRuleProfiles, RULE_PROFILE_SOURCES } from '../domain/rulesets/compile';
import { national2019 } from '../domain/rulesets/profiles/national-2019';
import fs from 'node:fs';
import path from 'node:path';

/** Every { citation } object anywhere in a profile. */
function citations(value: unknown, at = ''): Array<{ at: string; citation: { seed?: string; quote?: string; article: string } }> {
  if (Array.isArray(value)) return value.flatMap((item, i) => citations(item, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) =>
      key === 'citation' || key.endsWith('Citation')
        ? [{ at: `${at}.${key}`, citation: child as { seed?: string; quote?: string; article: string } }]
        : citations(child, `${at}.${key}`),
    );
  }
  return [];
}

describe('rule profiles', () => {
  it('has the national default and one profile per seed agency', () => {
    const ids = currentRuleProfiles()
      .map((p) => p.id)
      .sort();
    expect(ids).toEqual(['bijie-004', 'etuokeqianqi-002', 'huadian-001', 'huangyan-003', 'lvliang-000', 'national-2019']);
    expect(findRuleProfile(DEFAULT_RULE_PROFILE_ID)?.application.reply.workingDays).toBe(20);
  });

  it('carries each agency’s own periods', () => {
    const get = (id: string): RuleProfile => findRuleProfile(id)!;
    expect(get('national-2019').application.extension.workingDays).toBe(20);
    expect(get('huadian-001')).toMatchObject({
      regime: 'pre-2019',
      application: { reply: { workingDays: 15 }, extension: { workingDays: 15 } },
    });
    expect(get('huadian-001').application.secrecyEscalation).toMatchObject({ workingDays: 10, extensionWorkingDays: 7 });
    expect(get('etuokeqianqi-002').application.provideAfterDecision?.workingDays).toBe(10);
    expect(get('etuokeqianqi-002').application.reply.workingDays).toBe(15);
    const huangyan = get('huangyan-003');
    expect(Object.fromEntries(huangyan.application.internalSteps.map((s) => [s.step, s.workingDays]))).toEqual({
      register: 1,
      'formal-review': 5,
      'department-proposal': 7,
      'sign-off': 3,
    });
    expect(huangyan.application.extension.maxTotalWorkingDays).toBe(40);
    expect(Object.fromEntries(huangyan.documentRelease.publication.map((p) => [p.channel, p.workingDays]))).toEqual({
      intranet: 1,
      portal: 7,
    });
    const bijie = get('bijie-004');
    expect(Object.fromEntries(bijie.application.internalSteps.map((s) => [s.step, s.workingDays]))).toEqual({
      'transfer-to-department': 3,
      'department-proposal': 10,
    });
    expect(bijie.documentRelease.publication[0]?.workingDays).toBe(5);
    expect(bijie.citizenMessages?.limits.find((l) => l.type === 'hard-case')).toMatchObject({ workingDays: 15, maxWorkingDays: 30 });
    expect(get('lvliang-000').documentRelease.selfCheckMonth).toBe(11);
    expect(get('huadian-001').documentRelease.nonDisclosureRegisterDue).toEqual(['03-31', '12-31']);
    for (const profile of currentRuleProfiles()) {
      expect(profile.publicOpinion.report['重大'].minutes).toBe(60);
      expect(profile.publicOpinion.report['特别重大'].minutes).toBe(30);
    }
  });

  // The rulebooks themselves are the engineers' reading, kept outside this repository, not a fixture:
  // the profile's own data must carry what a reconsideration body would check.
  it('every citation names its source and article, and every seed citation quotes the rule', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const profile of RULE_PROFILE_VERSIONS) {
      for (const { at, citation } of citations(profile)) {
        const where = `${profile.id}${at}`;
        if (!citation.article?.trim()) problems.push(`${where}: no article`);
        if (citation.seed && !citation.quote?.trim()) problems.push(`${where}: seed citation without a quote`);
        checked += 1;
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('refuses a malformed profile, naming the field', () => {
    const broken = {
      ...national2019,
      application: { ...national2019.application, reply: { workingDays: 0, citation: national2019.application.reply.citation } },
    };
    const result = ruleProfileSchema.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['application', 'reply', 'workingDays']);
    const capped = {
      ...national2019,
      application: { ...national2019.application, extension: { ...national2019.application.extension, maxTotalWorkingDays: 10 } },
    };
    expect(ruleProfileSchema.safeParse(capped).error?.issues[0]?.path).toEqual(['application', 'extension', 'maxTotalWorkingDays']);
  });

  it('finds a profile by version and refuses unknown ones', () => {
    expect(findRuleProfile('national-2019', '2026.1')?.version).toBe('2026.1');
    expect(findRuleProfile('national-2019', '1999.1')).toBeUndefined();
    expect(findRuleProfile('nowhere')).toBeUndefined();
  });

  it('workflow code reads exactly what zod makes of the sources, frozen', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'domain', 'rulesets', 'compiled.ts'), 'utf8');
    expect(committed).toBe(compiledRuleProfilesSource()); // else: npm run profiles
    expect(RULE_PROFILE_VERSIONS).toEqual(parseRuleProfiles());
    expect(RULE_PROFILE_VERSIONS).toHaveLength(RULE_PROFILE_SOURCES.length);
    const national = findRuleProfile('national-2019')!;
    expect(Object.isFrozen(national.application.reply)).toBe(true);
    expect(() => {
      (national.application.reply as { workingDays: number }).workingDays = 30;
    }).toThrow(TypeError);
  });

  it('a changed source no longer matches the compiled copy', () => {
    const changed = { ...national2019, name: `${national2019.name}（改）` };
    expect(compiledRuleProfilesSource(parseRuleProfiles([changed, ...RULE_PROFILE_SOURCES.slice(1)]))).not.toBe(
      compiledRuleProfilesSource(),
    );
  });
});
