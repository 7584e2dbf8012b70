/** Stops the PostgreSQL cluster if global-setup started it (a running `npm start` keeps its own). */
export default async function globalTeardown(): Promise<void> {
  (globalThis as { __gongkaiCluster?: { stop(): void } }).__gongkaiCluster?.stop();
}
