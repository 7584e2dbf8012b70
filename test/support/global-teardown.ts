/**
 * Stops the PostgreSQL cluster if global-setup started it (a running `npm start` keeps its own),
 * unless another jest run is using it: one that is connected, or whose per-file test databases
 * still exist. Stopping it under a concurrent run turned every one of that run's requests into a 500.
 */
export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { __gongkaiCluster?: { adminUrl: string; stop(): void } }).__gongkaiCluster;
  if (!cluster) return;
  const { Client } = await import('pg');
  const client = new Client({ connectionString: cluster.adminUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ clients: number; databases: number }>(
      `select (select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid())::int as clients,
              (select count(*) from pg_database where datname like 'gk\\_test\\_%')::int as databases`,
    );
    if (rows[0]!.clients > 0 || rows[0]!.databases > 0) return;
  } catch {
    // Not reachable: stopping it below is harmless.
  } finally {
    await client.end().catch(() => undefined);
  }
  cluster.stop();
}
