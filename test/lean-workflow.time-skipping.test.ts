/**
 * Lean workflows, measured on a closed application's history: steps answer {seq, stage}
 * (no state in update results), the input carries the profile's id and version (not 60 KB of
 * rules), clocks are derived only when their events changed, and search attributes are
 * upserted only when they change.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { shanghaiDateOf } from '../domain/calendar/dates';
import * as m from '../workflows/application-messages';
import {
  act,
  type Actors,
  type ApplicationTimeSkipping,
  intake,
  startApplicationTimeSkipping,
  startCase,
} from './support/application-harness';

const TASK_QUEUE = 'lean-workflow-time-skipping';
let harness: ApplicationTimeSkipping;
let env: TestWorkflowEnvironment;
let actors: Actors;

beforeAll(async () => {
  harness = await startApplicationTimeSkipping(TASK_QUEUE);
  ({ env, actors } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

const EventType = temporal.api.enums.v1.EventType;

it('a closed application’s history stays small: no state in update results, no profile in the input, no repeated derivations or upserts', async () => {
  const today = shanghaiDateOf(await env.currentTimeMs());
  const { handle } = await startCase(env.client, TASK_QUEUE, actors.clerk, { intake: intake({ receivedOn: today }) });
  await act(handle, m.acceptUpdate, { actor: actors.clerk });
  await act(handle, m.assignUpdate, { actor: actors.clerk, departmentCode: 'yjglk', assignee: 'department' });
  await act(handle, m.proposeUpdate, {
    actor: actors.department,
    outcome: 'disclosed',
    summary: '检查计划全文',
    reasons: '不涉密，可以公开',
  });
  await act(handle, m.reviewSecrecyUpdate, { actor: actors.reviewer, level: 1, conclusion: 'pass', notes: '不涉密' });
  await act(handle, m.reviewSecrecyUpdate, { actor: actors.leader, level: 2, conclusion: 'pass', notes: '同意公开' });
  await act(handle, m.requestExtensionUpdate, { actor: actors.clerk, workingDays: 10, reason: '需要调取档案' });
  await act(handle, m.decideUpdate, {
    actor: actors.clerk,
    outcome: 'disclosed',
    reasons: '属于可以公开的政府信息',
    legalBasis: '《中华人民共和国政府信息公开条例》第三十六条第（二）项',
  });
  await act(handle, m.signOffUpdate, { actor: actors.leader });
  await act(handle, m.deliverUpdate, { actor: actors.clerk, method: 'email', deliveredOn: today });
  await act(handle, m.closeUpdate, { actor: actors.clerk });
  await handle.result();

  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const bytes = Buffer.byteLength(historyToJSON(history));
  const input = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  const updateResults = events.flatMap((e) =>
    (e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads ?? []).map((p) => Buffer.from(p.data!).toString('utf8')),
  );
  const upserts = events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    .map((e) =>
      Object.entries(e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!)
        .map(([k, v]) => [k, Buffer.from(v.data!).toString('utf8')])
        .sort(),
    )
    .filter((fields) => fields.every(([key]) => key!.startsWith('Gongkai'))) // not the SDK's own TemporalChangeVersion (patches)
    .map((fields) => JSON.stringify(fields));
  const markerBytes = events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED)
    .reduce((n, e) => n + JSON.stringify(e.markerRecordedEventAttributes).length, 0);
  console.log(
    `closed application: ${events.length} events, ${(bytes / 1024).toFixed(1)} KB (local-activity markers ${(markerBytes / 1024).toFixed(1)} KB); input ${input.data!.length} B; ${upserts.length} search-attribute upserts`,
  );

  expect(Buffer.from(input.data!).toString('utf8')).not.toContain('"application":{'); // no profile in the input
  expect(input.data!.length).toBeLessThan(4_000);
  expect(updateResults.length).toBeGreaterThanOrEqual(11); // registration + 10 steps
  for (const result of updateResults) expect(JSON.parse(result)).toEqual({ seq: expect.any(Number), stage: expect.any(String) });
  // Upserted only when stage, department or reply due changed: never the same attributes twice in a row.
  upserts.forEach((attributes, i) => {
    if (i > 0) expect(attributes).not.toBe(upserts[i - 1]);
  });
  expect(upserts.length).toBeLessThan(updateResults.length);
  // A guard, not the benchmark's figure (bench/README.md): was ~136 KB before lean workflows.
  expect(bytes).toBeLessThan(80 * 1024);
});
