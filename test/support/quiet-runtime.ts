/** Keeps Temporal's worker logs to warnings so test output shows what failed. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
