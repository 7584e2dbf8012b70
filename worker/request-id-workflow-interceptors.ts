/**
 * Workflow interceptors (bundled with the workflow code, so only @temporalio/workflow here):
 * the request id of the start, update or signal being handled (header `gongkai-request-id`, set
 * by temporal-config/request-context.ts in the API) goes on the workflow's log lines and on the
 * headers of the activities it schedules, where worker/request-id-activity-interceptors.ts
 * picks it up. Deterministic: the headers are in the history, so a replay sees the same ids.
 */
import { defaultPayloadConverter, type Headers, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

const HEADER = 'gongkai-request-id'; // = REQUEST_ID_HEADER (temporal-config/request-context.ts imports Node modules)

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Per workflow execution: the factory runs once for each.
  let requestId: string | undefined;
  const take = (headers: Headers) => {
    const payload = headers[HEADER];
    if (payload) requestId = defaultPayloadConverter.fromPayload<string>(payload);
  };
  const pass = (headers: Headers): Headers =>
    requestId ? { ...headers, [HEADER]: defaultPayloadConverter.toPayload(requestId) } : headers;
  return {
    inbound: [
      {
        execute: (input, next) => {
          take(input.headers);
          return next(input);
        },
        validateUpdate: (input, next) => {
          take(input.headers);
          next(input);
        },
        handleUpdate: (input, next) => {
          take(input.headers);
          return next(input);
        },
        handleSignal: (input, next) => {
          take(input.headers);
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next({ ...input, headers: pass(input.headers) }),
        scheduleLocalActivity: (input, next) => next({ ...input, headers: pass(input.headers) }),
        getLogAttributes: (input, next) => next(requestId ? { ...input, requestId } : input),
      },
    ],
  };
};
