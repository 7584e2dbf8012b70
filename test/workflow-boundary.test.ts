/**
 * The lint rule that keeps workflow code deterministic: Node builtins, pg, kysely and express
 * may not be imported in workflows/, while types and pure domain modules may.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

/** Lints code as if it were a file in workflows/, through the project's own eslint config. */
async function lintWorkflow(code: string): Promise<string[]> {
  const run = promisify(execFile);
  const child = run(
    path.join(ROOT, 'node_modules', '.bin', 'eslint'),
    [
      '--stdin', '--stdin-filename', 'workflows/boundary-probe.ts', '--format', 'json',
      // The probe is not a file on disk: no type information, so no typed rules.
      '--parser-options', 'projectService:false', '--rule', '{"@typescript-eslint/no-floating-promises":"off"}',
    ],
    { cwd: ROOT },
  );
  child.child.stdin!.end(code);
  const { stdout } = await child.catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
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
