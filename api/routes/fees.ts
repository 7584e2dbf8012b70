/**
 * A fee quote for the clerk before a 收费通知 goes out: the same domain/fees.ts functions the
 * notice's computation uses, so the quote and the notice cannot differ. 109号 第三条: one basis
 * per application, never both, so a parameter of the other basis is refused, not ignored.
 */
import { z } from 'zod';
import { feeByCount, feeByPages } from '../../domain/fees';
import type { RouteTable } from '../route';
import { queryInt } from '../schemas';

/** Bounds that keep a quote cheap to compute; far beyond any real month or volume. */
const MAX_ORDINAL_IN_MONTH = 100_000;
const MAX_SPLIT_COUNT = 1_000;
const MAX_PAGES = 9_999_999;

const BY_COUNT_ONLY = ['ordinalInMonth', 'count'] as const;
const BY_PAGES_ONLY = ['pages'] as const;

const quoteQuery = z
  .object({
    basis: z.enum(['by-count', 'by-pages'], {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be by-count or by-pages'),
    }),
    ordinalInMonth: queryInt(1, MAX_ORDINAL_IN_MONTH).optional().openapi({
      description:
        'by-count: the first counted place of this application among the applicant’s applications received in the natural month (第四条)',
    }),
    count: queryInt(1, MAX_SPLIT_COUNT)
      .optional()
      .openapi({ description: 'by-count: how many applications the request is split into under 一事一申请 (default 1)' }),
    pages: queryInt(0, MAX_PAGES).optional().openapi({ description: 'by-pages: pages of the information provided (第五条)' }),
  })
  .superRefine((q, ctx) => {
    const required = q.basis === 'by-count' ? 'ordinalInMonth' : q.basis === 'by-pages' ? 'pages' : null;
    if (required && q[required] === undefined)
      ctx.addIssue({ code: 'custom', path: [required], message: `is required when basis is ${q.basis}` });
    const foreign = q.basis === 'by-count' ? BY_PAGES_ONLY : q.basis === 'by-pages' ? BY_COUNT_ONLY : [];
    for (const field of foreign) {
      if (q[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is not used when basis is ${q.basis} (one basis per application, 109号 第三条)`,
        });
    }
  });

const feeLineSchema = z.object({
  band: z.string().openapi({ example: '第11—30件' }),
  units: z.number().int(),
  unitPrice: z.number().openapi({ description: 'yuan' }),
  amount: z.number().openapi({ description: 'yuan' }),
});

const feeQuoteSchema = z
  .object({
    basis: z.enum(['by-count', 'by-pages']),
    total: z.number().openapi({ description: 'yuan' }),
    lines: z.array(feeLineSchema),
    citation: z.string().openapi({ example: '国办函〔2020〕109号 第四条' }),
  })
  .openapi('FeeQuote');

export function feeRoutes(routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/api/fees/quote',
    summary: 'What a fee notice would charge (国办函〔2020〕109号: by count 第四条, by pages 第五条)',
    tags: ['fees'],
    roles: ['clerk'],
    query: quoteQuery,
    response: { status: 200, description: 'the total in yuan, one line per band, and the article applied', schema: feeQuoteSchema },
    handler: async ({ query }) =>
      query.basis === 'by-count' ? feeByCount(query.ordinalInMonth!, query.count ?? 1) : feeByPages(query.pages!),
  });
}
