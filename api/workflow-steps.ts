/** What every case's endpoints share: who acts, how a case's workflow starts, how a refused step reads. */
import { randomUUID } from 'node:crypto';
import {
  type Client,
  ServiceError,
  WithStartWorkflowOperation,
  type WorkflowStartOptions,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import {
  ApplicationFailure,
  type UpdateDefinition,
  type Workflow,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import type { Actor } from '../domain/application/types';
import { stepNameOf } from '../domain/allowed-actions';
import type { Role } from '../domain/roles';
import type { User } from '../db/repositories/users';
import { ApiError } from './errors';

export function actorOf(user: User): Actor {
  return { userId: user.id, username: user.username, displayName: user.displayName, role: user.role, departmentCode: user.departmentCode };
}

/**
 * URL names of the steps `viewer` may take on a case now: each step's roles and own-department
 * rule, and the steps the case's state allows (each kind's allowed-actions.ts in domain/).
 */
export function offeredSteps(
  steps: ReadonlyArray<{ name: string; stepName?: string; roles: readonly Role[]; ownDepartment?: boolean }>,
  viewer: User,
  caseDepartment: string | null,
  allowed: readonly string[],
): string[] {
  const allowedNow = new Set(allowed);
  return steps
    .filter(
      (step) =>
        step.roles.includes(viewer.role) &&
        !(step.ownDepartment && viewer.role === 'department' && caseDepartment !== viewer.departmentCode),
    )
    .filter((step) => allowedNow.has(step.stepName ?? stepNameOf(step.name)))
    .map((step) => step.name);
}

/** A refused step comes back as a failed update: the validator's reason, or ActionRefused. */
export function refusalOf(error: unknown): string | null {
  if (!(error instanceof WorkflowUpdateFailedError)) return null;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) return cause.message;
  return cause?.message ?? error.message;
}

/**
 * How long a step waits for Temporal by default (GONGKAI_STEP_DEADLINE_MS). Not shorter: a step
 * in flight when the Temporal server is killed completes, once it is back, in up to ~11 s
 * (crash test); cut before, the client's retry can meet a projection that already shows the
 * step while Temporal never took it (docs/production.md, "Measured on the project's postgres engine").
 */
export const DEFAULT_STEP_DEADLINE_MS = 60_000;

/**
 * How long a step's calls to Temporal may take before the step answers 503: from
 * `GONGKAI_STEP_DEADLINE_MS` (read at each call), 60 s unset. Without a deadline a call to a
 * Temporal that accepts the connection but does not answer waits for ever, and the request's
 * Idempotency-Key stays claimed until its 2 minutes run out.
 */
export function stepDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GONGKAI_STEP_DEADLINE_MS;
  if (raw === undefined || raw === '') return DEFAULT_STEP_DEADLINE_MS;
  const ms = Number(raw);
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new Error(`GONGKAI_STEP_DEADLINE_MS must be a positive number of milliseconds, got ${raw}`);
  return ms;
}

/** Runs `call` with every Temporal request in it bounded by one step deadline from now. */
function withinStepDeadline<R>(temporal: Client, call: () => Promise<R>): Promise<R> {
  return temporal.withDeadline(Date.now() + stepDeadlineMs(), call);
}

/**
 * Sends one step as an update; a refusal becomes 409 with the reason, no answer within the
 * step deadline a 503 (see stepFailure). `updateId`, from the request's Idempotency-Key
 * (idempotency.ts `requestUpdateId`), makes the client's retry the same update to Temporal:
 * taken once, whether the first attempt's answer or its idempotency record was lost.
 */
export async function sendStep<S>(
  temporal: Client,
  workflowId: string,
  update: UpdateDefinition<S, [any]>,
  payload: object,
  updateId?: string,
): Promise<void> {
  try {
    await withinStepDeadline(temporal, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(update, { args: [payload], ...(updateId ? { updateId } : {}) }),
    );
  } catch (error) {
    throw stepFailure(error);
  }
}

