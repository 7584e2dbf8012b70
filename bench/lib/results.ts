/** Where figures go: a JSON file per run under bench/results/, with the machine's facts. */
import fs from 'node:fs';
import path from 'node:path';
import { machineFacts } from './machine';

export function writeResult(scenario: string, postgresVersion: string, figures: unknown): string {
  const dir = path.join(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ scenario, at: new Date().toISOString(), machine: machineFacts(postgresVersion), ...(figures as object) }, null, 2)}\n`);
  return path.relative(process.cwd(), file);
}
