/** What every case's action endpoints share: who acts, and how a refused step reads. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../domain/application/types';
import type { User } from '../db/repositories/users';

export function actorOf(user: User): Actor {
  return { userId: user.id, username: user.username, displayName: user.displayName, role: user.role, departmentCode: user.departmentCode };
}

/** A refused step comes back as a failed update: the validator's reason, or ActionRefused. */
export function refusalOf(error: unknown): string | null {
  if (!(error instanceof WorkflowUpdateFailedError)) return null;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) return cause.message;
  return cause?.message ?? error.message;
}
