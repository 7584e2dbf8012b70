/**
 * The API request id carried into Temporal: the API runs each request inside `requestContext`,
 * and the client interceptor here copies its id into the `gongkai-request-id` header of every
 * workflow start, update and signal the request makes. The worker's interceptors
 * (worker/request-id-*.ts) put it on workflow and activity log lines. Headers are not sealed by
 * the payload codec; the id is a plain token (api/observability.ts), never personal data.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';

export const REQUEST_ID_HEADER = 'gongkai-request-id';

export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

function withRequestId(headers: Headers): Headers {
  const requestId = requestContext.getStore()?.requestId;
  return requestId ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } : headers;
}

/** For `new Client({ interceptors: { workflow: [requestIdClientInterceptor] } })` in processes that serve requests. */
export const requestIdClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startWithDetails: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdate: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdateWithStart: (input, next) =>
    next({ ...input, workflowStartHeaders: withRequestId(input.workflowStartHeaders), updateHeaders: withRequestId(input.updateHeaders) }),
  signal: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
};
