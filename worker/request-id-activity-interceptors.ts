/** Activity side of the request id (see worker/request-id-workflow-interceptors.ts): on each activity's log lines. */
import type { Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { REQUEST_ID_HEADER } from '../temporal-config/request-context';

export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('./request-id-workflow-interceptors')];

export function requestIdActivityInterceptors(_context: Context): ActivityInterceptors {
  let requestId: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        const payload = input.headers[REQUEST_ID_HEADER];
        if (payload) requestId = defaultPayloadConverter.fromPayload<string>(payload);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (input, next) => next(requestId ? { ...input, requestId } : input),
    },
  };
}
