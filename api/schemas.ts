/** Reusable zod pieces for request validation. */
import { z } from 'zod';
import { isIsoDate } from '../domain/calendar/dates';

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
