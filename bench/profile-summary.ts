/**
 * Where a worker's or the API's CPU goes, from the profiles `node --cpu-prof` wrote (bench/README.md,
 * "Where the worker's CPU goes", "The API's CPU per registration"):
 * `npx tsx bench/profile-summary.ts <dir> [registrations]`.
 *
 * Each thread's profile (main thread: activities and the SDK's plumbing; the SDK's workflow
 * thread: activations in the workflow sandbox) is summarised twice: by what the time was spent
 * for (the first rule that matches the sample's stack), and by where it was spent (the leaf
 * frame's package or project file; in the workflow bundle, the bundled module the line falls in).
 * With a registration count, milliseconds per registration too.
 *
 * The API's profile (the one that ran api/main.ts) has rules of its own, and its start-up (the
 * samples before its HTTP server took the first request) is left out, as the benchmark's CPU figure
 * leaves it out.
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Line → module of a webpack bundle (`/***\/ "path"` marks each module). */
const bundles = new Map<string, Array<[number, string]>>();
function bundleModule(url: string, line: number): string {
  let marks = bundles.get(url);
  if (!marks) {
    marks = [];
    try {
      const lines = fs.readFileSync(new URL(url), 'utf8').split('\n');
      lines.forEach((text, i) => {
        const m = /^\/\*\*\*\/ "(.+)"/.exec(text);
        if (m) marks!.push([i, m[1]!]);
      });
    } catch {
      // bundle gone: one bucket
    }
    bundles.set(url, marks);
  }
  let found = 'bundle (runtime)';
  for (const [at, name] of marks) {
    if (at > line) break;
    found = name;
  }
  return found
    .replace(/^(\.\.\/main\/|\.\/)/, '')
    .replace(/^node_modules\/((@[^/]+\/)?[^/]+)\/.*/, '$1 (bundled)')
    .replace(/^((@[^/]+\/)?[^/]+) \(bundled\)$/, '$1 (bundled)');
}

