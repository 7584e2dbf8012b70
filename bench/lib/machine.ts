/** Facts about the machine and the software a result was measured with. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, requireTemporalCli } from '../../temporal-config/binaries';

export interface MachineFacts {
  cores: number;
  cpu: string | undefined;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string;
  temporalCli: string;
  temporalSdk: string;
  commit: string;
  /** The 1-minute load average when the result was written: other work on the machine shows here. */
  loadAverage1m: number;
}

function quiet(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * The commit the benchmark process started from, read when it loads: a run may last hours
 * (the scale scenario), and HEAD may move while it runs.
 */
const COMMIT_AT_START =
  quiet('git', ['rev-parse', '--short', 'HEAD']) + (quiet('git', ['status', '--porcelain', '--untracked-files=no']) ? '+dirty' : '');

export function machineFacts(postgresVersion: string): MachineFacts {
  const sdk = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules', '@temporalio', 'worker', 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: postgresVersion,
    temporalCli: quiet(requireTemporalCli(), ['--version']).split('\n')[0] ?? 'unknown',
    temporalSdk: sdk.version,
    commit: COMMIT_AT_START,
    loadAverage1m: Math.round(os.loadavg()[0]! * 10) / 10,
  };
}

/**
 * Memory of a process and all its descendants, from /proc: RSS counts shared pages once per
 * process (PostgreSQL's shared buffers many times over), so PSS, which splits shared pages
 * among their users, is the figure to add up.
 */
export function memoryOfTree(rootPid: number): { pids: number; rssMb: number; pssMb: number } {
  const pids = [rootPid, ...descendantsOf(rootPid)];
  let rss = 0;
  let pss = 0;
  let alive = 0;
  for (const pid of pids) {
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += kb(rollup, 'Rss');
      pss += kb(rollup, 'Pss');
      alive += 1;
    } catch {
      // gone since we listed it
    }
  }
  return { pids: alive, rssMb: Math.round(rss / 1024), pssMb: Math.round(pss / 1024) };
}

function kb(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  let children: number[];
  try {
    children = fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return out;
  }
  for (const child of children) out.push(child, ...descendantsOf(child));
  return out;
}
