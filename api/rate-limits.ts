/**
 * Request rate limits per bearer token (or sign-in session) and per client IP (express-rate-limit, in memory per
 * API process), answered with 429 in the common error shape and a Retry-After header.
 * Limits per minute from GONGKAI_RATE_LIMIT_PER_TOKEN / _PER_IP; 0 turns one off.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { callerCredential } from './identity/session-auth';

export interface RateLimits {
  perToken: number;
  perIp: number;
  windowMs: number;
}

export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimits {
  const perMinute = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number of requests per minute (0 = no limit)`);
    return Number(value);
  };
  return {
    perToken: perMinute('GONGKAI_RATE_LIMIT_PER_TOKEN', 600),
    perIp: perMinute('GONGKAI_RATE_LIMIT_PER_IP', 1200),
    windowMs: 60_000,
  };
}

const tooMany =
  (what: string): RequestHandler =>
  (_req, res) => {
    res.status(429).json({
      error: { code: 'rate_limited', message: `too many requests ${what}; retry after the Retry-After header's seconds`, details: [] },
    });
  };

export function rateLimiters(limits: RateLimits): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  if (limits.perIp > 0) {
    handlers.push(
      rateLimit({
        windowMs: limits.windowMs,
        limit: limits.perIp,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
        handler: tooMany('from this address'),
      }),
    );
  }
  if (limits.perToken > 0) {
    handlers.push(
      rateLimit({
        windowMs: limits.windowMs,
        limit: limits.perToken,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        skip: (req) => callerCredential(req) === null,
        // The token itself is never kept, only its digest.
        keyGenerator: (req) => createHash('sha256').update(callerCredential(req)!).digest('hex'),
        handler: tooMany('with this token'),
      }),
    );
  }
  return handlers;
}
