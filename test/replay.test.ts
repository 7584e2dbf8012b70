/**
 * Histories of finished cases, committed under test/histories/, replayed with today's
 * workflow code: a change that would break a running case fails here, before it ships.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

const HISTORIES = path.join(__dirname, 'histories');
const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

const load = (file: string) => historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')));

it('has committed histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

it.each(files)('today’s code replays %s exactly', async (file) => {
  await expect(Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, load(file))).resolves.toBeUndefined();
});

it('catches a non-deterministic change', async () => {
  await expect(
    Worker.runReplayHistory({ workflowsPath: require.resolve('./fixtures/changed-workflows') }, load(files[0]!)),
  ).rejects.toBeInstanceOf(DeterminismViolationError);
});
