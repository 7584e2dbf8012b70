/** Reusable zod pieces for request validation. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isIsoDate } from '../domain/calendar/dates';
import { CASE_NUMBER } from '../domain/agency';

// Whoever loads these first (the step tables load before the route table) gets `.openapi()`.
extendZodWithOpenApi(z);

export const isoDate = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a date YYYY-MM-DD') })
  .refine(isIsoDate, { message: 'must be a real calendar date YYYY-MM-DD' })
  .openapi({ example: '2026-09-28', format: 'date' });

/** A whole number in a query string, e.g. `days=20`. */
export const queryInt = (min: number, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be a whole number from ${min} to ${max}`) })
    .regex(/^\d{1,7}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`)
    .openapi({ type: 'integer', minimum: min, maximum: max });

export const reason = z.string().trim().min(2, 'must state a reason').max(500);

export const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...Array<keyof T & string>];
export const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
export const departmentCode = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be a department code');
export const username = z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'must be a username');
export const caseIdParam = z.object({ id: z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123') });
export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const pageQuery = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be 1–500')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'must be 1–500')
    .optional(),
  offset: z
    .string()
    .regex(/^\d{1,7}$/, 'must be a whole number')
    .transform(Number)
    .optional(),
};
/** An instant with its offset, not in the future (a minute of clock skew allowed). */
export const pastInstant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' })
  .refine((v) => Date.parse(v) <= Date.now() + 60_000, 'must not be in the future')
  .transform((v) => new Date(v).toISOString());
