/**
 * Single sign-on with the agency's unified identity platform (统一身份认证, OpenID Connect):
 *
 * - `GET /api/auth/oidc/start` sends the browser to the provider: authorization code flow with
 *   PKCE (S256), a random state and nonce, kept server-side (`oidc_sign_ins`) and bound to the
 *   browser by a short-lived `gongkai_oidc` cookie (SameSite=Lax: it must come back on the
 *   provider's cross-site redirect, which a Strict cookie would not).
 * - `GET /api/auth/oidc/callback` takes the state once, checks the browser, exchanges the code
 *   (openid-client validates the ID token: signature, issuer, audience, expiry, nonce), maps the
 *   claims by the admin's rule to a user (created, linked or updated), and opens the same
 *   server-side session, cookie and CSRF token as a password sign-in, then returns to the
 *   console. A refusal returns to the console's sign-in page with `?sso_error=<reason>`; both
 *   are in the audit log (`auth.sign-in` / `auth.sign-in-failed` with `method: oidc`).
 * - Admins and leaders (GONGKAI_TOTP_ROLES) owe the product's TOTP unless the provider attests
 *   a multi-factor sign-in (`amr`/`acr`, api/identity/oidc.ts providerAttestsMfa).
 * - `GET/PUT /api/admin/sso-mapping`: the admin's rule from claims to role and department.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { auditActor } from '../../db/repositories/audit';
import { credentialsById } from '../../db/repositories/credentials';
import { createSession } from '../../db/repositories/sessions';
import { getSsoMapping, saveSsoMapping, savePendingSignIn, signInSsoUser, takePendingSignIn } from '../../db/repositories/sso';
import type { Database } from '../../db/schema';
import { ROLES } from '../../domain/roles';
import { ApiError } from '../errors';
import { mapClaims, OidcClient, type OidcConfiguration, type OidcSettings, openidClient, providerAttestsMfa } from '../identity/oidc';
import { type IdentityRuntime, readCookie, setSessionCookie, totpRequiredFor } from '../identity/session-auth';
import { type RouteTable, withStatus } from '../route';

export const OIDC_COOKIE = 'gongkai_oidc';
const OIDC_COOKIE_PATH = '/api/auth/oidc';
/** How long the user may take at the provider. */
const PENDING_MS = 10 * 60_000;
const CONSOLE_HOME = '/console/';
const CONSOLE_LOGIN = '/console/login';

const digest = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** Why a single sign-on was refused: the console's sign-in page explains each. */
export const SSO_ERRORS = [
  'provider-error',
  'state-mismatch',
  'browser-mismatch',
  'token-rejected',
  'provider-unavailable',
  'bad-username',
  'no-role',
  'no-department',
  'unknown-department',
  'username-taken',
  'inactive-user',
] as const;
type SsoError = (typeof SSO_ERRORS)[number];

const claimName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, 'must be a claim name, or a dotted path into one')
  .max(200);
const departmentCode = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a department code');
const mappingSchema = z
  .object({
    usernameClaim: claimName,
    displayNameClaim: claimName,
    roleClaim: claimName,
    roleMap: z.array(z.object({ value: z.string().min(1, 'is required').max(200), role: z.enum(ROLES) })).max(200),
    defaultRole: z.enum(ROLES).nullable(),
    departmentClaim: claimName,
    departmentMap: z.array(z.object({ value: z.string().min(1, 'is required').max(200), departmentCode })).max(500),
    defaultDepartmentCode: departmentCode.nullable(),
    linkExistingUsers: z.boolean(),
  })
  .openapi('SsoMapping');

/** An openid-client error with what its causes name (the claim that failed: nonce, iss, aud, exp; the provider's error code). */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let at: unknown = error;
  for (let depth = 0; depth < 4 && at && typeof at === 'object'; depth++) {
    const e = at as { name?: unknown; message?: unknown; code?: unknown; claim?: unknown; error?: unknown };
    if (depth === 0) parts.push(`${String(e.name)}: ${String(e.message)}`);
    for (const key of ['code', 'claim', 'error'] as const) if (typeof e[key] === 'string') parts.push(`${key} ${e[key] as string}`);
    at = (at as { cause?: unknown }).cause;
  }
  return parts.join('; ').slice(0, 500);
}

/** A path inside the console to come back to; anything else is the console's home. */
function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/console(\/[A-Za-z0-9._~\-/%?=&]*)?$/.test(value) && !value.includes('//') ? value : CONSOLE_HOME;
}

