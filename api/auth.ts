/**
 * Bearer-token authentication against api_tokens: unknown, expired and revoked tokens are
 * refused and each refusal is recorded (with the caller's address) in `auth_events`; a
 * token's first use after an idle hour is recorded as a sign-in.
 */
import type { Request } from 'express';
import { type Kysely, sql } from 'kysely';
import { checkToken, type User } from '../db/repositories/users';
import type { Database } from '../db/schema';
import type { Authenticator } from './route';

const BEARER = /^Bearer\s+(\S+)$/i;

export function bearerAuthenticator(db: Kysely<Database>): Authenticator {
  return async (req: Request): Promise<User | null> => {
    const header = req.get('authorization');
    if (!header) return null;
    const match = BEARER.exec(header);
    const where = { ip: req.ip ?? null, method: req.method, path: req.path };
    const check = match?.[1] ? await checkToken(db, match[1]) : ({ user: null, reason: 'unknown', userId: null, tokenId: null } as const);
    if (!check.user) {
      await db.insertInto('auth_events').values({ event: 'rejected', user_id: check.userId, token_id: check.tokenId, reason: check.reason, ...where }).execute();
      return null;
    }
    // last_used_at moves at most once a minute; a use after an idle hour counts as a sign-in.
    const idleFor = check.lastUsedAt ? Date.now() - check.lastUsedAt.getTime() : Infinity;
    if (idleFor > 60_000) await db.updateTable('api_tokens').set({ last_used_at: sql<Date>`now()` }).where('id', '=', check.tokenId).execute();
    if (idleFor > 3_600_000) await db.insertInto('auth_events').values({ event: 'authenticated', user_id: check.user.id, token_id: check.tokenId, ...where }).execute();
    return check.user;
  };
}
