/**
 * Bench only, an experiment to measure, never for production: takes away two costs the Temporal
 * SDK (1.24) adds to every activation in its workflow thread, to see what each costs per case
 * (bench/README.md, "Where the worker's CPU goes"). The benchmark starts the worker with
 * `--require bench/lib/sdk-experiment.js` and GONGKAI_BENCH_SDK_EXPERIMENT set to a comma list:
 *
 * - `no-vm-timeout`: the sandbox is entered without the `timeout` the SDK passes on every call
 *   (isolateExecutionTimeout, 5 s), for which Node starts and joins a watchdog thread each time.
 *   A workflow stuck in a loop would then hang its thread instead of failing its task.
 * - `no-promise-hook`: `v8.promiseHooks.createHook` does nothing in worker threads. The SDK's
 *   hook captures a stack trace (`new Error().stack`, source-mapped) for every promise workflow
 *   code creates, for the `__stack_trace` query, which then answers with no stacks.
 *
 * Plain CommonJS: a `--require` preload also runs in each worker thread, before tsx.
 */
'use strict';
const vm = require('node:vm');
const v8 = require('node:v8');
const { isMainThread } = require('node:worker_threads');

const experiments = new Set((process.env.GONGKAI_BENCH_SDK_EXPERIMENT || '').split(',').filter(Boolean));

if (!isMainThread && experiments.has('no-vm-timeout')) {
  const runInContext = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (context, options) {
    if (options && options.timeout !== undefined) {
      const { timeout: _timeout, ...rest } = options;
      return runInContext.call(this, context, rest);
    }
    return runInContext.call(this, context, options);
  };
}

if (!isMainThread && experiments.has('no-promise-hook')) {
  v8.promiseHooks.createHook = () => () => {};
}
