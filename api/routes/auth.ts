/**
 * Signing in as a person: password (argon2id), then a TOTP code or a recovery code for the
 * roles that need a second factor; the session cookie and its CSRF token; changing the
 * password; enrolling TOTP; the caller's identity and sessions. The rules are in
 * api/identity/config.ts; the authenticator in api/identity/session-auth.ts.
 *
 * A failed sign-in answers the same whether or not the username exists (401
 * `invalid_credentials`, then 423 `account_locked` with the unlock time once the name has
 * failed too often), and takes about as long: an unknown name is verified against a dummy hash.
 */
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  claimTotpStep,
  clearSignInFailures,
  type Credentials,
  credentialsById,
  credentialsByUsername,
  enableTotp,
  lockedUntil,
  normalizeUsername,
  recordSignInFailure,
  replaceRecoveryCodes,
  setPasswordHash,
  setPendingTotpSecret,
  unusedRecoveryCodeCount,
  useRecoveryCode,
} from '../../db/repositories/credentials';
import { completeSecondFactor, createSession, listLiveSessions, revokeSession, revokeUserSessions } from '../../db/repositories/sessions';
import type { User } from '../../db/repositories/users';
import type { Database } from '../../db/schema';
import { ROLES } from '../../domain/roles';
import { ApiError } from '../errors';
import { hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from '../identity/passwords';
import {
  callerIdentity,
  clearSessionCookie,
  csrfTokenFor,
  type IdentityRuntime,
  passwordChangeDue,
  passwordExpiresAt,
  readCookie,
  SESSION_COOKIE,
  setSessionCookie,
  totpRequiredFor,
} from '../identity/session-auth';
import { generateRecoveryCodes, generateTotpSecret, matchTotp, otpauthUri } from '../identity/totp';
import type { RouteTable, SignInRestriction } from '../route';

const ALL_RESTRICTIONS: readonly SignInRestriction[] = ['second-factor', 'password-change', 'totp-enrolment'];

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  departmentCode: z.string(),
});

const signInSchema = z
  .object({
    user: userSchema,
    /** Send it in X-CSRF-Token with every write. */
    csrfToken: z.string(),
    /** The password must be changed (first sign-in, admin reset, or expired) before anything else. */
    mustChangePassword: z.boolean(),
    /** A TOTP or recovery code is owed (POST /api/auth/totp). */
    totpRequired: z.boolean(),
    /** The role needs a second factor and none is enrolled yet (POST /api/me/totp). */
    totpEnrolmentRequired: z.boolean(),
    sessionExpiresAt: z.string(),
  })
  .openapi('SignIn');

const sessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  /** When it ends if unused. */
  idleExpiresAt: z.string(),
  expiresAt: z.string(),
  secondFactorPending: z.boolean(),
  /** `password`, or `oidc` (single sign-on through the agency's identity platform). */
  signInMethod: z.enum(['password', 'oidc']),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

const codeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'must be the 6-digit code of the authenticator app');

const toUser = (c: Credentials): User => ({
  id: c.id,
  username: c.username,
  displayName: c.displayName,
  role: c.role,
  departmentCode: c.departmentCode,
  agencyCode: c.agencyCode,
  platform: c.platform,
});

