/** Polls until `probe` returns something truthy: for effects a workflow writes after the step that caused them has returned. */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, what: string, { tries = 150, everyMs = 100 } = {}): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
