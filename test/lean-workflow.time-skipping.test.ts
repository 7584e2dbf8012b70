/**
 * Lean workflows, measured on a closed application's history: steps answer {seq, stage}
 * (no state in update results), the input carries the profile's id and version (not 60 KB of
 * rules), clocks are derived only when their events changed, and search attributes are
 * upserted only when they change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { shanghaiDateOf } from '../domain/calendar/dates';
import * as m from '../workflows/application-messages';
import { startCase } from '../api/workflow-steps';
import { newQueryCode } from '../domain/application/query-code';
import { findRuleProfile } from '../domain/rulesets';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../temporal-config/search-attributes';
import { application } from '../workflows/application';
import { ruleProfileRef } from '../workflows/runtime/profile';
import { act, type Actors, type ApplicationTimeSkipping, intake, startApplicationTimeSkipping } from './support/application-harness';

const TASK_QUEUE = 'gongkai'; // the production queue's name (each workflow task names it); this file's server is its own
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
  // Started as the API starts a case (api/workflow-steps.ts): update-with-start, the start's
  // memo and search attributes, the production task queue's name.
  const caseNo = `demo-2026-${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
  await startCase(env.client, {
    workflow: application,
    options: {
      workflowId: `application-${caseNo}`,
      taskQueue: TASK_QUEUE,
      args: [
        {
          caseNo,
          queryCode: newQueryCode(),
          agencyCode: 'demo',
          ruleProfile: ruleProfileRef(findRuleProfile('national-2019')!),
          intake: intake({ receivedOn: today }),
          submittedBy: actors.clerk,
          officeDepartmentCode: 'gkb',
          possibleDuplicates: [], // what the API's check finds for a first application
        },
      ],
      typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('application', caseNo, 'national-2019', 'demo'),
    },
    awaitRegistration: m.awaitRegistrationUpdate,
    label: `case ${caseNo}`,
  });
  const handle = env.client.workflow.getHandle<typeof application>(`application-${caseNo}`);
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
  // The history of an execution since 2026-12 (one patch, compact answers), replayed by replay.test.ts.
  if (process.env.UPDATE_HISTORIES === '1')
    fs.writeFileSync(path.join(__dirname, 'histories', 'application-disclosed-since-2026-12.json'), historyToJSON(history));
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
  // Where the bytes are, by event type (and local activity), for bench/README.md.
  const byKind = new Map<string, number>();
  for (const e of events) {
    const marker = e.markerRecordedEventAttributes;
    const activity =
      marker?.markerName === 'core_local_activity'
        ? ` ${JSON.parse(Buffer.from(marker.details!.data!.payloads![0]!.data!).toString('utf8')).activity_type}`
        : '';
    const kind = `${EventType[e.eventType!]}${activity}`.replace('EVENT_TYPE_', '');
    byKind.set(
      kind,
      (byKind.get(kind) ?? 0) +
        Buffer.byteLength(
          JSON.stringify(
            temporal.api.history.v1.HistoryEvent.toObject(e as temporal.api.history.v1.HistoryEvent, {
              longs: String,
              enums: String,
              bytes: String,
            }),
          ),
        ),
    );
  }
  console.log(
    [...byKind]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${(n / 1024).toFixed(1)} KB`)
      .join('\n'),
  );
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
  // Local activities answer only what the workflow cannot put back: a digest per recorded event,
  // derivations without the steps' events, held steps or reminders' instants; no duplicates check.
  const answers = (type: string) =>
    events
      .map((e) => e.markerRecordedEventAttributes?.details)
      .filter((d) => d?.data && JSON.parse(Buffer.from(d.data.payloads![0]!.data!).toString('utf8')).activity_type === type)
      .map((d) => JSON.parse(Buffer.from(d!.result!.payloads![0]!.data!).toString('utf8')));
  const recorded = answers('recordApplicationEvent');
  expect(recorded.length).toBeGreaterThanOrEqual(11);
  for (const r of recorded) expect(Object.keys(r).filter((k) => k !== 'docNo')).toEqual(['digest']);
  const derivations = answers('deriveClocks');
  expect(derivations.length).toBeGreaterThan(0);
  expect(JSON.stringify(derivations)).not.toMatch(/"event"|"at"/);
  expect(JSON.stringify(derivations)).toContain('"stepsFrom"');
  expect(answers('findPossibleDuplicates')).toEqual([]); // the input carries the API's check
  // Only the typed result, not the state.
  const completed = events.at(-1)!.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!;
  expect(Object.keys(JSON.parse(Buffer.from(completed.data!).toString('utf8'))).sort()).toEqual([
    'caseNo',
    'closed',
    'endedOn',
    'outcome',
    'seq',
    'stage',
  ]);
  // A guard, not the benchmark's figure (bench/README.md): ~136 KB before lean workflows, 59.8 KB
  // since the compact answers (2026-12-02).
  expect(bytes).toBeLessThan(62 * 1024);
});
