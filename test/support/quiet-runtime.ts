/** Keeps Temporal's worker logs to warnings, and the API's request logs off, so test output shows what failed. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
process.env.GONGKAI_LOG_LEVEL ??= 'silent';