export function authRoutes(routes: RouteTable, deps: { db: Kysely<Database>; identity: IdentityRuntime }): void {
  const { db, identity } = deps;
  const { config } = identity;
  const lockPolicy = {
    threshold: config.lockoutThreshold > 0 ? config.lockoutThreshold : Number.MAX_SAFE_INTEGER,
    lockMs: config.lockoutMinutes * 60_000,
  };

  const locked = (until: Date, res: { setHeader(name: string, value: string): unknown }): ApiError => {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil((until.getTime() - identity.now().getTime()) / 1000))));
    return new ApiError(
      423,
      'account_locked',
      `连续失败次数过多，账户已锁定至 ${until.toISOString()}（locked until ${until.toISOString()}）`,
      [{ field: 'username', message: `locked until ${until.toISOString()}` }],
    );
  };

  /** One failed attempt at a name: counted, and answered 401, or 423 when it now locks the name. */
  const failed = async (
    req: Request,
    res: { setHeader(name: string, value: string): unknown },
    username: string,
    userId: string | null,
    reason: string,
    invalid: ApiError,
  ): Promise<never> => {
    const state = await recordSignInFailure(db, username, identity.now(), lockPolicy);
    await identity.onEvent?.({ kind: 'sign-in-failed', req, username, userId, reason });
    if (state.lockedUntil) {
      if (state.failures === lockPolicy.threshold)
        await identity.onEvent?.({ kind: 'locked', req, username, userId, lockedUntil: state.lockedUntil });
      throw locked(state.lockedUntil, res);
    }
    throw invalid;
  };

  const signInAnswer = (credentials: Credentials, token: string, session: { secondFactorPending: boolean; expiresAt: Date }) => ({
    user: toUser(credentials),
    csrfToken: csrfTokenFor(token),
    mustChangePassword: passwordChangeDue(credentials, config, identity.now()) !== null,
    totpRequired: session.secondFactorPending,
    totpEnrolmentRequired: totpRequiredFor(credentials, config) && !credentials.totpSecret,
    sessionExpiresAt: session.expiresAt.toISOString(),
  });

  routes.add({
    method: 'post',
    path: '/api/auth/login',
    summary: '用户名和密码登录（设置会话 Cookie）',
    tags: ['auth'],
    roles: 'public',
    body: z.object({ username: z.string().trim().min(1, 'is required').max(64), password: z.string().min(1, 'is required').max(1024) }),
    response: { status: 200, description: 'signed in (or a second factor owed); the session cookie is set', schema: signInSchema },
    errors: {
      401: 'wrong username or password (the same answer whether the user exists or not)',
      423: 'too many failures: locked until the time given (Retry-After)',
    },
    handler: async ({ body, req, res }) => {
      const username = normalizeUsername(body.username);
      const now = identity.now();
      const until = await lockedUntil(db, username, now);
      const credentials = await credentialsByUsername(db, username);
      const usable = credentials && credentials.active && credentials.passwordHash ? credentials : null;
      const ok = usable ? await verifyPassword(usable.passwordHash!, body.password) : await verifyAgainstDummy(body.password);
      if (until) throw locked(until, res);
      const invalid = new ApiError(401, 'invalid_credentials', '用户名或密码错误');
      if (!ok || !usable)
        return failed(
          req,
          res,
          username,
          credentials?.id ?? null,
          !credentials
            ? 'unknown-user'
            : !credentials.active
              ? 'inactive-user'
              : !credentials.passwordHash
                ? 'no-password'
                : 'wrong-password',
          invalid,
        );
      const secondFactorPending = usable.totpSecret !== null;
      // The count of failures restarts only once the whole sign-in (second factor too) succeeds.
      if (!secondFactorPending) await clearSignInFailures(db, username);
      const session = await createSession(db, {
        userId: usable.id,
        now,
        lifetimeMs: config.sessionMaxHours * 3_600_000,
        secondFactorPending,
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
      });
      setSessionCookie(req, res, session.token, session.expiresAt);
      await identity.onEvent?.({ kind: 'sign-in', req, user: toUser(usable), sessionId: session.id, secondFactorPending });
      return signInAnswer(usable, session.token, { secondFactorPending, expiresAt: session.expiresAt });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/auth/totp',
    summary: '登录第二步：动态验证码或恢复码',
    tags: ['auth'],
    roles: ROLES,
    allowDuring: ['second-factor'],
    body: z
      .object({ code: codeSchema.optional(), recoveryCode: z.string().trim().min(1, 'is required').max(40).optional() })
      .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), {
        message: 'send either code or recoveryCode',
        path: ['code'],
      }),
    response: { status: 200, description: 'signed in', schema: signInSchema.extend({ recoveryCodesLeft: z.number().int() }) },
    errors: {
      401: 'wrong code (counts towards the lockout)',
      409: 'no second factor is owed by this session',
      423: 'too many failures: locked until the time given',
    },
    handler: async ({ body, req, res, user }) => {
      const caller = callerIdentity(req);
      const token = readCookie(req, SESSION_COOKIE);
      if (!caller?.session || !token || !caller.session.secondFactorPending)
        throw new ApiError(409, 'conflict', 'this session owes no second factor');
      const credentials = (await credentialsById(db, user!.id))!;
      const now = identity.now();
      const until = await lockedUntil(db, credentials.username, now);
      if (until) throw locked(until, res);
      let ok = false;
      if (body.code !== undefined && credentials.totpSecret) {
        const step = matchTotp(credentials.totpSecret, body.code, now);
        ok = step !== null && (await claimTotpStep(db, credentials.id, step));
      } else if (body.recoveryCode !== undefined) {
        ok = await useRecoveryCode(db, credentials.id, body.recoveryCode, now);
      }
      if (!ok) {
        try {
          return await failed(
            req,
            res,
            credentials.username,
            credentials.id,
            body.code !== undefined ? 'wrong-totp' : 'wrong-recovery-code',
            new ApiError(401, 'invalid_second_factor', '验证码错误或已使用'),
          );
        } catch (error) {
          // Locked: the half-signed-in session ends too.
          if (error instanceof ApiError && error.status === 423) await revokeSession(db, caller.session.id, 'revoked', now);
          throw error;
        }
      }
      const rotated = await completeSecondFactor(db, caller.session.id, now);
      setSessionCookie(req, res, rotated, caller.session.expiresAt);
      await clearSignInFailures(db, credentials.username);
      await identity.onEvent?.({
        kind: 'second-factor',
        req,
        user: user!,
        sessionId: caller.session.id,
        method: body.code !== undefined ? 'totp' : 'recovery-code',
        firstFactor: caller.session.signInMethod,
      });
      return {
        ...signInAnswer(credentials, rotated, { secondFactorPending: false, expiresAt: caller.session.expiresAt }),
        recoveryCodesLeft: await unusedRecoveryCodeCount(db, credentials.id),
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/auth/logout',
    summary: '退出登录（结束本会话）',
    tags: ['auth'],
    roles: ROLES,
    allowDuring: ALL_RESTRICTIONS,
    response: { status: 200, description: 'signed out; the cookie is cleared', schema: z.object({ signedOut: z.boolean() }) },
    handler: async ({ req, res, user }) => {
      const caller = callerIdentity(req);
      let signedOut = false;
      if (caller?.session) {
        signedOut = await revokeSession(db, caller.session.id, 'sign-out', identity.now());
        if (signedOut) await identity.onEvent?.({ kind: 'sign-out', req, user: user!, sessionId: caller.session.id });
      }
      clearSessionCookie(req, res);
      return { signedOut };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/auth/password',
    summary: '修改本人密码',
    tags: ['auth'],
    roles: ROLES,
    allowDuring: ['password-change', 'totp-enrolment'],
    body: z.object({
      currentPassword: z.string().min(1, 'is required').max(1024),
      newPassword: z.string().min(1, 'is required').max(1024),
    }),
    response: {
      status: 200,
      description: 'changed; the user’s other sessions end',
      schema: z.object({ mustChangePassword: z.boolean(), passwordExpiresAt: z.string().nullable(), otherSessionsEnded: z.number().int() }),
    },
    errors: { 423: 'too many wrong current passwords: locked until the time given' },
    handler: async ({ body, req, res, user }) => {
      const credentials = (await credentialsById(db, user!.id))!;
      const now = identity.now();
      const until = await lockedUntil(db, credentials.username, now);
      if (until) throw locked(until, res);
      const current = credentials.passwordHash
        ? await verifyPassword(credentials.passwordHash, body.currentPassword)
        : await verifyAgainstDummy(body.currentPassword);
      if (!current) {
        await failed(
          req,
          res,
          credentials.username,
          credentials.id,
          'wrong-current-password',
          new ApiError(400, 'validation_failed', 'invalid body: currentPassword', [
            { field: 'currentPassword', message: 'is not the current password (当前密码不正确)' },
          ]),
        );
      }
      const problems = passwordProblems(body.newPassword, config, credentials.username);
      if (body.newPassword === body.currentPassword) problems.push('must differ from the current password (新密码不得与当前密码相同)');
      if (problems.length > 0)
        throw new ApiError(
          400,
          'validation_failed',
          'invalid body: newPassword',
          problems.map((message) => ({ field: 'newPassword', message })),
        );
      await setPasswordHash(db, credentials.id, await hashPassword(body.newPassword), { mustChange: false, now });
      await clearSignInFailures(db, credentials.username);
      const session = callerIdentity(req)?.session ?? null;
      const ended = await revokeUserSessions(db, credentials.id, 'password-changed', now, session?.id);
      await identity.onEvent?.({ kind: 'password-changed', req, user: user! });
      const expires = passwordExpiresAt({ passwordChangedAt: now }, config);
      return { mustChangePassword: false, passwordExpiresAt: expires?.toISOString() ?? null, otherSessionsEnded: ended };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/me/totp',
    summary: '开始绑定动态验证码（返回密钥与 otpauth:// 地址）',
    tags: ['auth'],
    roles: ROLES,
    allowDuring: ['totp-enrolment'],
    response: {
      status: 200,
      description: 'a new secret, active once confirmed',
      schema: z.object({ secret: z.string(), otpauthUri: z.string() }),
    },
    handler: async ({ user }) => {
      const secret = generateTotpSecret();
      await setPendingTotpSecret(db, user!.id, secret);
      return { secret, otpauthUri: otpauthUri(secret, user!.username, config.totpIssuer) };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/me/totp/confirm',
    summary: '确认绑定动态验证码（返回 10 个一次性恢复码，仅此一次显示）',
    tags: ['auth'],
    roles: ROLES,
    allowDuring: ['totp-enrolment'],
    body: z.object({ code: codeSchema }),
    response: {
      status: 200,
      description: 'enrolled; the recovery codes are shown only now',
      schema: z.object({ enrolled: z.literal(true), recoveryCodes: z.array(z.string()) }),
    },
    errors: { 409: 'no enrolment started (POST /api/me/totp first)' },
    handler: async ({ body, req, user }) => {
      const credentials = (await credentialsById(db, user!.id))!;
      if (!credentials.totpPendingSecret) throw new ApiError(409, 'conflict', 'no TOTP enrolment in progress: POST /api/me/totp first');
      const step = matchTotp(credentials.totpPendingSecret, body.code, identity.now());
      if (step === null)
        throw new ApiError(400, 'validation_failed', 'invalid body: code', [
          { field: 'code', message: 'does not match the new secret (验证码不正确)' },
        ]);
      await enableTotp(db, credentials.id, credentials.totpPendingSecret, step, identity.now());
      const recoveryCodes = generateRecoveryCodes();
      await replaceRecoveryCodes(db, credentials.id, recoveryCodes);
      await identity.onEvent?.({ kind: 'totp-enrolled', req, user: user! });
      return { enrolled: true as const, recoveryCodes };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/me',
    summary: '当前用户：角色、部门、会话与登录状态',
    tags: ['auth'],
    roles: ROLES,
    allowDuring: ALL_RESTRICTIONS,
    response: {
      status: 200,
      description: 'the user',
      schema: userSchema.extend({
        department: z.object({ code: z.string(), name: z.string() }).nullable(),
        /** The agency the user acts for (their department's), shown in the console's header. */
        agencyCode: z.string(),
        agency: z.object({ code: z.string(), name: z.string(), shortName: z.string() }).nullable(),
        /** A platform admin or supervisor (across the platform's agencies). */
        platform: z.boolean(),
        authenticatedBy: z.enum(['session', 'bearer']),
        /** Null for bearer callers. */
        csrfToken: z.string().nullable(),
        session: sessionSchema.nullable(),
        /** What the sign-in still owes: `second-factor`, `password-change`, `totp-enrolment`; null when done. */
        pending: z.enum(['second-factor', 'password-change', 'totp-enrolment']).nullable(),
        mustChangePassword: z.boolean(),
        passwordExpiresAt: z.string().nullable(),
        totpEnrolled: z.boolean(),
        totpRequired: z.boolean(),
      }),
    },
    handler: async ({ req, user }) => {
      const caller = callerIdentity(req);
      const credentials = caller?.credentials ?? (await credentialsById(db, user!.id))!;
      const department = await db
        .selectFrom('departments')
        .select(['code', 'name'])
        .where('code', '=', user!.departmentCode)
        .executeTakeFirst();
      const agency = await db
        .selectFrom('agencies')
        .select(['code', 'name', 'short_name'])
        .where('code', '=', user!.agencyCode)
        .executeTakeFirst();
      const session = caller?.session ?? null;
      const now = identity.now();
      return {
        ...user!,
        department: department ?? null,
        agency: agency ? { code: agency.code, name: agency.name, shortName: agency.short_name } : null,
        authenticatedBy: caller?.via ?? 'bearer',
        csrfToken: caller?.csrfToken ?? null,
        session: session ? describeSession(session, session.id, config.sessionIdleMinutes) : null,
        pending: caller?.restriction ?? null,
        mustChangePassword: passwordChangeDue(credentials, config, now) !== null,
        passwordExpiresAt: passwordExpiresAt(credentials, config)?.toISOString() ?? null,
        totpEnrolled: credentials.totpSecret !== null,
        totpRequired: totpRequiredFor(credentials, config),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/me/sessions',
    summary: '本人的有效会话',
    tags: ['auth'],
    roles: ROLES,
    response: { status: 200, description: 'live sessions, newest first', schema: z.object({ items: z.array(sessionSchema) }) },
    handler: async ({ req, user }) => {
      const now = identity.now();
      const idleMs = config.sessionIdleMinutes * 60_000;
      const current = callerIdentity(req)?.session?.id ?? null;
      const live = (await listLiveSessions(db, user!.id, now)).filter((s) => now.getTime() - s.lastSeenAt.getTime() <= idleMs);
      return { items: live.map((s) => describeSession(s, current, config.sessionIdleMinutes)) };
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/me/sessions/:id',
    summary: '结束本人的一个会话',
    tags: ['auth'],
    roles: ROLES,
    params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a session id') }),
    response: { status: 200, description: 'ended', schema: z.object({ id: z.string(), revoked: z.literal(true) }) },
    errors: { 404: 'no live session of yours with this id' },
    handler: async ({ params, req, res, user }) => {
      if (!(await revokeSession(db, params.id, 'revoked', identity.now(), user!.id)))
        throw new ApiError(404, 'not_found', `no live session ${params.id} of yours`);
      await identity.onEvent?.({ kind: 'session-ended', req, user: user!, sessionId: params.id, reason: 'revoked' });
      if (callerIdentity(req)?.session?.id === params.id) clearSessionCookie(req, res);
      return { id: params.id, revoked: true as const };
    },
  });
}

function describeSession(
  s: {
    id: string;
    createdAt: Date;
    lastSeenAt: Date;
    expiresAt: Date;
    secondFactorPending: boolean;
    signInMethod: 'password' | 'oidc';
    ip: string | null;
    userAgent: string | null;
  },
  currentId: string | null,
  idleMinutes: number,
) {
  const idleEnd = new Date(Math.min(s.lastSeenAt.getTime() + idleMinutes * 60_000, s.expiresAt.getTime()));
  return {
    id: s.id,
    current: s.id === currentId,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    idleExpiresAt: idleEnd.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    secondFactorPending: s.secondFactorPending,
    signInMethod: s.signInMethod,
    ip: s.ip,
    userAgent: s.userAgent,
  };
}
