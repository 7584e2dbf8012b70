/**
 * `Idempotency-Key` on every POST: the first request with a key runs; a repeat with the same
 * key and the same body gets the first (successful) response back, marked
 * `Idempotent-Replayed: true`, and starts no workflow and issues no notice again. A repeat
 * while the first is still running is a 409; the same key with another body is a 422. Failed
 * requests (4xx, 5xx) are not remembered, so a corrected retry may reuse the key. A client
 * that hangs up does not release its claim: the request runs on and its answer is kept for
 * the retry. Keys are per caller (bearer token or session) and live 24 hours; a claim still in progress
 * after 2 minutes (its API process died) is released.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { ApiError } from './errors';
import { callerCredential } from './identity/session-auth';

const KEY = /^[\x21-\x7e]{1,200}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function idempotency(db: Kysely<Database>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.header('Idempotency-Key');
    if (req.method !== 'POST' || key === undefined) return next();
    try {
      if (!KEY.test(key))
        throw new ApiError(400, 'validation_failed', 'invalid header: Idempotency-Key', [
          { field: 'Idempotency-Key', message: 'must be 1–200 printable ASCII characters' },
        ]);
      const caller = sha256(callerCredential(req) ?? 'anonymous');
      const fingerprint = sha256(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? {})}`);
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
        const done =
          res.statusCode < 400
            ? db
                .updateTable('idempotency_keys')
                .set({ state: 'done', response_status: res.statusCode, response_body: JSON.stringify(body ?? null) })
                .where('caller', '=', caller)
                .where('key', '=', key)
                .execute()
            : release();
        void done.then(
          () => json(body),
          (error: unknown) => next(error),
        );
        return res;
      };
      // A response sent some other way (HTML, zip): release the key. A client that went away
      // before the answer keeps the claim: the handler is still at work and records its answer
      // through res.json above; releasing now would let the client's retry run it a second time.
      res.on('close', () => {
        if (!recorded && res.writableFinished) void release();
      });
      next();
    } catch (error) {
      next(error);
    }
  };
}
