/**
 * The codec server of Temporal's remote-codec protocol (`POST /codec/encode`, `/codec/decode`,
 * body `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`), so authorised users can
 * read encrypted histories in the Temporal CLI (`--codec-endpoint … --codec-auth "Bearer …"`)
 * or UI. Admins only; CORS for the Temporal UI's origin.
 */
import type { Payload } from '@temporalio/common';
import type { Request, Response, NextFunction } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import type { EncryptionCodec } from '../../temporal-config/codec';
import { ApiError } from '../errors';
import { recordDecodedPersonalData } from '../personal-data';
import type { RouteTable } from '../route';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/**
 * Proto3 JSON leaves out empty fields: the Temporal CLI posts `{}` for an empty payload list, and a
 * payload without metadata or data omits them. All are valid requests (answered `{ payloads: [] }`).
 */
const payloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).default({}), data: base64.default('') }))
    .max(1000)
    .default([]),
});
type WirePayloads = z.infer<typeof payloadsSchema>;

const fromWire = (body: WirePayloads): Payload[] =>
  body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  }));
const toWire = (payloads: Payload[]): WirePayloads => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  })),
});

/** The Temporal UI calls the codec server from the browser: allow its origin (GONGKAI_CODEC_CORS_ORIGIN). */
export function codecCors(origins: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin'); // helmet's same-origin default is for everything else
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

/** `db`: where a decode that discloses an applicant's contact details is audited (api/personal-data.ts). */
export function codecRoutes(routes: RouteTable, codec: EncryptionCodec | undefined, db?: Kysely<Database>): void {
  for (const direction of ['encode', 'decode'] as const) {
    routes.add({
      method: 'post',
      path: `/codec/${direction}`,
      summary: direction === 'decode' ? '解密 Temporal 载荷（供授权用户在 Temporal CLI / UI 中查看历史）' : '加密 Temporal 载荷',
      tags: ['admin'],
      roles: ['admin'],
      body: payloadsSchema,
      response: { status: 200, description: 'the payloads, transformed', schema: payloadsSchema },
      errors: {
        404: 'payload encryption is off on this server',
        422: 'a payload could not be decrypted (unknown key id or altered ciphertext)',
      },
      handler: async ({ body, user, req }) => {
        if (!codec) throw new ApiError(404, 'not_found', 'payload encryption is off on this server (GONGKAI_CODEC=off)');
        let payloads: Payload[];
        try {
          payloads = await codec[direction](fromWire(body));
        } catch (error) {
          throw new ApiError(422, 'undecodable', (error as Error).message);
        }
        if (direction === 'decode' && db) await recordDecodedPersonalData(db, user!, req, payloads);
        return toWire(payloads);
      },
    });
  }
}
