/**
 * One message to an applicant (`notice-dispatch-<caseNo>-<eventSeq>-<channel>`): send it,
 * retrying with backoff for as long as the server or provider is down, then record the
 * e-mail's delivery on the case. A message that can never go out ends here; its row says why.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NoticeDispatchInput } from '../activities/applicant-messages';

export async function noticeDispatch(input: NoticeDispatchInput): Promise<'sent' | 'superseded' | 'failed'> {
  const { sendApplicantMessage } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    // No attempt limit: a mail server down for a day still gets the message once it is back.
    retry: {
      initialInterval: input.retry?.initialInterval ?? '30 seconds',
      maximumInterval: input.retry?.maximumInterval ?? '30 minutes',
      backoffCoefficient: 2,
      nonRetryableErrorTypes: ['MessageUndeliverable'],
    },
  });
  const { recordApplicantMessageDelivery } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: input.retry?.initialInterval ?? '5 seconds',
      maximumInterval: input.retry?.maximumInterval ?? '10 minutes',
      backoffCoefficient: 2,
    },
  });
  let sent;
  try {
    sent = await sendApplicantMessage({ messageId: input.messageId });
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'MessageUndeliverable')
      return 'failed';
    throw error;
  }
  if (sent.status === 'sent' && sent.recordsDelivery) await recordApplicantMessageDelivery({ messageId: input.messageId });
  return sent.status;
}

/** The sweep: starts the dispatch of queued messages whose start was lost between a commit and the start. */
export async function applicantMessageSweep(input: { minAgeSeconds?: number } = {}): Promise<number> {
  const { dispatchQueuedApplicantMessages } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes' });
  return dispatchQueuedApplicantMessages(input);
}
