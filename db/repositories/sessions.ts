/**
 * Server-side sign-in sessions. The cookie carries a random id; only its digest is stored
 * (`hashToken`, the same digest as bearer tokens). Policy (idle timeout, absolute lifetime)
 * lives in api/identity; this file only reads and writes rows, with the caller's clock.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '../../domain/roles';
import type { Database } from '../schema';
import { storedDigestCandidates } from '../crypto';
import { hashToken } from './users';

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  secondFactorPending: boolean;
  revokedAt: Date | null;
  revokedReason: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Password, or single sign-on through the agency's identity platform (api/identity/oidc.ts). */
  signInMethod: 'password' | 'oidc';
  /** The identity platform attested a multi-factor sign-in: no TOTP is owed. */
  secondFactorByProvider: boolean;
}

export interface SessionWithUser extends SessionRow {
  user: {
    id: string;
    username: string;
    displayName: string;
    role: Role;
    departmentCode: string;
    agencyCode: string;
    platform: boolean;
    active: boolean;
  };
}

/** Why a session ended: shown in the user's session list and kept for the audit. */
export type SessionEndReason =
  'sign-out' | 'revoked' | 'idle' | 'expired' | 'password-changed' | 'admin' | 'user-disabled' | 'claims-changed';

const SESSION_COLUMNS = [
  'sessions.id',
  'sessions.user_id',
  'sessions.created_at',
  'sessions.last_seen_at',
  'sessions.expires_at',
  'sessions.second_factor_pending',
  'sessions.revoked_at',
  'sessions.revoked_reason',
  'sessions.ip',
  'sessions.user_agent',
  'sessions.sign_in_method',
  'sessions.second_factor_by_provider',
] as const;

type Row = {
  id: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  second_factor_pending: boolean;
  revoked_at: Date | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  sign_in_method: 'password' | 'oidc';
  second_factor_by_provider: boolean;
};

const toSession = (r: Row): SessionRow => ({
  id: r.id,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  secondFactorPending: r.second_factor_pending,
  revokedAt: r.revoked_at,
  revokedReason: r.revoked_reason,
  ip: r.ip,
  userAgent: r.user_agent,
  signInMethod: r.sign_in_method,
  secondFactorByProvider: r.second_factor_by_provider,
});

/** Opens a session; the returned `token` goes into the cookie and is never stored. */
export async function createSession(
  db: Kysely<Database>,
  input: {
    userId: string;
    now: Date;
    lifetimeMs: number;
    secondFactorPending: boolean;
    ip: string | null;
    userAgent: string | null;
    /** Default `password`; `secondFactorByProvider` only for `oidc`. */
    method?: 'password' | 'oidc';
    secondFactorByProvider?: boolean;
  },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + input.lifetimeMs);
  const row = await db
    .insertInto('sessions')
    .values({
      user_id: input.userId,
      token_sha256: hashToken(token),
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: expiresAt,
      second_factor_pending: input.secondFactorPending,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      sign_in_method: input.method ?? 'password',
      second_factor_by_provider: input.method === 'oidc' && input.secondFactorByProvider === true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, expiresAt };
}

/** The session a cookie value names, with its user, whatever its state (the caller judges it). */
export async function findSessionByToken(db: Kysely<Database>, token: string): Promise<SessionWithUser | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('departments', 'departments.code', 'users.department_code')
    .select([
      ...SESSION_COLUMNS,
      'users.username',
      'users.display_name',
      'users.role',
      'users.department_code',
      'departments.agency_code',
      'users.platform',
      'users.active',
    ])
    .where('sessions.token_sha256', 'in', storedDigestCandidates(token)) // whichever suite (GONGKAI_CRYPTO) stored it
    .executeTakeFirst();
  if (!row) return null;
  return {
    ...toSession(row),
    user: {
      id: row.user_id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      departmentCode: row.department_code,
      agencyCode: row.agency_code,
      platform: row.platform,
      active: row.active,
    },
  };
}

/** Records activity (the idle clock restarts). */
export async function touchSession(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/**
 * The second factor was verified: the session becomes a full one under a new cookie value, so
 * a value seen before the step (session fixation) is worth nothing after it. Returns the new token.
 */
export async function completeSecondFactor(db: Kysely<Database>, id: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .updateTable('sessions')
    .set({ second_factor_pending: false, last_seen_at: now, token_sha256: hashToken(token) })
    .where('id', '=', id)
    .execute();
  return token;
}

/** Ends one session; with `userId`, only if it is that user's. Returns whether a live session ended. */
export async function revokeSession(
  db: Kysely<Database>,
  id: string,
  reason: SessionEndReason,
  now: Date,
  userId?: string,
): Promise<boolean> {
  let q = db.updateTable('sessions').set({ revoked_at: now, revoked_reason: reason }).where('id', '=', id).where('revoked_at', 'is', null);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ends every live session of a user (password reset, user disabled), except `exceptId`. Returns how many. */
export async function revokeUserSessions(
  db: Kysely<Database>,
  userId: string,
  reason: SessionEndReason,
  now: Date,
  exceptId?: string,
): Promise<number> {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A user's sessions not revoked and not past their absolute end, newest first (idle ones are judged by the caller). */
export async function listLiveSessions(db: Kysely<Database>, userId: string, now: Date): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(SESSION_COLUMNS)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
  return rows.map(toSession);
}
