/**
 * The two systems every throughput figure is measured on: Gongkai (API + worker + Temporal
 * + PostgreSQL, each its own process) and the plain-PostgreSQL baseline (one process +
 * PostgreSQL). Both answer the same HTTP calls; each knows how to read its own projection
 * and how to prove afterwards that no transition was lost or applied twice.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { freePort } from '../../db/local-cluster';
import type { ApplicationState } from '../../domain/application/types';
import { PROJECT_ROOT } from '../../temporal-config/binaries';
import { applicationStateQuery } from '../../workflows/application-messages';
import { EXPECTED_EVENTS, TRANSITIONS, transitionsOf } from './application-script';
import { inBatches } from './http';
import { memoryOfTree } from './machine';
import { type Scratch, type Stack, type StackTuning, scratchDatabase, startStack, supervise } from './stack';

/** A case the benchmark drove: how many transitions were confirmed, and whether one is in doubt. */
export interface DrivenCase {
  caseNo: string;
  done: number;
  /** A request timed out or failed with 5xx: it may or may not have landed. */
  uncertain: boolean;
}

export interface CheckReport {
  cases: number;
  /** Cases whose outcome one failed request leaves open (either count is accepted). */
  uncertain: number;
  problems: string[];
}

export interface SystemUnderTest {
  name: 'gongkai' | 'baseline';
  url: string;
  tokens: Record<string, string>;
  scratch: Scratch;
  stack: Stack | null;
  /** The seq the projection shows for a case (what a supervisor's screen would read). */
  projectedSeq: (caseNo: string) => Promise<number | null>;
  check: (cases: readonly DrivenCase[]) => Promise<CheckReport>;
  memory: () => Record<string, { rssMb: number; pssMb: number } | null>;
  stop: () => Promise<void>;
}

const stageAfter = (done: number) => (done === 0 ? 'registered' : TRANSITIONS[done - 1]!.stage);

function compare(c: DrivenCase, stage: string | undefined, events: string[], problems: string[]): boolean {
  const accepted = c.uncertain ? [c.done, c.done + 1] : [c.done];
  const ok = accepted.some((n) => stage === stageAfter(n) && JSON.stringify(events) === JSON.stringify(EXPECTED_EVENTS.slice(0, n + 1)));
  if (!ok)
    problems.push(
      `${c.caseNo}: expected ${c.done} transition(s)${c.uncertain ? ' (+1 in doubt)' : ''}, projection stage ${stage}, events ${events.join(',')}`,
    );
  return ok;
}

export async function startGongkai(tuning: StackTuning = {}): Promise<SystemUnderTest> {
  const stack = await startStack('gongkai', tuning);
  const { db } = stack.scratch;
  return {
    name: 'gongkai',
    url: stack.apiUrl,
    tokens: stack.scratch.tokens,
    scratch: stack.scratch,
    stack,
    projectedSeq: async (caseNo) =>
      (await db.selectFrom('applications').select('last_seq').where('case_no', '=', caseNo).executeTakeFirst())?.last_seq ?? null,
    check: async (cases) => {
      const problems: string[] = [];
      await inBatches(cases, 16, async (c) => {
        const row = await db.selectFrom('applications').select(['stage', 'last_seq']).where('case_no', '=', c.caseNo).executeTakeFirst();
        const events = await db.selectFrom('case_events').select(['seq', 'type']).where('case_no', '=', c.caseNo).orderBy('seq').execute();
        if (!compare(c, row?.stage, transitionsOf(events), problems)) return;
        const seqs = events.map((e) => e.seq);
        if (seqs.some((s, i) => s !== i + 1)) problems.push(`${c.caseNo}: event seqs ${seqs.join(',')}`);
        // Temporal is the source of truth: its state must be what the projection shows.
        const state = (await stack.temporal.workflow.getHandle(`application-${c.caseNo}`).query(applicationStateQuery)) as ApplicationState;
        if (state.stage !== row?.stage || state.seq !== row?.last_seq)
          problems.push(`${c.caseNo}: Temporal ${state.stage}/seq ${state.seq}, projection ${row?.stage}/seq ${row?.last_seq}`);
      });
      const registered = Number(
        (
          await db
            .selectFrom('applications')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const unknown = cases.length - registered;
      if (unknown > 0) problems.push(`${unknown} case(s) confirmed to the client are missing from the projection`);
      return { cases: cases.length, uncertain: cases.filter((c) => c.uncertain).length, problems };
    },
    memory: () => stack.memory(),
    stop: () => stack.stop(),
  };
}

export async function startBaseline(): Promise<SystemUnderTest> {
  const scratch = await scratchDatabase('gk_bench_baseline');
  const port = await freePort();
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-baseline-')), 'baseline.log');
  const child = supervise(
    spawn(process.execPath, ['--import', 'tsx', 'bench/baseline/server.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: scratch.url, PORT: String(port) },
      stdio: ['ignore', fs.openSync(logFile, 'a'), fs.openSync(logFile, 'a')],
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null || i > 600) throw new Error(`baseline did not start; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { db } = scratch;
  return {
    name: 'baseline',
    url,
    tokens: scratch.tokens,
    scratch,
    stack: null,
    projectedSeq: async (caseNo) =>
      (await sql<{ seq: number }>`select seq from baseline_cases where case_no = ${caseNo}`.execute(db)).rows[0]?.seq ?? null,
    check: async (cases) => {
      const problems: string[] = [];
      await inBatches(cases, 16, async (c) => {
        const row = (
          await sql<{ stage: string; seq: number }>`select stage, seq from baseline_cases where case_no = ${c.caseNo}`.execute(db)
        ).rows[0];
        const events = (
          await sql<{ seq: number; type: string }>`select seq, type from baseline_events where case_no = ${c.caseNo} order by seq`.execute(
            db,
          )
        ).rows;
        if (
          !compare(
            c,
            row?.stage,
            events.map((e) => e.type),
            problems,
          )
        )
          return;
        if (events.some((e, i) => e.seq !== i + 1) || row?.seq !== events.length)
          problems.push(`${c.caseNo}: seq ${row?.seq}, event seqs ${events.map((e) => e.seq).join(',')}`);
      });
      return { cases: cases.length, uncertain: cases.filter((c) => c.uncertain).length, problems };
    },
    memory: () => ({
      baseline: child.pid ? memoryOfTree(child.pid) : null,
      postgres: scratch.postgresPid ? memoryOfTree(scratch.postgresPid) : null,
    }),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await scratch.drop();
    },
  };
}
