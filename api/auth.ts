/**
 * Bearer-token authentication against api_tokens: unknown, expired and revoked tokens are
 * refused and each refusal is recorded (with the caller's address) in the audit log
 * (`api-key.rejected`); a key's use is recorded as `api-key.used` once per hour of use (its first
 * use, then the first in any hour with no such row for that key).
 */
import type { Request } from 'express';
import { type Kysely, sql } from 'kysely';
import { auditActor, recordAudit } from '../db/repositories/audit';
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
      // A known key's refusal is its agency's (the agency its department is in); an unknown one's, nobody's.
      const owner = check.tokenId
        ? await db
            .selectFrom('api_tokens')
            .innerJoin('users', 'users.id', 'api_tokens.user_id')
            .innerJoin('departments', 'departments.code', 'api_tokens.department_code')
            .select(['users.username', 'departments.agency_code'])
            .where('api_tokens.id', '=', check.tokenId)
            .executeTakeFirst()
        : undefined;
      await recordAudit(db, {
        action: 'api-key.rejected',
        actor: null,
        agencyCode: owner?.agency_code ?? null,
        ip: where.ip,
        target: check.tokenId ? `api-key:${check.tokenId}` : null,
        details: { reason: check.reason, ...(owner ? { keyOwner: owner.username } : {}), method: where.method, path: where.path },
      });
      return null;
    }
    // last_used_at moves at most once a minute; then the audit log is asked whether this key's
    // use is recorded within the hour (index audit_log_target), so a key in constant use still
    // shows once an hour, and a minute's burst of requests costs no audit query at all.
    const idleFor = check.lastUsedAt ? Date.now() - check.lastUsedAt.getTime() : Infinity;
    if (idleFor > 60_000) {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: sql<Date>`now()` })
        .where('id', '=', check.tokenId)
        .execute();
      const target = `api-key:${check.tokenId}`;
      const recorded =
        idleFor <= 3_600_000 &&
        (await db
          .selectFrom('audit_log')
          .select('id')
          .where('target', '=', target)
          .where('action', '=', 'api-key.used')
          .where('at', '>', sql<Date>`now() - interval '1 hour'`)
          .limit(1)
          .executeTakeFirst());
      if (!recorded) {
        await recordAudit(db, {
          action: 'api-key.used',
          actor: auditActor(check.user),
          ip: where.ip,
          target,
          details: { keyOwner: check.user.username, method: where.method, path: where.path },
        });
      }
    }
    return check.user;
  };
}
