/**
 * Administering bearer tokens: issue one (shown once, valid for a set number of days),
 * list a user's tokens, revoke one, and read the authentication log.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { issueTokenWithId } from '../../db/repositories/users';
import type { Database } from '../../db/schema';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';

const usernameParam = z.object({ username: z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'must be a username') });

export function tokenRoutes(routes: RouteTable, deps: { db: Kysely<Database> }): void {
  const { db } = deps;
  const userByName = async (username: string) => {
    const user = await db.selectFrom('users').select(['id', 'username']).where('username', '=', username).executeTakeFirst();
    if (!user) throw new ApiError(404, 'not_found', `user ${username} not found`);
    return user;
  };

  routes.add({
    method: 'post',
    path: '/api/admin/users/:username/tokens',
    summary: '为用户签发令牌（仅此一次显示）',
    tags: ['admin'],
    roles: ['admin'],
    params: usernameParam,
    body: z.object({ label: z.string().trim().min(1, 'is required').max(100), ttlDays: z.number().int().min(1).max(365).default(90) }),
    response: { status: 201, description: 'the new token, shown only now', schema: z.object({ id: z.string(), token: z.string(), expiresAt: z.string() }) },
    errors: { 404: 'no such user' },
    handler: async ({ params, body }) => {
      const user = await userByName(params.username);
      const issued = await issueTokenWithId(db, user.id, body.label, body.ttlDays);
      return { id: issued.id, token: issued.token, expiresAt: issued.expiresAt.toISOString() };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/admin/users/:username/tokens',
    summary: '用户的令牌（不含令牌本身）',
    tags: ['admin'],
    roles: ['admin'],
    params: usernameParam,
    response: { status: 200, description: 'tokens, newest first', schema: z.object({ items: z.array(z.unknown()) }) },
    errors: { 404: 'no such user' },
    handler: async ({ params }) => {
      const user = await userByName(params.username);
      const rows = await db.selectFrom('api_tokens').select(['id', 'label', 'created_at', 'expires_at', 'last_used_at', 'revoked_at']).where('user_id', '=', user.id).orderBy('id', 'desc').execute();
      return {
        items: rows.map((t) => ({
          id: t.id, label: t.label, createdAt: t.created_at.toISOString(), expiresAt: t.expires_at.toISOString(),
          lastUsedAt: t.last_used_at?.toISOString() ?? null, revokedAt: t.revoked_at?.toISOString() ?? null,
        })),
      };
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/admin/tokens/:id',
    summary: '吊销令牌',
    tags: ['admin'],
    roles: ['admin'],
    params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a token id') }),
    response: { status: 200, description: 'the token, revoked', schema: z.object({ id: z.string(), revokedAt: z.string() }) },
    errors: { 404: 'no such token' },
    handler: async ({ params, user }) => {
      const row = await db
        .updateTable('api_tokens')
        .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
        .where('id', '=', params.id)
        .returning(['id', 'user_id', 'revoked_at'])
        .executeTakeFirst();
      if (!row) throw new ApiError(404, 'not_found', `token ${params.id} not found`);
      await db.insertInto('auth_events').values({ event: 'token-revoked', user_id: row.user_id, token_id: row.id, reason: `by ${user!.username}` }).execute();
      return { id: row.id, revokedAt: row.revoked_at!.toISOString() };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/admin/auth-events',
    summary: '认证日志：令牌签发、吊销、登录与失败',
    tags: ['admin'],
    roles: ['admin'],
    query: z.object({ event: z.enum(['token-issued', 'token-revoked', 'authenticated', 'rejected']).optional() }),
    response: { status: 200, description: 'the latest 200 events', schema: z.object({ items: z.array(z.unknown()) }) },
    handler: async ({ query }) => {
      let q = db.selectFrom('auth_events').leftJoin('users', 'users.id', 'auth_events.user_id').select(['auth_events.id', 'at', 'event', 'users.username', 'token_id', 'reason', 'ip', 'method', 'path']);
      if (query.event) q = q.where('event', '=', query.event);
      const rows = await q.orderBy('auth_events.id', 'desc').limit(200).execute();
      return { items: rows.map((r) => ({ id: r.id, at: r.at.toISOString(), event: r.event, username: r.username, tokenId: r.token_id, reason: r.reason, ip: r.ip, method: r.method, path: r.path })) };
    },
  });
}
