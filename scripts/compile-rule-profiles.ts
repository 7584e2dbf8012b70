/**
 * Writes domain/rulesets/compiled.ts: every rule profile as zod parsed it (defaults filled
 * in), as plain data. Workflow code reads profiles from there, so neither zod nor the parsing
 * enters the workflow bundle; `domain/rulesets/index.ts` refuses to load (API and worker
 * start, tests) when the file no longer matches the sources. Run after changing a profile:
 * `npm run profiles`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { COMPILED_RULE_PROFILES_PATH, compiledRuleProfilesSource } from '../domain/rulesets/compile';

const target = path.resolve(__dirname, '..', COMPILED_RULE_PROFILES_PATH);
const source = compiledRuleProfilesSource();
if (process.argv.includes('--check')) {
  if (fs.readFileSync(target, 'utf8') !== source) {
    console.error(`${COMPILED_RULE_PROFILES_PATH} is stale: run npm run profiles`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(target, source);
  console.log(`wrote ${COMPILED_RULE_PROFILES_PATH}`);
}
