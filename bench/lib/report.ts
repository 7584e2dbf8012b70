/** Prints a scenario's table (with ratios to the baseline) and its checks, and saves the JSON. */
import { writeResult } from './results';
import { stackRuns } from './stack';
import { ratio, table } from './stats';
import type { CheckReport } from './systems';

export interface Report {
  title: string;
  /** [figure, gongkai, baseline (null when none)] */
  rows: Array<[string, number | null, number | null, ...unknown[]]>;
  checks: string[];
  /** Everything measured, for the JSON file. */
  figures: Record<string, unknown>;
}

export function createCasesCheckLine(system: string, check: CheckReport): string {
  const verdict = check.problems.length === 0 ? 'OK' : `${check.problems.length} PROBLEM(S)`;
  const lines = [
    `correctness (${system}): ${check.cases} cases checked${check.uncertain ? `, ${check.uncertain} with one request in doubt` : ''} — ${verdict}`,
  ];
  for (const problem of check.problems.slice(0, 10)) lines.push(`  ${problem}`);
  return lines.join('\n');
}

export function printAndSave(scenario: string, postgresVersion: string, report: Report): void {
  const withBaseline = report.rows.some((r) => r[2] !== null);
  console.log(`\n${report.title}\n`);
  console.log(
    table(
      withBaseline ? ['figure', 'gongkai', 'baseline', 'gongkai ÷ baseline'] : ['figure', 'value'],
      report.rows.map(([label, g, b]) => {
        const r = ratio(g, b);
        return withBaseline ? [label, g, b, r === null ? null : `×${r}`] : [label, g];
      }),
    ),
  );
  console.log(`\n${report.checks.join('\n')}`);
  for (const run of stackRuns) {
    const parts = (['api', 'worker', 'temporal', 'postgres', 'loadGenerator'] as const).map(
      (p) => `${p} ${run.cpuSeconds[p] ?? '?'} s (${run.cores[p] ?? '?'} cores)`,
    );
    console.log(`CPU over ${run.wallSeconds} s on ${run.engine}, ${run.workers} worker(s): ${parts.join(', ')}`);
  }
  const ratios = Object.fromEntries(report.rows.filter((r) => r[2] !== null).map(([label, g, b]) => [label, ratio(g, b)]));
  const file = writeResult(scenario, postgresVersion, {
    title: report.title,
    table: report.rows.map(([label, g, b]) => ({ figure: label, gongkai: g, baseline: b })),
    ratios,
    checks: report.checks,
    ...report.figures,
  });
  console.log(`\nwritten ${file}`);
}
