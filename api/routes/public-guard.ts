/**
 * What keeps the citizen portal's public API (/api/public/…) usable by people and costly for
 * scripts, with no outside service:
 *
 * - a proof-of-work challenge: the server signs a random nonce (HMAC-SHA-256 with a secret
 *   kept in PostgreSQL), the client must find a counter such that SHA-256(`token:counter`)
 *   starts with N zero bits (about 2^N hashes), and the solved challenge opens one request
 *   only (its nonce is recorded until it expires);
 * - applicant access tokens: a signed, short-lived grant to one case, given on submission or
 *   on a successful lookup (查询码 plus second factor), for downloads, uploads and corrections;
 * - per-address rate limits, small JSON bodies and bounded file uploads, parsed here before
 *   the API's own JSON parser so that errors never echo what was sent.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { ApiError } from '../errors';

export interface PortalSettings {
  /** Leading zero bits a submission's challenge needs (≈ 2^bits SHA-256 hashes in the browser). */
  applyChallengeBits: number;
  /** Leading zero bits a progress lookup's challenge needs. */
  lookupChallengeBits: number;
  /** How long a challenge may be solved and redeemed. */
  challengeTtlMs: number;
  /** How long an applicant's access to their case lasts. */
  accessTtlMs: number;
  /** Requests per minute per client address on /api/public (0 = no limit). */
  perIpPerMinute: number;
  /** Failed lookups per hour per 查询码 (whether or not the code exists; 0 = no limit). */
  lookupFailuresPerCodePerHour: number;
  /** Largest JSON body of a public request. */
  maxJsonBytes: number;
  /** Largest attachment. */
  maxFileBytes: number;
  /** Most attachments an applicant may add to one case (application plus correction). */
  maxFilesPerCase: number;
}

export const CHALLENGE_PURPOSES = ['apply', 'lookup'] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

/** The header carrying a solved challenge: `<token>:<counter>`. */
export const CHALLENGE_HEADER = 'X-Proof-Of-Work';
/** The header carrying an applicant access token. */
export const ACCESS_HEADER = 'X-Applicant-Access';

