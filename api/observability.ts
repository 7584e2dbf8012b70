/**
 * Operations: Prometheus metrics (prom-client), structured JSON request logs (pino) with a
 * request id, and the product's own gauges read from the supervision tables at scrape time.
 *
 * Log lines carry the declared route pattern (`/api/applications/:caseNo/accept`), never the
 * raw URL or any body, so no applicant's personal data reaches a log.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/schema';
import { requestContext } from '../temporal-config/request-context';

export type { Logger } from 'pino';

/** The process's JSON logger (stdout); `GONGKAI_LOG_LEVEL` sets the level (default `info`, `silent` for none). */
export function createLogger(name: string, destination?: pino.DestinationStream, level = process.env.GONGKAI_LOG_LEVEL ?? 'info'): Logger {
  const options = { name, level, base: { process: name } };
  return destination ? pino(options, destination) : pino(options);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Request-Id` when it is a plain token, else a fresh UUID; echoed in the response. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    // Workflow starts, updates and signals made for this request carry the id (temporal-config/request-context.ts).
    requestContext.run({ requestId: id }, next);
  };
}

export interface ApiMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/** Route label: the declared path of the matched route, `unmatched` when none matched (404s). */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

/** How often the event-loop delay metrics (nodejs_eventloop_lag_*) take a sample, ms. */
const EVENT_LOOP_SAMPLE_MS = 100;

/** Counts and times every request by method, route pattern and status, and logs it as one JSON line. */
export function apiMetrics(logger: Logger, db: Kysely<Database>, options: { gaugeCacheMs?: number } = {}): ApiMetrics {
  const registry = new Registry();
  // The event-loop delay histogram samples every EVENT_LOOP_SAMPLE_MS: at prom-client's default
  // of 10 ms its timer alone cost the idle API about 5 ms of CPU a second (bench/README.md, "The
  // API's CPU per registration"); stalls of that length and more still show in it.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'gongkai_http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gongkai_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  supervisionGauges(registry, db, options.gaugeCacheMs ?? 10_000);
  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
      requests.inc(labels);
      duration.observe(labels, seconds);
      logger.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          route: labels.route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
        },
        'request',
      );
    });
    next();
  };
  return { registry, middleware };
}

/** Open clocks by status, overdue clocks and the outbox backlog, queried at most once per cacheMs. */
export function supervisionGauges(registry: Registry, db: Kysely<Database>, cacheMs: number): void {
  let cached: { at: number; value: Promise<SupervisionFigures> } | undefined;
  const figures = (): Promise<SupervisionFigures> => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const value = readSupervisionFigures(db);
      cached = { at: Date.now(), value };
      value.catch(() => (cached = undefined)); // a failed read is not cached
    }
    return cached.value;
  };
  new Gauge({
    name: 'gongkai_open_clocks',
    help: 'Open statutory clocks (case_clocks) by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const f = await figures();
      this.set({ status: 'running' }, f.running);
      this.set({ status: 'paused' }, f.paused);
    },
  });
  new Gauge({
    name: 'gongkai_overdue_clocks',
    help: 'Running clocks past their due time',
    registers: [registry],
    async collect() {
      this.set((await figures()).overdue);
    },
  });
  new Gauge({
    name: 'gongkai_outbox_backlog',
    help: 'Notifications in the outbox not yet delivered',
    registers: [registry],
    async collect() {
      this.set((await figures()).outbox);
    },
  });
}

interface SupervisionFigures {
  running: number;
  paused: number;
  overdue: number;
  outbox: number;
}

async function readSupervisionFigures(db: Kysely<Database>): Promise<SupervisionFigures> {
  const now = new Date();
  const [clocks, outbox] = await Promise.all([
    db
      .selectFrom('case_clocks')
      .select((eb) => [
        eb.fn.countAll<string>().filterWhere('status', '=', 'running').as('running'),
        eb.fn.countAll<string>().filterWhere('status', '=', 'paused').as('paused'),
        eb.fn
          .countAll<string>()
          .filterWhere((w) => w.and([w('status', '=', 'running'), w('due_at', '<', now)]))
          .as('overdue'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('delivered_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { running: Number(clocks.running), paused: Number(clocks.paused), overdue: Number(clocks.overdue), outbox: Number(outbox.n) };
}

/**
 * GET /metrics on the API port: only with `Authorization: Bearer <GONGKAI_METRICS_TOKEN>`;
 * without that variable the endpoint does not exist (404), so metrics are never public.
 */
export function metricsEndpoint(registry: Registry, token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!token) return next();
    const given = Buffer.from((req.get('authorization') ?? '').replace(/^Bearer\s+/i, ''));
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).json({ error: { code: 'unauthenticated', message: 'send Authorization: Bearer <GONGKAI_METRICS_TOKEN>' } });
      return;
    }
    registry
      .metrics()
      .then((text) => res.type(registry.contentType).send(text))
      .catch(next);
  };
}
