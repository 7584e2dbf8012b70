/**
 * `Idempotency-Key` on every POST: the first request with a key runs; a repeat with the same
 * key and the same body gets the first (successful) response back, marked
 * `Idempotent-Replayed: true`, and starts no workflow and issues no notice again. A repeat
 * while the first is still running is a 409; the same key with another body is a 422. Failed
 * requests (4xx, 5xx) are not remembered, so a corrected retry may reuse the key. A client
 * that hangs up does not release its claim: the request runs on and its answer is kept for
 * the retry. Keys are per caller (bearer token or session) and live 24 hours; a claim still in progress
 * after 2 minutes (its API process died) is released. Recording an answer or releasing a claim
 * while PostgreSQL is away is retried in the background, and a step's retry is the same
 * Temporal update as its first attempt (`requestUpdateId`).
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { ApiError } from './errors';
import { callerCredential } from './identity/session-auth';

const KEY = /^[\x21-\x7e]{1,200}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const callerOf = (req: Request) => sha256(callerCredential(req) ?? 'anonymous');
/** The request a key stands for: method, URL and body. */
const fingerprintOf = (req: Request) => sha256(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? {})}`);

/**
 * The Temporal update id of a request that carries an Idempotency-Key: the same for the
 * caller's retries of it, so Temporal takes the step once even when the key's record is gone
 * (its claim expired, or PostgreSQL lost the answer) or the first attempt's answer never came.
 */
export function requestUpdateId(req: Request): string | undefined {
  const key = req.header('Idempotency-Key');
  // The request's fingerprint too: a key reused for another request after its 24 hours is another update.
  return key !== undefined && KEY.test(key) ? `request-${sha256(`${callerOf(req)}\n${key}\n${fingerprintOf(req)}`)}` : undefined;
}

/**
 * Runs a write of the key's record; if PostgreSQL is away, keeps trying in the background
 * (1 s, 2 s, 4 s … for up to 2 minutes, when a stale claim is dropped anyway) instead of
 * failing the request: a claim left in progress refuses the client's retries with 409.
 */
export async function persistently(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch {
    const until = Date.now() + 120_000;
    const retry = (delay: number) => {
      if (Date.now() > until) return;
      setTimeout(() => void write().catch(() => retry(Math.min(delay * 2, 16_000))), delay).unref();
    };
    retry(1_000);
    return false;
  }
}

export function idempotency(db: Kysely<Database>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.header('Idempotency-Key');
    if (req.method !== 'POST' || key === undefined) return next();
    try {
      if (!KEY.test(key))
        throw new ApiError(400, 'validation_failed', 'invalid header: Idempotency-Key', [
          { field: 'Idempotency-Key', message: 'must be 1–200 printable ASCII characters' },
        ]);
      const caller = callerOf(req);
      const fingerprint = fingerprintOf(req);
      // Expired keys go; so does a claim left in progress by an API process that died mid-request
      // (after 2 minutes), so the client's retry is not refused for a day.
      await sql`delete from idempotency_keys where created_at < now() - interval '24 hours' or (state = 'in-progress' and created_at < now() - interval '2 minutes')`.execute(
        db,
      );
      const claimed = await db
        .insertInto('idempotency_keys')
        .values({ caller, key, method: req.method, path: req.originalUrl, request_sha256: fingerprint, state: 'in-progress' })
        .onConflict((oc) => oc.columns(['caller', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (!claimed) {
        const first = await db
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('caller', '=', caller)
          .where('key', '=', key)
          .executeTakeFirstOrThrow();
        if (first.request_sha256 !== fingerprint)
          throw new ApiError(
            422,
            'idempotency_key_reused',
            `Idempotency-Key "${key}" was used for a different request (${first.method} ${first.path})`,
          );
        if (first.state === 'in-progress')
          throw new ApiError(409, 'conflict', `a request with Idempotency-Key "${key}" is still in progress`);
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(first.response_status!).json(first.response_body);
        return;
      }
      // Remember the response once it is known: successes are kept, failures release the key.
      let recorded = false;
      const release = () =>
        db.deleteFrom('idempotency_keys').where('caller', '=', caller).where('key', '=', key).where('state', '=', 'in-progress').execute();
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        recorded = true;
        const write =
          res.statusCode < 400
            ? () =>
                db
                  .updateTable('idempotency_keys')
                  .set({ state: 'done', response_status: res.statusCode, response_body: JSON.stringify(body ?? null) })
                  .where('caller', '=', caller)
                  .where('key', '=', key)
                  .execute()
            : release;
        // The answer goes out once recorded, or once recording is left to the background: a
        // step that was taken is answered as taken (a retry meanwhile is the same Temporal update).
        void persistently(write).then(() => json(body));
        return res;
      };
      // A response sent some other way (HTML, zip): release the key. A client that went away
      // before the answer keeps the claim: the handler is still at work and records its answer
      // through res.json above; releasing now would let the client's retry run it a second time.
      res.on('close', () => {
        if (!recorded && res.writableFinished) void persistently(release);
      });
      next();
    } catch (error) {
      next(error);
    }
  };
}