/**
 * What a failed step answers: the workflow's refusal, or a case closed between our read and
 * the update, is a 409 with the reason; Temporal overloaded or unreachable (its answer did not
 * come in time) is a 503 the client may retry after reading the case, since the step may have
 * landed; anything else stays an error of ours (500).
 */
export function stepFailure(error: unknown): unknown {
  const refusal = refusalOf(error);
  if (refusal !== null) return new ApiError(409, 'conflict', refusal);
  if (error instanceof WorkflowNotFoundError) return new ApiError(409, 'conflict', '已办结，不能再办理');
  if (error instanceof ServiceError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(
      503,
      'temporal_unavailable',
      'Temporal did not answer in time: the step may or may not have been taken; read the case before sending it again',
      [],
      5,
    );
  }
  return error;
}

/** The memo field that tells which request started a case's workflow. */
const START_ATTEMPT = 'startAttempt';

export interface CaseStart<W extends Workflow> {
  workflow: W;
  /** The start options; the id policies and the memo are this module's. */
  options: Omit<WorkflowStartOptions<W>, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy' | 'memo'>;
  /** The workflow's update that returns once its intake is persisted. */
  awaitRegistration: UpdateDefinition<any, []>;
  /** The case in messages, e.g. "case 2026-000123". */
  label: string;
}

/**
 * Starts a case's workflow under a number this request has just drawn, and waits until its
 * intake is persisted.
 *
 * A start can reach the server while its answer does not come back: under load the server
 * gives up waiting on its store after it wrote, and the SDK retries, which then meets the
 * workflow it has just started as "already started". Reported as a failure, the client's
 * retry would register the same intake again under a new number. So when the outcome is in
 * doubt, the workflow found under the id is asked which request started it (a memo written
 * with the start), and if it was this one the request goes on as if the first answer had come.
 */
export async function startCase<W extends Workflow>(temporal: Client, start: CaseStart<W>): Promise<void> {
  const attempt = randomUUID();
  const operation = new WithStartWorkflowOperation(start.workflow, {
    ...start.options,
    memo: { [START_ATTEMPT]: attempt },
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  } as WorkflowStartOptions<W> & { workflowIdConflictPolicy: 'FAIL' });
  try {
    await withinStepDeadline(temporal, () =>
      temporal.workflow.executeUpdateWithStart(start.awaitRegistration, { startWorkflowOperation: operation }),
    );
    return;
  } catch (error) {
    const inDoubt =
      error instanceof WorkflowExecutionAlreadyStartedError ||
      error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      error instanceof ServiceError;
    if (!inDoubt) throw error;
    // The lookup and the wait for the intake share a second step deadline.
    await withinStepDeadline(temporal, async () => {
      const handle = temporal.workflow.getHandle(start.options.workflowId);
      let startedBy: unknown;
      try {
        startedBy = (await handle.describe()).memo?.[START_ATTEMPT];
      } catch (lookup) {
        if (lookup instanceof WorkflowNotFoundError && !(error instanceof WorkflowExecutionAlreadyStartedError))
          throw new ApiError(
            503,
            'temporal_unavailable',
            `Temporal did not start ${start.label}; nothing was registered, the request may be sent again`,
          );
        // Temporal cannot say either way: the first failure stands (a 503 if Temporal did not answer).
        throw startInDoubt(error, start.label);
      }
      if (startedBy !== attempt) throw new ApiError(409, 'conflict', `${start.label} already exists`);
      try {
        await handle.executeUpdate(start.awaitRegistration);
      } catch (wait) {
        throw startInDoubt(wait, start.label);
      }
    });
  }
}

/** A start Temporal did not answer in time is a 503; its case may exist, under the number drawn. */
function startInDoubt(error: unknown, label: string): unknown {
  if (!(error instanceof ServiceError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) return error;
  return new ApiError(
    503,
    'temporal_unavailable',
    `Temporal did not answer in time: ${label} may or may not have been registered; look for it before sending the request again`,
    [],
    5,
  );
}
