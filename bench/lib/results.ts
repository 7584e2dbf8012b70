/** Where figures go: a JSON file per run under bench/results/, with the machine's facts. */
import fs from 'node:fs';
import path from 'node:path';
import { machineFacts } from './machine';
import { stackRuns } from './stack';
import { engineFrom } from './tuning';

export function writeResult(scenario: string, postgresVersion: string, figures: unknown): string {
  const dir = path.join(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  // The engine of the stacks this run measured (the --engine flag when it started none), and their CPU per process.
  const temporalEngine = stackRuns[0]?.engine ?? engineFrom(process.argv);
  const machine = {
    ...machineFacts(postgresVersion),
    temporalEngine,
    ...(stackRuns[0] ? { temporalServer: stackRuns[0].temporalServer, workers: stackRuns[0].workers } : {}),
  };
  fs.writeFileSync(
    file,
    `${JSON.stringify({ scenario, at: new Date().toISOString(), machine, ...(figures as object), stacks: stackRuns }, null, 2)}\n`,
  );
  return path.relative(process.cwd(), file);
}
