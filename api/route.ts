/**
 * Declares a route once: path, allowed roles, zod schemas for params, query and body, and
 * the responses. The same declaration mounts the Express handler (authenticate → authorise
 * → validate → handle) and feeds the OpenAPI document, so docs and validation cannot drift.
 */
import { extendZodWithOpenApi, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import type { Role } from '../domain/roles';
import type { User } from '../db/repositories/users';
import { ApiError, validationError } from './errors';

extendZodWithOpenApi(z);

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })),
    }),
  })
  .openapi('Error');

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Null only on public routes. */
  user: User | null;
  req: Request;
  res: Response;
}

export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType, R extends ZodType> {
  method: Method;
  /** Express syntax (`/api/rulesets/:id`). */
  path: string;
  summary: string;
  tags: string[];
  /** Who may call it; 'public' routes need no token. */
  roles: readonly Role[] | 'public';
  /** Only the platform's users (users.platform: the city's 政务公开办, the platform admin) of those roles; others answer 403. */
  platform?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Content type of the body when not JSON (e.g. text/calendar imports). */
  bodyContentType?: string;
  /** Request headers the route reads itself (documented only; the handler checks them). */
  headers?: z.ZodObject;
  response: { status: number; description: string; schema: R };
  /** Extra documented error statuses beyond 400/401/403. */
  errors?: Record<number, string>;
  /**
   * A signed-in user whose sign-in is unfinished (second factor owed, password to change, TOTP
   * to enrol) may call only the routes that list that state here; others answer 403.
   */
  allowDuring?: readonly SignInRestriction[];
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | { status: number; body: unknown }>;
}

/** The states of an unfinished sign-in (api/identity/session-auth.ts). */
export type SignInRestriction = 'second-factor' | 'password-change' | 'totp-enrolment';

/** What the authenticator is told about the route being called. */
export interface AuthenticatedRoute {
  method: Method;
  path: string;
  allowDuring: readonly SignInRestriction[];
}

/**
 * Who is calling: null when nobody is (→ 401). May throw an ApiError itself (an expired
 * session, a missing CSRF token, an unfinished sign-in on a route that does not allow it).
 */
export type Authenticator = (req: Request, route?: AuthenticatedRoute) => Promise<User | null>;

/** A handler result that sets its own status (e.g. 503 from the health check). */
export function withStatus(status: number, body: unknown): { status: number; body: unknown; __withStatus: true } {
  return { status, body, __withStatus: true };
}

function isWithStatus(value: unknown): value is { status: number; body: unknown } {
  return typeof value === 'object' && value !== null && '__withStatus' in value;
}

/**
 * Where a NUL character hides in a request value (PostgreSQL stores no NUL in text or jsonb:
 * such input would fail deep inside a workflow's activity, so it is refused at the door).
 */
export function pathOfNulCharacter(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = pathOfNulCharacter(item, path ? `${path}.${i}` : String(i));
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return path ? `${path}.${key}` : key;
      const found = pathOfNulCharacter(item, path ? `${path}.${key}` : key);
      if (found !== null) return found;
    }
  }
  return null;
}

export class RouteTable {
  readonly registry = new OpenAPIRegistry();
  /** Every route added, as `METHOD /path` with its roles: checked against the authorization matrix. */
  readonly declared: Array<{ key: string; method: Method; path: string; roles: readonly Role[] | 'public'; platform: boolean }> = [];

  constructor(
    private readonly router: Router,
    private readonly authenticate: Authenticator,
  ) {
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
    // The console's sign-in session; writes with it also need the X-CSRF-Token header.
    this.registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'gongkai_session' });
  }

  add<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType, R extends ZodType = ZodType>(
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    this.declared.push({
      key: `${spec.method.toUpperCase()} ${spec.path}`,
      method: spec.method,
      path: spec.path,
      roles: spec.roles,
      platform: spec.platform === true,
    });
    this.document(spec);
    this.router[spec.method](spec.path, async (req, res) => {
      let user: User | null = null;
      if (spec.roles !== 'public') {
        user = await this.authenticate(req, { method: spec.method, path: spec.path, allowDuring: spec.allowDuring ?? [] });
        if (!user) throw new ApiError(401, 'unauthenticated', 'sign in (session cookie) or send a valid bearer token');
        if (!spec.roles.includes(user.role)) {
          throw new ApiError(
            403,
            'forbidden',
            `role ${user.role} may not ${spec.method.toUpperCase()} ${spec.path}; allowed: ${spec.roles.join(', ')}`,
          );
        }
        if (spec.platform && !user.platform)
          throw new ApiError(403, 'forbidden', `only the platform's users may ${spec.method.toUpperCase()} ${spec.path}`);
      }
      const parse = <S extends ZodType | undefined>(schema: S, value: unknown, where: 'params' | 'query' | 'body') => {
        if (!schema) return undefined;
        const nul = pathOfNulCharacter(value);
        if (nul !== null)
          throw new ApiError(400, 'validation_failed', `invalid ${where}: ${nul}`, [
            { field: nul || where, message: 'must not contain NUL characters' },
          ]);
        const result = schema.safeParse(value);
        if (!result.success) throw validationError(result.error, where);
        return result.data;
      };
      const params = parse(spec.params, req.params, 'params');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body ?? {}, 'body');
      const result = await spec.handler({ params, query, body, user, req, res } as RouteContext<z.output<P>, z.output<Q>, z.output<B>>);
      if (res.headersSent) return;
      if (isWithStatus(result)) res.status(result.status).json(result.body);
      else res.status(spec.response.status).json(result);
    });
  }

  private document(spec: RouteSpec<ZodType, ZodType, ZodType, ZodType>): void {
    const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });
    const responses: RouteConfig['responses'] = {
      [spec.response.status]: { description: spec.response.description, content: { 'application/json': { schema: spec.response.schema } } },
    };
    if (spec.params || spec.query || spec.body) responses[400] = errorResponse('invalid input; details name each field');
    if (spec.roles !== 'public') {
      responses[401] = errorResponse('not signed in: no valid session cookie or bearer token');
      responses[403] = errorResponse(`role not allowed (allowed: ${spec.roles.join(', ')}${spec.platform ? ', platform users only' : ''})`);
    }
    for (const [status, description] of Object.entries(spec.errors ?? {})) responses[Number(status)] = errorResponse(description);
    const request: NonNullable<RouteConfig['request']> = {};
    if (spec.params) request.params = spec.params as never;
    if (spec.query) request.query = spec.query as never;
    if (spec.headers) request.headers = spec.headers as never;
    if (spec.body) request.body = { content: { [spec.bodyContentType ?? 'application/json']: { schema: spec.body } } };
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      summary: spec.summary,
      description: spec.roles === 'public' ? 'Public.' : `Roles: ${spec.roles.join(', ')}${spec.platform ? ' (platform users only)' : ''}.`,
      tags: spec.tags,
      ...(spec.roles === 'public' ? {} : { security: [{ bearer: [] }, { session: [] }] }),
      // Machine-readable roles, so the console offers a user only the steps their role may take.
      'x-roles': spec.roles === 'public' ? [] : [...spec.roles],
      ...(spec.platform ? { 'x-platform': true } : {}),
      request,
      responses,
    });
  }
}
