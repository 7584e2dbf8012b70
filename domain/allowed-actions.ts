/**
 * Which steps a case allows now, for any kind: each step's own check (the function its
 * workflow runs) asked with plausible payloads built from the case (today's date, the first
 * unanswered consultation, the level the user's role signs …). A step with no plausible
 * payload (nothing to act on) is not offered. The workflow still decides each step with the
 * real payload. Pure module.
 */

/** Plausible payloads for one step, from the case; none means nothing to act on. */
export type Probe<S> = (state: S) => Array<Record<string, unknown>>;

/** A step that needs nothing from the case is probed with an empty payload. */
const nothingNeeded = (): Array<Record<string, unknown>> => [{}];

export function allowedBy<S, A extends string>(
  actions: readonly A[],
  probes: Partial<Record<A, Probe<S>>>,
  refusal: (action: A, state: S, payload: Record<string, unknown>) => string | null,
  state: S,
): A[] {
  return actions.filter((action) => (probes[action] ?? nothingNeeded)(state).some((payload) => refusal(action, state, payload) === null));
}

/** The workflow's step name of a URL segment: `review-secrecy` → `reviewSecrecy`. */
export const stepNameOf = (urlName: string): string => urlName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
