#!/usr/bin/env node
// Obtains the Temporal server and its SQL schema tool for the "postgres" engine from the Go
// module proxy, as registry packages (no GitHub downloads): `go install` of
// go.temporal.io/server/cmd/server and cmd/tools/sql, pinned to the version the dev server
// embeds, into .data/bin under versioned names. Skips the build when both are there. The module
// needs a newer Go than the machine's: GOTOOLCHAIN names the approved toolchain, which the go
// command itself fetches from the module proxy. First build: about 7 minutes on 2 cores.
// Run: node scripts/temporal-server.mjs   (bootstrap.mjs calls ensureTemporalServer()).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN_DIR = path.join(ROOT, '.data', 'bin');
// Keep in step with TEMPORAL_SERVER_VERSION in temporal-config/postgres-server.ts.
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
export const GO_TOOLCHAIN = 'go1.27.3';
const MODULE = 'go.temporal.io/server';

export const serverBinary = path.join(BIN_DIR, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
export const sqlToolBinary = path.join(BIN_DIR, `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`);

const log = (message) => console.log(`[temporal-server] ${message}`);

/** `go` on PATH, else the usual install location (a non-login shell may lack /usr/local/go/bin). */
function goCommand() {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, 'go')));
  if (onPath) return 'go';
  if (fs.existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error(
    'the go command is needed to build the Temporal server (go install from the Go module proxy): install Go, or set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH',
  );
}

function goInstall(pkg, target) {
  // A private GOBIN per build, so a half-written binary never takes the final name.
  const gobin = fs.mkdtempSync(path.join(BIN_DIR, '.go-install-'));
  try {
    const started = Date.now();
    log(`go install ${MODULE}/${pkg}@${TEMPORAL_SERVER_VERSION} (GOTOOLCHAIN=${GO_TOOLCHAIN})…`);
    const result = spawnSync(goCommand(), ['install', `${MODULE}/${pkg}@${TEMPORAL_SERVER_VERSION}`], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: gobin, GOTOOLCHAIN: GO_TOOLCHAIN },
    });
    if (result.status !== 0)
      throw new Error(`go install ${MODULE}/${pkg}@${TEMPORAL_SERVER_VERSION} failed (${result.status ?? result.error})`);
    fs.renameSync(path.join(gobin, path.basename(pkg)), target);
    log(`${path.relative(ROOT, target)} built in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
}

/** Both binaries, built once; returns their paths. */
export function ensureTemporalServer() {
  const { TEMPORAL_SERVER_PATH: server, TEMPORAL_SQL_TOOL_PATH: sqlTool } = process.env;
  if (server && sqlTool && fs.existsSync(server) && fs.existsSync(sqlTool)) return { server, sqlTool };
  fs.mkdirSync(BIN_DIR, { recursive: true });
  if (!fs.existsSync(serverBinary)) goInstall('cmd/server', serverBinary);
  if (!fs.existsSync(sqlToolBinary)) goInstall('cmd/tools/sql', sqlToolBinary);
  return { server: serverBinary, sqlTool: sqlToolBinary };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { server, sqlTool } = ensureTemporalServer();
    log(`server: ${server}`);
    log(`schema tool: ${sqlTool}`);
  } catch (error) {
    console.error(`[temporal-server] ${error.message}`);
    process.exit(1);
  }
}
