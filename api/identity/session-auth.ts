/**
 * Who is calling: a bearer token (an API key, for scripts and integrations; no CSRF, no
 * sign-in rules) when the request has an `Authorization` header, else the console's session
 * cookie. A session is refused once revoked, past its absolute end, or idle for longer than
 * the idle timeout (automatic refreshes marked `X-Background-Refresh: 1` do not count as
 * activity); a write with it must carry the session's CSRF token in `X-CSRF-Token`; and
 * while its sign-in is unfinished (second factor owed, password to change, TOTP to enrol) it
 * may call only the routes that allow that state.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { type Credentials, credentialsById } from '../../db/repositories/credentials';
import { findSessionByToken, revokeSession, type SessionWithUser, touchSession } from '../../db/repositories/sessions';
import type { User } from '../../db/repositories/users';
import type { Database } from '../../db/schema';
import { ApiError } from '../errors';
import type { Authenticator, SignInRestriction } from '../route';
import type { IdentityConfig } from './config';

export const SESSION_COOKIE = 'gongkai_session';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The idle clock is written at most this often. */
const TOUCH_EVERY_MS = 60_000;
/**
 * Sent by the console on its automatic refreshes (the dashboard every 5 s): such a request is
 * served but is not activity, so an unattended screen still ends its session when idle.
 */
export const BACKGROUND_HEADER = 'X-Background-Refresh';

/** The identity rules and the clock they run on (tests move it instead of sleeping). */
export interface IdentityRuntime {
  config: IdentityConfig;
  now: () => Date;
  /** Called for each security event; the audit log hooks in here. Failures propagate. */
  onEvent?: (event: IdentityEvent) => Promise<void>;
}

/** Sign-in events, for the audit log. `username` is what was typed (the user may not exist). */
export type IdentityEvent =
  | {
      kind: 'sign-in';
      req: Request;
      user: User;
      sessionId: string;
      secondFactorPending: boolean;
      method?: 'password' | 'oidc';
      details?: Record<string, unknown>;
    }
  | {
      kind: 'second-factor';
      req: Request;
      user: User;
      sessionId: string;
      method: 'totp' | 'recovery-code';
      firstFactor?: 'password' | 'oidc';
    }
  | {
      kind: 'sign-in-failed';
      req: Request;
      username: string;
      userId: string | null;
      reason: string;
      method?: 'password' | 'oidc';
      details?: Record<string, unknown>;
    }
  | { kind: 'locked'; req: Request; username: string; userId: string | null; lockedUntil: Date }
  | { kind: 'sign-out'; req: Request; user: User; sessionId: string }
  | { kind: 'session-ended'; req: Request; user: User; sessionId: string; reason: 'idle' | 'expired' | 'revoked' }
  | { kind: 'password-changed'; req: Request; user: User }
  | { kind: 'totp-enrolled'; req: Request; user: User };

/** What the authenticator learnt about the caller, for the identity routes (me, logout, sessions). */
export interface CallerIdentity {
  via: 'session' | 'bearer';
  session: SessionWithUser | null;
  /** The value the console sends in X-CSRF-Token; null for bearer callers. */
  csrfToken: string | null;
  restriction: SignInRestriction | null;
  credentials: Credentials | null;
}

const callers = new WeakMap<Request, CallerIdentity>();
export const callerIdentity = (req: Request): CallerIdentity | null => callers.get(req) ?? null;

