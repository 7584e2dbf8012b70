/** Bearer-token authentication against api_tokens. */
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { findUserByToken, type User } from '../db/repositories/users';
import type { Database } from '../db/schema';
import type { Authenticator } from './route';

const BEARER = /^Bearer\s+(\S+)$/i;

export function bearerAuthenticator(db: Kysely<Database>): Authenticator {
  return async (req: Request): Promise<User | null> => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match?.[1]) return null;
    return findUserByToken(db, match[1]);
  };
}