export function ssoRoutes(routes: RouteTable, deps: { db: Kysely<Database>; identity: IdentityRuntime; oidc: OidcSettings | null }): void {
  const { db, identity } = deps;
  const client = deps.oidc ? new OidcClient(deps.oidc) : null;

  const configured = (): OidcClient => {
    if (!client)
      throw new ApiError(
        404,
        'sso_not_configured',
        '未配置统一身份认证（单点登录）：设置 GONGKAI_OIDC_ISSUER、GONGKAI_OIDC_CLIENT_ID、GONGKAI_OIDC_CLIENT_SECRET、GONGKAI_OIDC_REDIRECT_URI',
      );
    return client;
  };
  const oidcCookie = (req: Request, res: Response, value: string | null) => {
    const options = { httpOnly: true, sameSite: 'lax' as const, secure: req.secure, path: OIDC_COOKIE_PATH };
    if (value === null) res.clearCookie(OIDC_COOKIE, options);
    else res.cookie(OIDC_COOKIE, value, { ...options, maxAge: PENDING_MS });
  };
  const redirect = (res: Response, location: string) => {
    res.setHeader('Location', location);
    res.setHeader('Cache-Control', 'no-store');
    return withStatus(302, { location });
  };

  routes.add({
    method: 'get',
    path: '/api/auth/oidc',
    summary: '统一身份认证（单点登录）是否可用',
    tags: ['auth'],
    roles: 'public',
    response: { status: 200, description: 'whether the console offers single sign-on', schema: z.object({ enabled: z.boolean() }) },
    handler: async () => ({ enabled: client !== null }),
  });

  routes.add({
    method: 'get',
    path: '/api/auth/oidc/start',
    summary: '统一身份认证登录：转到认证平台',
    tags: ['auth'],
    roles: 'public',
    query: z.object({ returnTo: z.string().max(500).optional() }),
    response: {
      status: 302,
      description: 'to the provider’s authorization endpoint (code flow, PKCE S256, state, nonce)',
      schema: z.object({ location: z.string() }),
    },
    errors: { 404: 'single sign-on is not configured', 503: 'the identity provider cannot be reached' },
    handler: async ({ query, req, res }) => {
      const provider = configured();
      let configuration: OidcConfiguration;
      try {
        configuration = await provider.configuration();
      } catch (error) {
        throw new ApiError(503, 'sso_unavailable', `统一身份认证平台暂时无法访问（${(error as Error).message}）`);
      }
      const oidc = await openidClient();
      const now = identity.now();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      // One browser value for all its requests under way (two tabs may sign in at once).
      const browser = readCookie(req, OIDC_COOKIE) ?? randomBytes(32).toString('base64url');
      await savePendingSignIn(db, {
        stateDigest: digest(state),
        browserDigest: digest(browser),
        nonce,
        codeVerifier,
        returnTo: safeReturnTo(query.returnTo),
        expiresAt: new Date(now.getTime() + PENDING_MS),
        now,
      });
      oidcCookie(req, res, browser);
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: provider.settings.redirectUri,
        scope: provider.settings.scope,
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return redirect(res, url.href);
    },
  });

  routes.add({
    method: 'get',
    path: '/api/auth/oidc/callback',
    summary: '统一身份认证登录：认证平台回调（建立会话）',
    tags: ['auth'],
    roles: 'public',
    query: z.object({
      code: z.string().optional(),
      state: z.string().optional(),
      iss: z.string().optional(),
      error: z.string().optional(),
      error_description: z.string().optional(),
    }),
    response: {
      status: 302,
      description:
        'signed in: the session cookie is set and the browser returns to the console; refused: to the console’s sign-in page with `sso_error`',
      schema: z.object({ location: z.string() }),
    },
    errors: { 404: 'single sign-on is not configured' },
    handler: async ({ query, req, res }) => {
      const provider = configured();
      const settings = provider.settings;
      const now = identity.now();
      const browser = readCookie(req, OIDC_COOKIE);
      oidcCookie(req, res, null);

      const refuse = async (
        reason: SsoError,
        detail: string,
        who: { username?: string; userId?: string | null; subject?: string } = {},
      ) => {
        await identity.onEvent?.({
          kind: 'sign-in-failed',
          req,
          username: who.username ?? '',
          userId: who.userId ?? null,
          reason,
          method: 'oidc',
          details: { detail, issuer: settings.issuer, ...(who.subject ? { subject: who.subject } : {}) },
        });
        return redirect(res, `${CONSOLE_LOGIN}?sso_error=${reason}`);
      };

      if (query.error)
        return refuse('provider-error', `${query.error}${query.error_description ? `: ${query.error_description}` : ''}`.slice(0, 500));
      const pending = query.state ? await takePendingSignIn(db, digest(query.state)) : null;
      if (!pending || pending.expiresAt <= now)
        return refuse('state-mismatch', query.state ? 'state unknown, already used or expired' : 'no state in the callback');
      if (!browser || digest(browser) !== pending.browserDigest)
        return refuse('browser-mismatch', 'the callback came to a browser other than the one that started the sign-in');

      let configuration: OidcConfiguration;
      try {
        configuration = await provider.configuration();
      } catch (error) {
        return refuse('provider-unavailable', (error as Error).message);
      }
      const oidc = await openidClient();
      let claims: Record<string, unknown>;
      try {
        // The configured redirect URI with the query the provider sent (the app may sit behind a proxy).
        const current = new URL(settings.redirectUri);
        current.search = new URL(req.originalUrl, 'http://callback').search;
        const tokens = await oidc.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: query.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims()!;
        let userinfo: Record<string, unknown> = {};
        if (configuration.serverMetadata().userinfo_endpoint)
          userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
        // The signed ID token wins over the userinfo answer where both carry a claim.
        claims = { ...userinfo, ...idToken };
      } catch (error) {
        // openid-client names the claim or check that failed in the error's cause (nonce, iss, aud, exp, …).
        return refuse('token-rejected', describeError(error));
      }
      const subject = String(claims.sub);
      const issuer = String(claims.iss);

      const { mapping } = await getSsoMapping(db);
      const mapped = mapClaims(claims, mapping);
      if ('reason' in mapped) return refuse(mapped.reason, mapped.detail, { subject });
      const result = await signInSsoUser(db, { issuer, subject }, mapped, mapping, { ip: req.ip ?? null, now });
      if ('refused' in result) return refuse(result.refused, result.detail, { username: mapped.username, userId: result.userId, subject });
      const { user } = result;

      const credentials = (await credentialsById(db, user.id))!;
      const providerMfa = providerAttestsMfa(claims, settings.mfaAcrValues);
      // Admins and leaders: a multi-factor sign-in at the provider stands for the TOTP; else the TOTP is owed (or its enrolment).
      const secondFactorByProvider = totpRequiredFor(credentials, identity.config) && providerMfa;
      const secondFactorPending = totpRequiredFor(credentials, identity.config) && !providerMfa && credentials.totpSecret !== null;
      const session = await createSession(db, {
        userId: user.id,
        now,
        lifetimeMs: identity.config.sessionMaxHours * 3_600_000,
        secondFactorPending,
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
        method: 'oidc',
        secondFactorByProvider,
      });
      setSessionCookie(req, res, session.token, session.expiresAt);
      await identity.onEvent?.({
        kind: 'sign-in',
        req,
        user,
        sessionId: session.id,
        secondFactorPending,
        method: 'oidc',
        details: {
          issuer,
          subject,
          providerMfa,
          ...(result.created ? { created: true } : {}),
          ...(result.changed.length > 0 ? { changed: result.changed } : {}),
        },
      });
      return redirect(res, pending.returnTo);
    },
  });

  routes.add({
    method: 'get',
    path: '/api/admin/sso-mapping',
    summary: '统一身份认证：角色与部门映射规则',
    tags: ['admin'],
    roles: ['admin'],
    platform: true,
    response: {
      status: 200,
      description: 'the rule (the default lets nobody in until an admin sets one) and the provider this deployment is configured with',
      schema: z.object({
        provider: z.object({ issuer: z.string(), clientId: z.string(), redirectUri: z.string(), scope: z.string() }).nullable(),
        mapping: mappingSchema,
        stored: z.boolean(),
        updatedAt: z.string().nullable(),
        updatedBy: z.string().nullable(),
      }),
    },
    errors: { 403: 'not a platform admin: the mapping names every agency’s departments' },
    handler: async () => {
      const stored = await getSsoMapping(db);
      const s = deps.oidc;
      return {
        provider: s ? { issuer: s.issuer, clientId: s.clientId, redirectUri: s.redirectUri, scope: s.scope } : null,
        mapping: stored.mapping,
        stored: stored.stored,
        updatedAt: stored.updatedAt?.toISOString() ?? null,
        updatedBy: stored.updatedBy,
      };
    },
  });

  routes.add({
    method: 'put',
    path: '/api/admin/sso-mapping',
    summary: '统一身份认证：设置角色与部门映射规则',
    tags: ['admin'],
    roles: ['admin'],
    platform: true,
    body: mappingSchema,
    response: {
      status: 200,
      description: 'saved; applies from the next single sign-on',
      schema: z.object({ mapping: mappingSchema, updatedAt: z.string() }),
    },
    errors: { 403: 'not a platform admin: the mapping names every agency’s departments' },
    handler: async ({ body, req, user }) => {
      const problems: Array<{ field: string; message: string }> = [];
      const codes = new Set((await db.selectFrom('departments').select('code').execute()).map((d) => d.code));
      body.departmentMap.forEach((entry, i) => {
        if (!codes.has(entry.departmentCode))
          problems.push({ field: `departmentMap.${i}.departmentCode`, message: `no department ${entry.departmentCode}` });
      });
      if (body.defaultDepartmentCode !== null && !codes.has(body.defaultDepartmentCode))
        problems.push({ field: 'defaultDepartmentCode', message: `no department ${body.defaultDepartmentCode}` });
      const seen = (list: Array<{ value: string }>, field: string) => {
        const values = new Set<string>();
        list.forEach((entry, i) => {
          if (values.has(entry.value)) problems.push({ field: `${field}.${i}.value`, message: `${entry.value} is listed twice` });
          values.add(entry.value);
        });
      };
      seen(body.roleMap, 'roleMap');
      seen(body.departmentMap, 'departmentMap');
      if (problems.length > 0) throw new ApiError(400, 'validation_failed', `invalid body: ${problems[0]!.field}`, problems);
      await db.transaction().execute((trx) => saveSsoMapping(trx, body, auditActor(user)!, req.ip ?? null));
      const saved = await getSsoMapping(db);
      return { mapping: saved.mapping, updatedAt: saved.updatedAt!.toISOString() };
    },
  });
}