/** Where a frame is: a package, a project file, a bundled module, or V8's own buckets. */
function location(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName || '(anonymous)'}`;
  if (url.includes('workflow-bundle')) return `bundle: ${bundleModule(url, frame.lineNumber)}`;
  const nm = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const project = /\/(activities|workflows|domain|db|api|worker|temporal-config|bench)\/(.+)$/.exec(url);
  if (project) return `${project[1]}/${project[2]}`;
  return url.length > 60 ? `…${url.slice(-60)}` : url;
}

type Rule = [string, (frames: CallFrame[]) => boolean];
const any = (frames: CallFrame[], test: (f: CallFrame) => boolean) => frames.some(test);
const inUrl =
  (...parts: string[]) =>
  (f: CallFrame) =>
    parts.some((p) => f.url.includes(p));
const leafIs = (name: string) => (frames: CallFrame[]) => frames[0]?.functionName === name && !frames[0].url;

/** What the time was for: the first rule whose test matches the sample's stack (leaf first). */
const RULES: Rule[] = [
  ['idle', leafIs('(idle)')],
  ['GC', leafIs('(garbage collector)')],
  ['V8 outside JS ((program): compiling, runtime calls)', leafIs('(program)')],
  [
    'SDK: stack trace captured per workflow promise (its promise hook)',
    (s) =>
      any(s, (f) => f.url.includes('node:internal/promise_hooks') || (f.url.includes('/workflow/vm-shared') && f.functionName === 'init')),
  ],
  [
    'SDK: entering the sandbox (runInContext own time, with a watchdog thread per call)',
    (s) => s[0]?.functionName === 'runInContext' && !s[0].url,
  ],
  ['PDF notice rendering (pdfkit, fontkit, restructure)', (s) => any(s, inUrl('/pdfkit/', '/fontkit/', '/restructure/', 'notice-pdf.ts'))],
  ['workflow code in the sandbox (bundle)', (s) => any(s, inUrl('workflow-bundle', 'evalmachine'))],
  ['payload codec (temporal-config/codec.ts)', (s) => any(s, inUrl('temporal-config/codec'))],
  ['PostgreSQL client (pg, kysely)', (s) => any(s, inUrl('/pg/', '/pg-protocol/', '/pg-pool/', '/kysely/'))],
  ['activity code (activities/, domain/, db/)', (s) => any(s, inUrl('/activities/', '/domain/', '/db/'))],
  ['SDK: protobuf encode/decode', (s) => any(s, inUrl('/protobufjs/', '/@temporalio/proto/'))],
  ['SDK: workflow thread (activation plumbing)', (s) => any(s, inUrl('/@temporalio/worker/lib/workflow/'))],
  ['SDK: worker main thread (pollers, activity/workflow plumbing)', (s) => any(s, inUrl('/@temporalio/', '/rxjs/'))],
  ['logging (pino)', (s) => any(s, inUrl('/pino'))],
  ['source maps (error stacks)', (s) => any(s, inUrl('source_map', '/source-map'))],
  ['module loading (start-up)', (s) => any(s, inUrl('modules/cjs/loader', 'modules/esm', '/tsx/'))],
  ['other', () => true],
];

/** The API process's purposes: the same idea, for an Express server that calls PostgreSQL and Temporal's client. */
const API_RULES: Rule[] = [
  ['idle', leafIs('(idle)')],
  ['GC', leafIs('(garbage collector)')],
  ['V8 outside JS ((program): compiling, runtime calls)', leafIs('(program)')],
  [
    // The leaf only: every native callback enters JS through async_hooks' callbackTrampoline.
    'async hooks (AsyncLocalStorage: a hook on every promise while one is in use)',
    (s) =>
      s[0] !== undefined &&
      s[0].functionName !== 'callbackTrampoline' &&
      inUrl('node:async_hooks', 'node:internal/async_hooks', 'node:internal/async_local_storage')(s[0]),
  ],
  ['payload codec (temporal-config/codec.ts)', (s) => any(s, inUrl('temporal-config/codec'))],
  [
    'Temporal client (@temporalio/client, gRPC, protobuf)',
    (s) => any(s, inUrl('/@temporalio/', '/@grpc/', '/protobufjs/', '/@protobufjs/', '/long/')),
  ],
  ['PostgreSQL client (pg, kysely)', (s) => any(s, inUrl('/pg/', '/pg-protocol/', '/pg-pool/', '/kysely/'))],
  ['request validation (zod)', (s) => any(s, inUrl('/zod/'))],
  ['logging (pino)', (s) => any(s, inUrl('/pino', '/sonic-boom/', 'fast-redact', 'safe-stable-stringify'))],
  ['metrics (prom-client)', (s) => any(s, inUrl('/prom-client/'))],
  ['security headers (helmet)', (s) => any(s, inUrl('/helmet/'))],
  ['source maps (error stacks)', (s) => any(s, inUrl('source_map', '/source-map'))],
  [
    'our code (api/, domain/, db/, temporal-config/, activities/)',
    (s) => any(s, inUrl('/api/', '/domain/', '/db/', '/temporal-config/', '/activities/')),
  ],
  [
    'HTTP server (express, router, body-parser, node http/net)',
    (s) =>
      any(
        s,
        inUrl(
          '/express/',
          '/router/',
          '/body-parser/',
          'node:_http',
          'node:net',
          'node:internal/http',
          'node:internal/stream',
          'node:stream',
        ),
      ),
  ],
  ['other', () => true],
];

function summarise(file: string, registrations: number | null): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const isApi = profile.nodes.some((n) => n.callFrame.url.endsWith('/api/main.ts'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = new Map<number, CallFrame[]>();
  const stack = (id: number): CallFrame[] => {
    let s = stackOf.get(id);
    if (!s) {
      s = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)!.callFrame;
        if (frame.functionName !== '(root)') s.push(frame);
      }
      stackOf.set(id, s);
    }
    return s;
  };
  const forWhat = new Map<string, number>();
  const where = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  const rules = isApi ? API_RULES : RULES;
  // The API's start-up ends when its HTTP server takes the first request (the stack's readiness check).
  let started = !isApi;
  const reachesRoute = (frames: CallFrame[]) => frames.some((f) => f.url === 'node:_http_server');
  // A sample stands for the time since the one before. On a loaded machine a thread waits for a
  // core now and then, and one sample then stands for tens of milliseconds nobody ran: each counts
  // for at most four of the profile's typical (median) intervals.
  const intervals = profile.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  const capUs = 4 * (intervals[Math.floor(intervals.length / 2)] ?? 1000);
  let cappedMs = 0;
  profile.samples.forEach((id, i) => {
    const rawMs = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const ms = Math.min(rawMs, capUs / 1000);
    const frames = stack(id);
    if (!started && !reachesRoute(frames)) return;
    cappedMs += rawMs - ms;
    started = true;
    const rule = rules.find(([, test]) => test(frames))![0];
    forWhat.set(rule, (forWhat.get(rule) ?? 0) + ms);
    if (rule === 'idle') return;
    busy += ms;
    const leaf = frames[0]!;
    const loc = location(leaf);
    where.set(loc, (where.get(loc) ?? 0) + ms);
    const fn = `${leaf.functionName || '(anonymous)'} ${loc}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  });
  const wall = (profile.endTime - profile.startTime) / 1000;
  if (busy < 0.01 * wall) {
    console.log(`\n${path.basename(file)}: ${Math.round(busy)} ms busy of ${Math.round(wall / 1000)} s (idle thread, skipped)`);
    return;
  }
  const fmt = (ms: number) =>
    `${(ms / 1000).toFixed(1).padStart(7)} s ${((ms / busy) * 100).toFixed(1).padStart(5)} %${
      registrations ? `${(ms / registrations).toFixed(1).padStart(8)} ms/reg` : ''
    }`;
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .filter(([, v]) => v >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${fmt(v)}  ${k}`)
      .join('\n');
  forWhat.delete('idle');
  console.log(
    `\n${path.basename(file)}${isApi ? ' (the API, from its first request)' : ''}: ${(busy / 1000).toFixed(1)} s on CPU (sampled) over ${(wall / 1000).toFixed(0)} s; ${(cappedMs / 1000).toFixed(1)} s of waits for a core left out`,
  );
  console.log(`by purpose:\n${top(forWhat, 20)}`);
  console.log(`by place (leaf frame):\n${top(where, 20)}`);
  console.log(`top functions (self):\n${top(functions, 15)}`);
}

const [dir, count] = process.argv.slice(2);
if (!dir) {
  console.error('usage: npx tsx bench/profile-summary.ts <dir of .cpuprofile files> [registrations]');
  process.exit(2);
}
for (const file of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort())
  summarise(path.join(dir, file), count ? Number(count) : null);
