/**
 * The lint rule that keeps workflow code deterministic: Node builtins, pg, kysely and express
 * may not be imported in workflows/, while types and pure domain modules may.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

const PROBE = 'workflows/boundary-probe.ts';

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; fatal?: boolean; message: string }>;
}

/**
 * Lints code as if it were a file in workflows/, through the project's own eslint config.
 * Anything but a clean lint of exactly that file is an error, never an empty list: eslint that
 * crashes (exit 2), lints no file, ignores the probe or cannot parse it proves nothing.
 */
async function lintWorkflow(code: string): Promise<string[]> {
  const run = promisify(execFile);
  const child = run(
    path.join(ROOT, 'node_modules', '.bin', 'eslint'),
    [
      '--stdin',
      '--stdin-filename',
      PROBE,
      '--format',
      'json',
      // The probe is not a file on disk: no type information, so no typed rules.
      '--parser-options',
      'projectService:false',
      '--rule',
      '{"@typescript-eslint/no-floating-promises":"off"}',
    ],
    { cwd: ROOT },
  );
  child.child.stdin!.end(code);
  // eslint exits 1 when it found problems (what the refusals expect), 2 when it could not lint.
  const {
    stdout,
    stderr,
    code: exitCode,
  } = await child.then(
    (out) => ({ ...out, code: 0 }),
    (error: { stdout: string; stderr: string; code: number | string }) => error,
  );
  if (exitCode !== 0 && exitCode !== 1) throw new Error(`eslint did not run (exit ${exitCode}): ${stderr}`);
  const results = JSON.parse(stdout) as LintResult[];
  if (results.length !== 1 || results[0]!.filePath !== path.join(ROOT, PROBE))
    throw new Error(`eslint linted ${JSON.stringify(results.map((r) => r.filePath))}, not ${PROBE}`);
  const notLinted = results[0]!.messages.filter((m) => m.fatal || m.ruleId === null);
  if (notLinted.length > 0) throw new Error(`eslint did not lint the probe: ${notLinted.map((m) => m.message).join('; ')}`);
  return results[0]!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

it.each([
  ["import fs from 'node:fs';", 'Node builtins'],
  ["import { readFileSync } from 'fs';", 'Node builtins'],
  ["import { Pool } from 'pg';", 'through activities'],
  ["import { Kysely } from 'kysely';", 'through activities'],
  ["import express from 'express';", 'through activities'],
  ["import { createDatabase } from '../db/connection';", 'pure modules'],
])('refuses %s in workflows/', async (line, reason) => {
  const messages = await lintWorkflow(`${line}\nexport const x = 1;\n`);
  expect(messages).toHaveLength(1);
  expect(messages[0]).toContain(reason);
});

it('allows type imports and pure domain modules', async () => {
  const messages = await lintWorkflow(
    [
      "import type { Kysely } from 'kysely';",
      "import type { Activities } from '../activities';",
      "import { addDays } from '../domain/calendar/dates';",
      "import { condition } from '@temporalio/workflow';",
      'export type K = Kysely<unknown> | Activities;',
      'export const f = () => [addDays, condition];',
    ].join('\n'),
  );
  expect(messages).toEqual([]);
});

it('is an error, not an empty list, when eslint does not lint the probe', async () => {
  await expect(lintWorkflow('export const = ;\n')).rejects.toThrow(/did not lint the probe: Parsing error/);
});
