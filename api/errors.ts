/** Domain and request errors, mapped to HTTP statuses in one place. */
import type { ErrorRequestHandler } from 'express';
import type { ZodError } from 'zod';

export interface ErrorDetail {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Sent as `Retry-After` (a 503 the client may retry). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

/** A zod failure as a 400 whose message names every offending field. */
export function validationError(error: ZodError, where: 'query' | 'body' | 'params'): ApiError {
  const details = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : where,
    message: issue.message,
  }));
  const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
  return new ApiError(400, 'validation_failed', `invalid ${where}: ${fields}`, details);
}

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
    return;
  }
  // body-parser's own errors (bad JSON, too large) carry a client status.
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status < 500) {
    const code =
      error.type === 'entity.parse.failed' ? 'invalid_json' : error.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
    res
      .status(status)
      .json({ error: { code, message: String(error.message), details: [{ field: 'body', message: String(error.message) }] } });
    return;
  }
  console.error('[api] unexpected error:', error);
  res.status(500).json({ error: { code: 'internal', message: 'internal error', details: [] } });
};