export function portalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): PortalSettings {
  const whole = (name: string, fallback: number, min: number, max: number) => {
    const value = env[name];
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
    return Number(value);
  };
  return {
    applyChallengeBits: whole('GONGKAI_PORTAL_CHALLENGE_BITS', 16, 0, 30),
    lookupChallengeBits: whole('GONGKAI_PORTAL_LOOKUP_CHALLENGE_BITS', 14, 0, 30),
    challengeTtlMs: 10 * 60_000,
    accessTtlMs: 60 * 60_000,
    perIpPerMinute: whole('GONGKAI_PORTAL_RATE_LIMIT_PER_IP', 60, 0, 1_000_000),
    lookupFailuresPerCodePerHour: 10,
    maxJsonBytes: 64 * 1024,
    maxFileBytes: whole('GONGKAI_PORTAL_MAX_FILE_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxFilesPerCase: 20,
  };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Finds a counter for a challenge (what the portal does in the browser; tests and scripts use this). */
export function solveChallenge(token: string, bits: number): string {
  for (let counter = 0; ; counter++) if (leadingZeroBits(sha256(`${token}:${counter}`)) >= bits) return `${token}:${counter}`;
}

interface ChallengeClaims {
  v: 1;
  p: ChallengePurpose;
  n: string;
  b: number;
  e: number;
}

interface AccessClaims {
  v: 1;
  c: string;
  e: number;
}

const challengeFailed = (why: string) =>
  new ApiError(
    400,
    'challenge_failed',
    `the ${CHALLENGE_HEADER} header does not hold a valid solved challenge: ${why}; ask GET /api/public/challenge for a new one`,
    [{ field: CHALLENGE_HEADER, message: why }],
  );

/** Challenges, access tokens and second-factor comparison, all keyed by the portal's secret. */
export class PortalGuard {
  private secret: Promise<Buffer> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    readonly settings: PortalSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The signing secret: made once (by whichever process comes first) and kept in PostgreSQL. */
  private key(): Promise<Buffer> {
    this.secret ??= (async () => {
      await this.db
        .insertInto('public_portal_secret')
        .values({ secret: randomBytes(32) })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await this.db.selectFrom('public_portal_secret').select('secret').executeTakeFirstOrThrow();
      return row.secret;
    })().catch((error) => {
      this.secret = null; // a database hiccup is not remembered
      throw error;
    });
    return this.secret;
  }

  private async sign(kind: string, payload: string): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(`${kind}\n${payload}`)
      .digest('base64url');
  }

  private async signed<T>(kind: string, token: string): Promise<T | null> {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0) return null;
    const expected = Buffer.from(await this.sign(kind, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
    } catch {
      return null;
    }
  }

  bitsFor(purpose: ChallengePurpose): number {
    return purpose === 'apply' ? this.settings.applyChallengeBits : this.settings.lookupChallengeBits;
  }

  async issueChallenge(purpose: ChallengePurpose): Promise<{ token: string; bits: number; expiresAt: string; algorithm: string }> {
    const claims: ChallengeClaims = {
      v: 1,
      p: purpose,
      n: randomBytes(16).toString('base64url'),
      b: this.bitsFor(purpose),
      e: this.now() + this.settings.challengeTtlMs,
    };
    const payload = b64url(JSON.stringify(claims));
    return {
      token: `${payload}.${await this.sign('challenge', payload)}`,
      bits: claims.b,
      expiresAt: new Date(claims.e).toISOString(),
      algorithm: 'SHA-256(token + ":" + counter) has `bits` leading zero bits; send `token:counter` in X-Proof-Of-Work',
    };
  }

  /** Checks the request's solved challenge for this purpose and uses it up (400 missing or wrong, 409 used before). */
  async redeemChallenge(req: Request, purpose: ChallengePurpose): Promise<void> {
    const header = req.header(CHALLENGE_HEADER);
    if (!header)
      throw new ApiError(
        400,
        'challenge_required',
        `send a solved challenge (GET /api/public/challenge?purpose=${purpose}) in the ${CHALLENGE_HEADER} header`,
        [{ field: CHALLENGE_HEADER, message: 'is required' }],
      );
    const split = header.lastIndexOf(':');
    const token = split > 0 ? header.slice(0, split) : '';
    const counter = split > 0 ? header.slice(split + 1) : '';
    if (!/^\d{1,16}$/.test(counter) || token.length > 400) throw challengeFailed('must be token:counter');
    const claims = await this.signed<ChallengeClaims>('challenge', token);
    if (!claims || claims.v !== 1) throw challengeFailed('not a challenge this server issued');
    if (claims.p !== purpose) throw challengeFailed(`issued for ${claims.p}, not ${purpose}`);
    if (claims.e < this.now()) throw challengeFailed('expired');
    // The difficulty is the one signed into the token, which is at least what was asked when issued.
    if (claims.b < this.bitsFor(purpose) || leadingZeroBits(sha256(`${token}:${counter}`)) < claims.b)
      throw challengeFailed('the counter does not solve it');
    await this.db.deleteFrom('public_challenge_redemptions').where('expires_at', '<', new Date(this.now())).execute();
    const redeemed = await this.db
      .insertInto('public_challenge_redemptions')
      .values({ nonce: claims.n, expires_at: new Date(claims.e) })
      .onConflict((oc) => oc.column('nonce').doNothing())
      .returning('nonce')
      .executeTakeFirst();
    if (!redeemed)
      throw new ApiError(409, 'challenge_used', 'this challenge has been used already; ask GET /api/public/challenge for a new one', [
        { field: CHALLENGE_HEADER, message: 'already used' },
      ]);
  }

  async issueAccess(caseNo: string): Promise<{ token: string; expiresAt: string }> {
    const claims: AccessClaims = { v: 1, c: caseNo, e: this.now() + this.settings.accessTtlMs };
    const payload = b64url(JSON.stringify(claims));
    return { token: `${payload}.${await this.sign('access', payload)}`, expiresAt: new Date(claims.e).toISOString() };
  }

  /** The case the request's access token opens; 403 without a valid, unexpired one (401 is the staff sign-in's answer). */
  async caseOf(req: Request): Promise<string> {
    const header = req.header(ACCESS_HEADER);
    const claims = header && header.length <= 400 ? await this.signed<AccessClaims>('access', header) : null;
    if (!claims || claims.v !== 1 || typeof claims.c !== 'string' || claims.e < this.now()) {
      throw new ApiError(
        403,
        'access_required',
        `look the application up again (查询码 and second factor) for a new ${ACCESS_HEADER} token`,
        [{ field: ACCESS_HEADER, message: 'missing, invalid or expired' }],
      );
    }
    return claims.c;
  }

  /**
   * Whether `given` is the last four characters of the ID number or of the phone number. Both
   * sides are compared as HMACs in constant time, and a case that does not exist is compared
   * against placeholders in the same way, so neither the answer nor its timing tells a wrong
   * 查询码 from a wrong factor.
   */
  async secondFactorMatches(applicant: { idNumber: string; phone: string } | null, given: string): Promise<boolean> {
    const key = await this.key();
    const mac = (value: string) => createHmac('sha256', key).update(`factor\n${value}`).digest();
    const candidate = mac(given.trim().toUpperCase());
    const idTail = applicant ? applicant.idNumber.trim().toUpperCase().slice(-4) : '\u0000id';
    const phoneTail = applicant ? applicant.phone.replace(/\D/g, '').slice(-4) : '\u0000ph';
    const id = timingSafeEqual(candidate, mac(idTail));
    const phone = timingSafeEqual(candidate, mac(phoneTail));
    return applicant !== null && (id || phone);
  }
}

const refuse = (res: Response, status: number, code: string, message: string, field: string) => {
  res.status(status).json({ error: { code, message, details: [{ field, message }] } });
};

/**
 * Mounted at /api/public before the API's JSON parser: the per-address limit, then the body.
 * JSON bodies are parsed here with a small limit, and uploads (POST …/attachments) read as raw
 * bytes up to the file limit; a body too large, or JSON that does not parse, is refused with
 * a message that quotes nothing of it.
 */
export function publicRequestGuard(settings: PortalSettings): Router {
  const router = express.Router();
  if (settings.perIpPerMinute > 0) {
    router.use(
      rateLimit({
        windowMs: 60_000,
        limit: settings.perIpPerMinute,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        keyGenerator: (req) => `public:${ipKeyGenerator(req.ip ?? 'unknown')}`,
        handler: (_req, res) =>
          refuse(res, 429, 'rate_limited', 'too many requests from this address; retry after the Retry-After header’s seconds', 'address'),
      }),
    );
  }
  const json = express.json({ limit: settings.maxJsonBytes });
  const raw = express.raw({ type: () => true, limit: settings.maxFileBytes });
  const guarded =
    (parser: RequestHandler, what: string): RequestHandler =>
    (req, res, next: NextFunction) => {
      parser(req, res, (error?: unknown) => {
        if (!error) return next();
        const type = (error as { type?: string }).type;
        if (type === 'entity.too.large') return refuse(res, 413, 'payload_too_large', `the ${what} is larger than allowed`, 'body');
        refuse(res, 400, type === 'entity.parse.failed' ? 'invalid_json' : 'bad_request', `the ${what} could not be read`, 'body');
      });
    };
  router.post('/attachments', guarded(raw, 'file'));
  router.use(guarded(json, 'request body'));
  router.post('/lookup', lookupFailureLimit(settings));
  return router;
}

/** Per 查询码, failed lookups (whether the code exists or not) are limited, so a leaked code's second factor cannot be guessed. */
export function lookupFailureLimit(settings: PortalSettings): RequestHandler {
  if (settings.lookupFailuresPerCodePerHour <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60 * 60_000,
    limit: settings.lookupFailuresPerCodePerHour,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    // Keyed as the route reads the code (spaces dropped, upper case), so spelling variants count as one.
    keyGenerator: (req) =>
      `lookup:${String((req.body as { queryCode?: unknown } | undefined)?.queryCode ?? '')
        .replace(/\s+/g, '')
        .toUpperCase()
        .slice(0, 20)}`,
    handler: (_req, res) =>
      refuse(
        res,
        429,
        'rate_limited',
        'too many failed lookups for this query code; retry after the Retry-After header’s seconds',
        'queryCode',
      ),
  });
}
