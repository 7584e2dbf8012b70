/**
 * AES-256-GCM payload codec: every workflow and activity payload (applicants' names, ID
 * numbers, complaints) reaches the Temporal server as ciphertext, so its database and UI hold
 * nothing readable. The key id travels in each payload's metadata; rotation = put a new key
 * first in GONGKAI_CODEC_KEYS and keep the old ones after it for as long as histories (and
 * the archive) hold payloads they encrypted. Payloads without the encrypted encoding pass
 * through decode unchanged, so histories written before encryption still replay.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  id: string;
  key: Buffer;
}

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  /** The first key encrypts; every key decrypts what was encrypted under its id. */
  constructor(private readonly keys: readonly CodecKey[]) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`codec key ${k.id} must be 32 bytes (AES-256), not ${k.key.length}`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), 'encryption-key-id': utf8.encode(id), 'encryption-cipher': utf8.encode(CIPHER) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.['encryption-key-id']) ?? '';
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key id "${keyId}": add that key to GONGKAI_CODEC_KEYS`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/** `id:base64key[,id:base64key…]`, newest first. */
export function parseCodecKeys(value: string): CodecKey[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id, material] = entry.split(':');
      if (!id || !material || !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new Error('GONGKAI_CODEC_KEYS entries look like keyid:base64-of-32-bytes');
      return { id, key: Buffer.from(material, 'base64') };
    });
}

export const newCodecKey = (id: string): string => `${id}:${randomBytes(32).toString('base64')}`;

/**
 * The keys for this process: GONGKAI_CODEC_KEYS, else (for `npm start` on one machine) a key
 * generated once into `.data/codec-keys`, or none when GONGKAI_CODEC=off.
 */
export function codecKeysFromEnv(env: NodeJS.ProcessEnv, dataDir: string | null): CodecKey[] | null {
  if (env.GONGKAI_CODEC === 'off') return null;
  if (env.GONGKAI_CODEC_KEYS) return parseCodecKeys(env.GONGKAI_CODEC_KEYS);
  if (!dataDir) return null;
  const file = path.join(dataDir, 'codec-keys');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${newCodecKey(`k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`)}\n`, { mode: 0o600 });
  }
  return parseCodecKeys(fs.readFileSync(file, 'utf8'));
}

export function dataConverterFor(keys: readonly CodecKey[] | null): DataConverter | undefined {
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)] } : undefined;
}

/** Production entry points: keys must be configured, or encryption explicitly turned off. */
export function requireCodecKeys(env: NodeJS.ProcessEnv): CodecKey[] | null {
  const keys = codecKeysFromEnv(env, null);
  if (!keys && env.GONGKAI_CODEC !== 'off') throw new Error('GONGKAI_CODEC_KEYS is required (keyid:base64-of-32-bytes, newest first), or set GONGKAI_CODEC=off');
  return keys;
}
