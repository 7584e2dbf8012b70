/** Builds the Express app from injected clients; nothing here opens connections itself. */
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Kysely } from 'kysely';
import { AgencyStore } from '../db/repositories/agency';
import { CalendarStore } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import { type AgencyConfig, agencyFromEnv } from '../domain/agency';
import type { EncryptionCodec } from '../temporal-config/codec';
import { FileStore as CaseFileStore } from '../db/files/store';
import { TASK_QUEUE } from '../temporal-config/connection';
import { bearerAuthenticator } from './auth';
import { securityHeaders } from './security-headers';
import { auditIdentityEvents } from './identity/audit';
import { type IdentityConfig, identityConfigFromEnv } from './identity/config';
import { type IdentityRuntime, sessionOrBearerAuthenticator } from './identity/session-auth';
import { idempotency } from './idempotency';
import { type RateLimits, rateLimiters, rateLimitsFromEnv } from './rate-limits';
import { assertMatchesAuthorizationMatrix } from './authorization';
import { consoleRouter, portalRouter } from './console';
import { ApiError, errorHandler } from './errors';
import { RouteTable } from './route';
import { adminHistoryRoutes } from './routes/admin-history';
import { administrationRoutes } from './routes/administration';
import { auditRoutes } from './routes/audit';
import { applicationRoutes } from './routes/applications';
import { calendarRoutes } from './routes/calendar';
import { codecCors, codecRoutes } from './routes/codec';
import { disputeRoutes } from './routes/disputes';
import { reportRoutes } from './routes/reports';
import { feeRoutes } from './routes/fees';
import { incidentRoutes } from './routes/incidents';
import { messageRoutes } from './routes/messages';
import { documentRoutes } from './routes/documents';
import { rulesetRoutes } from './routes/rulesets';
import { supervisionRoutes } from './routes/supervision';
import { tokenRoutes } from './routes/tokens';
import { authRoutes } from './routes/auth';
import { ssoRoutes } from './routes/sso';
import { type OidcSettings, oidcSettingsFromEnv } from './identity/oidc';
import { systemRoutes } from './routes/system';
import { fileRoutes } from './routes/files';
import { publicRoutes } from './routes/public';
import { PortalGuard, type PortalSettings, portalSettingsFromEnv, publicRequestGuard } from './routes/public-guard';
import { apiMetrics, createLogger, type Logger, metricsEndpoint, requestId } from './observability';

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  namespace: string;
  /** Task queue new case workflows are started on. */
  taskQueue?: string;
  agency?: AgencyConfig;
  calendar?: CalendarStore;
  /** The payload codec the workers use; serves /codec for authorised users when present. */
  codec?: EncryptionCodec;
  /** Requests per minute per token and per IP; from the environment by default. */
  rateLimits?: RateLimits;
  /** Sign-in rules (default: the environment, api/identity/config.ts), the clock they run on, and a hook for each sign-in event (default: the audit log). */
  identity?: { config?: Partial<IdentityConfig>; now?: () => Date; onEvent?: IdentityRuntime['onEvent'] };
  /** Single sign-on (OpenID Connect): default from GONGKAI_OIDC_* (api/identity/oidc.ts); null turns it off. */
  oidc?: OidcSettings | null;
  /** JSON request log (default: pino on stdout, api/observability.ts). */
  logger?: Logger;
  /** Bearer key that opens GET /metrics (default GONGKAI_METRICS_TOKEN; none: no /metrics). */
  metricsToken?: string;
  /** Case files (db/files/store.ts); default: sealed with `codec`'s keys, GONGKAI_FILE_MAX_BYTES. */
  files?: CaseFileStore;
  /** The citizen portal's challenge difficulty, limits and sizes (default: the environment, api/routes/public-guard.ts). */
  portal?: Partial<PortalSettings>;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c
  app.use(securityHeaders()); // helmet; the console sets its own content security policy
  // Request id (X-Request-Id in and out), one JSON log line and Prometheus figures per request.
  const metrics = apiMetrics(deps.logger ?? createLogger('api'), deps.db);
  app.locals.metrics = metrics.registry;
  app.use(requestId(), metrics.middleware);
  app.get('/metrics', metricsEndpoint(metrics.registry, deps.metricsToken ?? process.env.GONGKAI_METRICS_TOKEN));
  // Behind a TLS-terminating proxy: trust its X-Forwarded-* so the session cookie is Secure.
  if (process.env.GONGKAI_TRUST_PROXY) app.set('trust proxy', trustProxySetting(process.env.GONGKAI_TRUST_PROXY));
  app.use('/codec', codecCors((process.env.GONGKAI_CODEC_CORS_ORIGIN ?? 'http://localhost:8233').split(',')));
  for (const limiter of rateLimiters(deps.rateLimits ?? rateLimitsFromEnv())) app.use(limiter);
  // The citizen portal's API: its own per-address limit and smaller bodies, read before the JSON parser below.
  const portal = { ...portalSettingsFromEnv(process.env), ...deps.portal };
  app.use('/api/public', publicRequestGuard(portal));
  app.use(express.json({ limit: '2mb' }));
  app.use(idempotency(deps.db));

  const router = express.Router();
  const identity: IdentityRuntime = {
    config: { ...identityConfigFromEnv(process.env), ...deps.identity?.config },
    now: deps.identity?.now ?? (() => new Date()),
    onEvent: deps.identity?.onEvent ?? auditIdentityEvents(deps.db),
  };
  const routes = new RouteTable(router, sessionOrBearerAuthenticator(deps.db, bearerAuthenticator(deps.db), identity));
  authRoutes(routes, { db: deps.db, identity });
  ssoRoutes(routes, { db: deps.db, identity, oidc: deps.oidc === undefined ? oidcSettingsFromEnv(process.env) : deps.oidc });
  const calendar = deps.calendar ?? new CalendarStore(deps.db);
  systemRoutes(routes, deps);
  const taskQueue = deps.taskQueue ?? TASK_QUEUE;
  calendarRoutes(routes, calendar, { temporal: deps.temporal, taskQueue });
  rulesetRoutes(routes);
  // The stored settings are the source; the configuration only seeds them on first start.
  const agency = new AgencyStore(deps.db, deps.agency ?? agencyFromEnv(process.env));
  applicationRoutes(routes, { db: deps.db, temporal: deps.temporal, taskQueue, agency });
  disputeRoutes(routes, { db: deps.db, temporal: deps.temporal, taskQueue, agency });
  reportRoutes(routes, { db: deps.db, agency });
  feeRoutes(routes);
  codecRoutes(routes, deps.codec, deps.db);
  tokenRoutes(routes, { db: deps.db });
  administrationRoutes(routes, { db: deps.db, agency });
  auditRoutes(routes, { db: deps.db });
  supervisionRoutes(routes, { db: deps.db, temporal: deps.temporal, calendar });
  adminHistoryRoutes(routes, { db: deps.db, temporal: deps.temporal, taskQueue, ...(deps.codec ? { codec: deps.codec } : {}) });
  incidentRoutes(routes, { db: deps.db, temporal: deps.temporal, taskQueue, agency });
  messageRoutes(routes, { db: deps.db, temporal: deps.temporal, taskQueue, agency });
  documentRoutes(routes, { db: deps.db, temporal: deps.temporal, taskQueue, agency });
  const files = deps.files ?? new CaseFileStore({ codec: deps.codec ?? null });
  fileRoutes(routes, { db: deps.db, files });
  publicRoutes(routes, { db: deps.db, temporal: deps.temporal, taskQueue, agency, guard: new PortalGuard(deps.db, portal), files });

  const openapi = new OpenApiGeneratorV31(routes.registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Gongkai API', version: '0.1.0', description: '政府信息公开 durable workflows' },
  });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // The routes must grant exactly what the authorization matrix says, or the app does not start.
  assertMatchesAuthorizationMatrix(routes.declared);
  app.locals.routes = routes.declared;

  app.use(router);
  app.use(consoleRouter());
  app.use(portalRouter());
  app.use((req, _res, next) => next(new ApiError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}

/** GONGKAI_TRUST_PROXY: `true`, a hop count, or Express's address list (`loopback`, `10.0.0.0/8`). */
function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
