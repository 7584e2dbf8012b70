/** The one write every case kind shares (db/repositories/case-events.ts), on real PostgreSQL. */
import type { Transaction } from 'kysely';
import {
  type AppendedEvent,
  appendCaseEvent,
  CASE_EVENT_TABLES,
  caseEvents,
  type CaseKind,
  upsertCaseProjection,
} from '../db/repositories/case-events';
import type { Database } from '../db/schema';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const event = (seq: number, type: string): AppendedEvent => ({
  seq,
  type,
  actor: { username: 'clerk', displayName: '王登记', role: 'clerk' },
  at: '2026-12-01T02:00:00.000Z',
  payload: { note: `第${seq}步` },
});

/** Writes a case's projection at `seq` with `stage`, as each kind's activity does. */
async function writeProjection(trx: Transaction<Database>, kind: CaseKind, id: string, seq: number, stage: string): Promise<void> {
  const common = { agency_code: 'demo', rule_profile_id: 'p', stage, status: 'open' as const, state: '{}', last_seq: seq };
  const moved = { stage, last_seq: seq };
  switch (kind) {
    case 'application':
      return upsertCaseProjection(
        trx,
        kind,
        seq,
        {
          ...common,
          case_no: id,
          workflow_id: `application-${id}`,
          query_code: `q-${id}`,
          rule_profile_version: '1',
          channel: 'counter',
          applicant_type: 'person',
          applicant_name: '张三',
          applicant_id_number: '110101199001011234',
          description: '某文件',
          intake: '{}',
          paused: false,
        },
        moved,
      );
    case 'dispute':
      return upsertCaseProjection(
        trx,
        kind,
        seq,
        {
          ...common,
          dispute_no: id,
          workflow_id: `dispute-${id}`,
          case_no: 'A-1',
          kind: 'reconsideration',
          body: '复议机关',
          received_on: '2026-12-01',
        },
        moved,
      );
    case 'document':
      return upsertCaseProjection(
        trx,
        kind,
        seq,
        {
          ...common,
          doc_id: id,
          workflow_id: `document-${id}`,
          rule_profile_version: '1',
          title: '某通知',
          doc_number: '示〔2026〕1号',
          kind: 'notice',
          normative: false,
          issuing_department: 'gkb',
          category: 'other',
        },
        moved,
      );
    case 'incident':
      return upsertCaseProjection(
        trx,
        kind,
        seq,
        {
          ...common,
          id,
          workflow_id: `incident-${id}`,
          rule_profile_version: '1',
          kind: 'incident',
          grade: 'IV',
          title: '某事件',
          source: 'media',
          first_seen_at: '2026-12-01T01:00:00.000Z',
          overdue: false,
        },
        moved,
      );
    case 'message':
      return upsertCaseProjection(
        trx,
        kind,
        seq,
        {
          ...common,
          id,
          workflow_id: `message-${id}`,
          rule_profile_version: '1',
          type: 'consultation',
          channel: 'web',
          subject: '某咨询',
          confidential: false,
          writer_name: '李四',
          overdue: false,
          received_on: '2026-12-01',
        },
        moved,
      );
  }
}

async function projection(kind: CaseKind, id: string): Promise<{ stage: string; last_seq: number } | undefined> {
  const tables = {
    application: 'applications',
    dispute: 'disputes',
    document: 'documents',
    incident: 'incidents',
    message: 'citizen_messages',
  };
  const idColumn = { application: 'case_no', dispute: 'dispute_no', document: 'doc_id', incident: 'id', message: 'id' };
  return database.db
    .selectFrom(tables[kind] as 'incidents')
    .select(['stage', 'last_seq'])
    .where(idColumn[kind] as 'id', '=', id)
    .executeTakeFirst();
}

async function events(kind: CaseKind, id: string) {
  const { table, caseColumn } = CASE_EVENT_TABLES[kind];
  return database.db
    .selectFrom(table as 'incident_events')
    .select(['seq', 'type', 'actor_username', 'actor_role', 'payload'])
    .where(caseColumn as 'incident_id', '=', id)
    .orderBy('seq')
    .execute();
}

const KINDS: CaseKind[] = ['application', 'dispute', 'document', 'incident', 'message'];

beforeAll(async () => {
  // A dispute is about an application.
  await database.db.transaction().execute((trx) => writeProjection(trx, 'application', 'A-1', 1, 'registered'));
});

it.each(KINDS)('appends a %s event once per seq, and moves its projection only forward', async (kind) => {
  const id = `${kind}-1`;
  const write = (seq: number, stage: string) =>
    database.db.transaction().execute(async (trx) => {
      await writeProjection(trx, kind, id, seq, stage);
      return appendCaseEvent(trx, kind, id, event(seq, stage));
    });

  expect(await write(1, 'registered')).toBe(true);
  expect(await write(2, 'assigned')).toBe(true);
  // A retried activity: the same seq again inserts nothing.
  expect(await write(2, 'assigned')).toBe(false);
  // A late write of an older step neither moves the case back nor adds an event.
  expect(await write(1, 'registered')).toBe(false);

  expect(await projection(kind, id)).toEqual({ stage: 'assigned', last_seq: 2 });
  expect(await events(kind, id)).toEqual([
    {
      seq: 1,
      type: 'registered',
      actor_username: 'clerk',
      actor_role: 'clerk',
      payload: { note: '第1步', actor: { username: 'clerk', displayName: '王登记', role: 'clerk' } },
    },
    {
      seq: 2,
      type: 'assigned',
      actor_username: 'clerk',
      actor_role: 'clerk',
      payload: { note: '第2步', actor: { username: 'clerk', displayName: '王登记', role: 'clerk' } },
    },
  ]);
});

it.each(KINDS)('reads a %s case’s log back in order, and only that case’s', async (kind) => {
  const id = `${kind}-2`;
  await database.db.transaction().execute(async (trx) => {
    await writeProjection(trx, kind, id, 2, 'assigned');
    // Appended out of order (two activities of one case racing): read back by seq.
    await appendCaseEvent(trx, kind, id, event(2, 'assigned'));
    await appendCaseEvent(trx, kind, id, event(1, 'registered'));
  });
  const log = await caseEvents(database.db, kind, id);
  expect(log.map((e) => [e.seq, e.type, e.actor_username])).toEqual([
    [1, 'registered', 'clerk'],
    [2, 'assigned', 'clerk'],
  ]);
  expect(log[0]!.occurred_at).toBeInstanceOf(Date);
});
