/**
 * Steps answer only {seq, stage} (lean updates); tests read the case after a step with the
 * kind's state query. The query may already include what a clock due at once did right after
 * the step (a long-past expiry), so its seq is at least the step's.
 */
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { StepResult } from '../../workflows/runtime/case-runtime';

export async function stepThenRead<S extends { seq: number }, P>(
  handle: WorkflowHandle,
  update: UpdateDefinition<StepResult, [P]>,
  payload: P,
  query: QueryDefinition<S>,
): Promise<S> {
  const result = await handle.executeUpdate(update, { args: [payload] });
  expect(result).toEqual({ seq: expect.any(Number), stage: expect.any(String) });
  const state = await handle.query(query);
  expect(state.seq).toBeGreaterThanOrEqual(result.seq);
  return state;
}

/** Waits for the registration gate, then reads the case. */
export async function registeredState<S>(
  handle: WorkflowHandle,
  gate: UpdateDefinition<StepResult, []>,
  query: QueryDefinition<S>,
): Promise<S> {
  await handle.executeUpdate(gate);
  return handle.query(query);
}
