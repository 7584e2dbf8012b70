/**
 * The workflow bundle every worker loads (and every cached workflow evaluates) holds
 * workflow code, Temporal's workflow library and plain data: no zod, no profile parsing.
 */
import { bundleWorkflowCode } from '@temporalio/worker';

jest.setTimeout(120_000);

it('carries no zod and no rule-profile parsing', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const packages = new Set([...code.matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//g)].map((match) => match[1]));
  expect([...packages].filter((name) => !name!.startsWith('@temporalio/'))).not.toContain('zod');
  expect(code).not.toContain('domain/rulesets/schema.ts');
  expect(code).not.toContain('domain/rulesets/compile.ts');
  expect(code).toContain('domain/rulesets/compiled.ts');
});
