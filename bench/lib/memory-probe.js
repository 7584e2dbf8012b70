/**
 * Bench only: the worker's heap, every thread of it, after a full GC. The benchmark starts the
 * worker as `node --expose-gc --require bench/lib/memory-probe.js …` with
 * GONGKAI_BENCH_MEMORY_PROBE_PORT set. A `--require` preload also runs in each worker thread
 * the process starts, so it runs in the Temporal SDK's workflow thread (where the cached
 * workflows live, one V8 isolate with `reuseV8Context`) as well as in the main thread.
 *
 * GET http://127.0.0.1:<port>/memory asks every thread over a BroadcastChannel to run `gc()`
 * and report `v8.getHeapStatistics()`, does the same in the main thread, and answers
 * `{ threads: [{ threadId, usedHeapBytes, totalHeapBytes, externalBytes }], rssBytes }`.
 * Plain CommonJS: a `--require` preload in a worker thread runs before (and without) tsx.
 */
'use strict';
const http = require('node:http');
const v8 = require('node:v8');
const { isMainThread, threadId, BroadcastChannel } = require('node:worker_threads');

const CHANNEL = 'gongkai-bench-memory-probe';

function measure() {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc(); // a second pass collects what the first one's finalizers released
  }
  const heap = v8.getHeapStatistics();
  return {
    threadId,
    gc: typeof globalThis.gc === 'function',
    usedHeapBytes: heap.used_heap_size,
    totalHeapBytes: heap.total_heap_size,
    externalBytes: heap.external_memory,
  };
}

const port = Number(process.env.GONGKAI_BENCH_MEMORY_PROBE_PORT || 0);
if (port > 0) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  if (!isMainThread) {
    channel.onmessage = (event) => {
      if (event.data && event.data.type === 'measure') channel.postMessage({ type: 'heap', id: event.data.id, ...measure() });
    };
  } else {
    let next = 0;
    // Threads seen answering so far: a later reading waits (up to 20 s) until as many answer, since
    // the workflow thread answers only between activations and may be busy for a while.
    let threadsSeen = 0;
    const server = http.createServer((req, res) => {
      if (req.url !== '/memory') return res.writeHead(404).end();
      const id = ++next;
      const threads = [];
      const onMessage = (event) => {
        if (event.data && event.data.type === 'heap' && event.data.id === id) threads.push(event.data);
      };
      channel.addEventListener('message', onMessage);
      channel.postMessage({ type: 'measure', id });
      const started = Date.now();
      const answer = () => {
        if (threads.length < threadsSeen && Date.now() - started < 20000) return setTimeout(answer, 250);
        threadsSeen = Math.max(threadsSeen, threads.length);
        channel.removeEventListener('message', onMessage);
        const main = measure();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ threads: [main, ...threads.map(({ type: _t, id: _i, ...t }) => t)], rssBytes: process.memoryUsage().rss }),
        );
      };
      setTimeout(answer, 1500);
    });
    server.listen(port, '127.0.0.1');
    server.unref();
  }
}
