/** Jurisdiction rule profiles (read-only: they are reviewed data, changed by release). */
import { z } from 'zod';
import { currentRuleProfiles, DEFAULT_RULE_PROFILE_ID, findRuleProfile, RULE_PROFILE_VERSIONS } from '../../domain/rulesets';
import { ROLES } from '../../domain/roles';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';

const summarySchema = z
  .object({
    id: z.string(),
    version: z.string(),
    versions: z.array(z.string()),
    name: z.string(),
    regime: z.enum(['2019', 'pre-2019']),
    isDefault: z.boolean(),
    jurisdiction: z.object({ region: z.string(), agency: z.string(), regionCode: z.string() }),
    source: z.object({ title: z.string(), source: z.string(), seed: z.string().optional() }),
    replyWorkingDays: z.number(),
    extensionWorkingDays: z.number(),
  })
  .openapi('RuleProfileSummary');

export function rulesetRoutes(routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/api/rulesets',
    summary: 'Every jurisdiction rule profile (newest version of each)',
    tags: ['rulesets'],
    roles: ROLES,
    response: { status: 200, description: 'profiles', schema: z.object({ rulesets: z.array(summarySchema) }) },
    handler: async () => ({
      rulesets: currentRuleProfiles().map((profile) => ({
        id: profile.id,
        version: profile.version,
        versions: RULE_PROFILE_VERSIONS.filter((p) => p.id === profile.id).map((p) => p.version),
        name: profile.name,
        regime: profile.regime,
        isDefault: profile.id === DEFAULT_RULE_PROFILE_ID,
        jurisdiction: profile.jurisdiction,
        source: profile.source,
        replyWorkingDays: profile.application.reply.workingDays,
        extensionWorkingDays: profile.application.extension.workingDays,
      })),
    }),
  });

  routes.add({
    method: 'get',
    path: '/api/rulesets/:id',
    summary: 'One rule profile with every period and its citation',
    tags: ['rulesets'],
    roles: ROLES,
    params: z.object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a profile id such as national-2019') }),
    query: z.object({
      version: z
        .string()
        .regex(/^\d{4}\.\d+$/, 'must look like 2026.1')
        .optional(),
    }),
    response: { status: 200, description: 'the profile', schema: z.object({ id: z.string(), version: z.string() }).passthrough() },
    errors: { 404: 'no such profile or version' },
    handler: async ({ params, query }) => {
      const profile = findRuleProfile(params.id, query.version);
      if (!profile) {
        throw new ApiError(404, 'not_found', `rule profile ${params.id}${query.version ? `@${query.version}` : ''} not found`);
      }
      return profile;
    },
  });
}