export function readCookie(req: Request, name: string): string | null {
  const header = req.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** The CSRF token of a session: derived from its (secret) id, so nothing more is stored. */
export const csrfTokenFor = (sessionToken: string): string =>
  createHash('sha256').update(`gongkai-csrf\n${sessionToken}`).digest('base64url');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session cookie: httpOnly, SameSite=Strict, Secure when the request came over TLS (`trust proxy` decides behind a proxy). */
export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** When a password must be changed by, or null when it does not expire. */
export function passwordExpiresAt(credentials: Pick<Credentials, 'passwordChangedAt'>, config: IdentityConfig): Date | null {
  if (config.passwordMaxAgeDays === 0 || !credentials.passwordChangedAt) return null;
  return new Date(credentials.passwordChangedAt.getTime() + config.passwordMaxAgeDays * 86_400_000);
}

/** Whether the password is to be changed now: first (temporary) password, or older than the maximum age. */
export function passwordChangeDue(credentials: Credentials, config: IdentityConfig, now: Date): 'first' | 'expired' | null {
  if (credentials.mustChangePassword) return 'first';
  const expires = passwordExpiresAt(credentials, config);
  return expires && expires <= now ? 'expired' : null;
}

export const totpRequiredFor = (credentials: Pick<Credentials, 'role'>, config: IdentityConfig): boolean =>
  config.totpRoles.includes(credentials.role);

/** What a session still owes before it may use the whole API, in the order the user settles it. */
export function restrictionOf(
  session: { secondFactorPending: boolean; signInMethod?: 'password' | 'oidc'; secondFactorByProvider?: boolean },
  credentials: Credentials,
  runtime: IdentityRuntime,
): SignInRestriction | null {
  if (session.secondFactorPending) return 'second-factor';
  // Single sign-on uses no password of ours, so it owes no change of one; a multi-factor sign-in at the provider stands for the TOTP.
  if (session.signInMethod !== 'oidc' && passwordChangeDue(credentials, runtime.config, runtime.now())) return 'password-change';
  if (totpRequiredFor(credentials, runtime.config) && !credentials.totpSecret && !session.secondFactorByProvider) return 'totp-enrolment';
  return null;
}

const RESTRICTION_ERRORS: Record<SignInRestriction, { code: string; message: string }> = {
  'second-factor': { code: 'second_factor_required', message: '请先输入动态验证码（POST /api/auth/totp）' },
  'password-change': { code: 'password_change_required', message: '请先修改密码（POST /api/auth/password）' },
  'totp-enrolment': { code: 'totp_enrolment_required', message: '请先绑定动态验证码（POST /api/me/totp）' },
};

/** Authenticates by bearer token (through `bearer`) or by session cookie. */
export function sessionOrBearerAuthenticator(db: Kysely<Database>, bearer: Authenticator, runtime: IdentityRuntime): Authenticator {
  return async (req, route) => {
    if (req.get('authorization') !== undefined) {
      const user = await bearer(req, route);
      if (user) callers.set(req, { via: 'bearer', session: null, csrfToken: null, restriction: null, credentials: null });
      return user;
    }
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) return null;
    const session = await findSessionByToken(db, token);
    if (!session || session.revokedAt || !session.user.active) return null;
    const now = runtime.now();
    const user: User = {
      id: session.user.id,
      username: session.user.username,
      displayName: session.user.displayName,
      role: session.user.role,
      departmentCode: session.user.departmentCode,
      agencyCode: session.user.agencyCode,
      platform: session.user.platform,
    };
    const idle = now.getTime() - session.lastSeenAt.getTime() > runtime.config.sessionIdleMinutes * 60_000;
    if (idle || session.expiresAt <= now) {
      if (await revokeSession(db, session.id, idle ? 'idle' : 'expired', now))
        await runtime.onEvent?.({ kind: 'session-ended', req, user, sessionId: session.id, reason: idle ? 'idle' : 'expired' });
      throw new ApiError(
        401,
        'session_expired',
        idle ? `会话已闲置超过 ${runtime.config.sessionIdleMinutes} 分钟，请重新登录` : '会话已到期，请重新登录',
      );
    }
    const csrfToken = csrfTokenFor(token);
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.get(CSRF_HEADER);
      if (!sent || !sameSecret(sent, csrfToken))
        throw new ApiError(403, 'csrf_failed', `a write with the session cookie needs the session's ${CSRF_HEADER} header`);
    }
    const credentials = await credentialsById(db, session.userId);
    if (!credentials) return null;
    const restriction = restrictionOf(session, credentials, runtime);
    if (restriction && !(route?.allowDuring ?? []).includes(restriction)) {
      const { code, message } = RESTRICTION_ERRORS[restriction];
      throw new ApiError(403, code, message);
    }
    const background = req.get(BACKGROUND_HEADER) === '1';
    if (!background && now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await touchSession(db, session.id, now);
    callers.set(req, { via: 'session', session, csrfToken, restriction, credentials });
    return user;
  };
}

/** The credential a request carries (bearer header, else session cookie), for per-caller keys (idempotency, rate limits); null if none. */
export function callerCredential(req: Request): string | null {
  const authorization = req.get('authorization');
  if (authorization !== undefined) return authorization;
  const session = readCookie(req, SESSION_COOKIE);
  return session ? `session:${session}` : null;
}
