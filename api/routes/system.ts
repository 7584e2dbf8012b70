/** Health (the caller's identity is in routes/auth.ts). */
import type { Client } from '@temporalio/client';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { type RouteTable, withStatus } from '../route';

const checkSchema = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });

async function timed(check: () => Promise<unknown>, timeoutMs = 3000): Promise<z.infer<typeof checkSchema>> {
  const started = Date.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, latencyMs: Date.now() - started };
  } catch (error) {
    return { ok: false, latencyMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

export function systemRoutes(routes: RouteTable, deps: { db: Kysely<Database>; temporal: Client; namespace: string }): void {
  routes.add({
    method: 'get',
    path: '/healthz',
    summary: 'Reachability of the API, PostgreSQL and Temporal',
    tags: ['system'],
    roles: 'public',
    response: {
      status: 200,
      description: 'all reachable (503 with the same body when one is not)',
      schema: z.object({
        status: z.enum(['ok', 'degraded']),
        checks: z.object({ api: checkSchema, database: checkSchema, temporal: checkSchema.extend({ namespace: z.string() }) }),
      }),
    },
    handler: async () => {
      const [database, temporal] = await Promise.all([
        timed(() => sql`select 1`.execute(deps.db)),
        timed(() => deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace })),
      ]);
      const ok = database.ok && temporal.ok;
      const body = {
        status: ok ? 'ok' : 'degraded',
        checks: { api: { ok: true, latencyMs: 0 }, database, temporal: { ...temporal, namespace: deps.namespace } },
      };
      return withStatus(ok ? 200 : 503, body);
    },
  });

  routes.add({
    method: 'get',
    path: '/livez',
    summary: 'Liveness: the API process is up (checks no dependency)',
    tags: ['system'],
    roles: 'public',
    response: { status: 200, description: 'the process answers', schema: z.object({ status: z.literal('ok') }) },
    handler: async () => ({ status: 'ok' as const }),
  });
  routes.add({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: PostgreSQL and Temporal answer; 503 naming the dependencies that do not',
    tags: ['system'],
    roles: 'public',
    response: {
      status: 200,
      description: 'ready (503 with the same body, `down` naming postgresql and/or temporal, when not)',
      schema: z.object({
        status: z.enum(['ready', 'unready']),
        down: z.array(z.enum(['postgresql', 'temporal'])),
        checks: z.object({ postgresql: checkSchema, temporal: checkSchema }),
      }),
    },
    handler: async () => {
      const { ok, body } = await readiness(deps);
      return withStatus(ok ? 200 : 503, body);
    },
  });
}

/** PostgreSQL and Temporal reachable; shared by the API's /readyz and the worker's. */
export async function readiness(deps: { db: Kysely<Database>; temporal: Client; namespace: string }, timeoutMs = 3000) {
  const [postgresql, temporal] = await Promise.all([
    timed(() => sql`select 1`.execute(deps.db), timeoutMs),
    timed(() => deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace }), timeoutMs),
  ]);
  const down = [...(postgresql.ok ? [] : ['postgresql' as const]), ...(temporal.ok ? [] : ['temporal' as const])];
  return {
    ok: down.length === 0,
    body: { status: down.length === 0 ? ('ready' as const) : ('unready' as const), down, checks: { postgresql, temporal } },
  };
}
