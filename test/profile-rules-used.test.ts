/**
 * Guard rail: a period or rule a profile states but no code applies is a promise the product
 * silently breaks (issue 15 found four). Every field of the rule-profile schema is either read
 * by a workflow, activity, report or route, or listed below with the reason it is informational.
 * Adding a field to the schema without using it, or leaving a listed one unused, fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ruleProfileSchema } from '../domain/rulesets/schema';

const ROOT = path.resolve(__dirname, '..');
/** Where rules are applied: everything but the profiles themselves and the tests. */
const CODE_DIRS = ['workflows', 'activities', 'api', 'domain', 'worker', 'temporal-config', 'console/src'];
const PROFILE_DIR = path.join(ROOT, 'domain', 'rulesets');

/** Fields that are data about the rule, not a rule: read wherever their parent rule is. */
const PART_OF_ITS_RULE = new Set([
  'workingDays',
  'minutes',
  'calendarDays',
  'citation',
  'source',
  'seed',
  'article',
  'quote',
  'step',
  'channel',
  'type',
]);

/** Fields kept for people, not code, each with its reason. */
const INFORMATIONAL: Record<string, string> = {
  name: 'the profile’s display name, shown by GET /api/rulesets',
  regime: 'which text of the 条例 the profile transcribes (shown by GET /api/rulesets); the periods themselves carry the difference',
  'jurisdiction.region': 'the place, for people choosing a profile',
  'jurisdiction.agency': 'the agency the rulebook binds, for people choosing a profile',
  'source.title': 'the rulebook’s title, for people reading the profile',
  notes: 'the transcriber’s notes on what the rulebook leaves open',
};

/** Dotted paths of every leaf field of a zod object schema (arrays and records walk into their elements). */
function fieldPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = (
    schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; in?: z.ZodType } }
  ).def;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'prefault':
      return fieldPaths(def.innerType!, prefix);
    case 'pipe':
      return fieldPaths(def.in!, prefix);
    case 'array':
      return fieldPaths(def.element!, prefix);
    case 'record':
      return fieldPaths(def.valueType!, prefix);
    case 'object': {
      const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([key, child]) => {
        const here = prefix ? `${prefix}.${key}` : key;
        const below = fieldPaths(child, here);
        return below.length > 0 ? [here, ...below] : [here];
      });
    }
    default:
      return [];
  }
}

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full.startsWith(PROFILE_DIR) ? [] : sources(full);
    return /\.tsx?$/.test(entry.name) && !full.startsWith(PROFILE_DIR)
      ? [fs.readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')]
      : [];
  });
}

const code = CODE_DIRS.flatMap((dir) => sources(path.join(ROOT, dir))).join('\n');

/** Read as a property (`x.field`, `x?.field`, `x['field']`) or destructured (`{ field }`, `{ field: y }`). */
function isRead(field: string): boolean {
  const escaped = field.replace(/[$]/g, '\\$');
  return new RegExp(`(\\?\\.|\\.)${escaped}\\b|\\[['"]${escaped}['"]\\]|[{,]\\s*${escaped}\\s*[,}:]`).test(code);
}

const paths = fieldPaths(ruleProfileSchema);

it('walks the whole profile schema', () => {
  expect(paths).toEqual(
    expect.arrayContaining([
      'application.reply',
      'application.provideAfterDecision',
      'application.thirdPartyConsultation.silence',
      'application.internalSteps.startsAt',
      'documentRelease.changes',
      'documentRelease.publicCommentMinimum',
      'documentRelease.preDisclosureMaximum',
      'disputes.litigationDefence',
    ]),
  );
});

it('every rule in the profiles is read by code, or listed as informational with a reason', () => {
  const unused = paths.filter((p) => {
    if (INFORMATIONAL[p]) return false;
    const key = p.split('.').at(-1)!;
    if (PART_OF_ITS_RULE.has(key) && p.includes('.')) return false;
    // Keys that are data, not identifiers (a mapping's 'already-public'): read with their mapping.
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) return !isRead(p.split('.').at(-2)!);
    return !isRead(key);
  });
  expect(unused).toEqual([]);
});

it('lists as informational only fields that exist', () => {
  for (const field of Object.keys(INFORMATIONAL)) {
    expect({ field, exists: paths.includes(field) }).toEqual({ field, exists: true });
  }
});
