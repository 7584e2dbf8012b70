/**
 * The payload codec: every workflow and activity payload (applicants' names, ID numbers,
 * complaints) reaches the Temporal server as ciphertext, so its database and UI hold nothing
 * readable. AES-256-GCM by default; with GONGKAI_CRYPTO=gm, SM4-CBC with HMAC-SM3 over the
 * ciphertext (encrypt-then-MAC: Node's OpenSSL has no SM4 AEAD mode), both keys derived from
 * the configured key by HKDF-SM3. Each payload's metadata names its cipher and key id, and
 * decode follows what the payload names, so payloads sealed under either suite (or before the
 * cipher was named: AES-256-GCM) open after a switch. Rotation = put a new key first in
 * GONGKAI_CODEC_KEYS and keep the old ones after it for as long as histories (and the archive)
 * hold payloads they encrypted. Payloads without the encrypted encoding pass through decode
 * unchanged, so histories written before encryption still replay.
 *
 * JSON payloads of some size are compressed (raw deflate) before they are encrypted, and say so
 * in their `compression` metadata, which the cipher authenticates (GCM additional data, the
 * HMAC-SM3 input); payloads without it are opened as before. Binary payloads (files, already
 * compressed as PDF or images) are not. Compressing before encrypting lets the ciphertext's
 * length depend on the content: acceptable here, where no attacker can both put chosen text in
 * a payload and watch the sizes in the Temporal server's store many times over.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type CryptoSuite, cryptoSuiteFromEnv } from '../db/crypto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The values of a payload's `encryption-cipher` metadata. */
export const AES_CIPHER = 'AES-256-GCM';
export const SM4_CIPHER = 'SM4-CBC/HMAC-SM3';
export type PayloadCipher = typeof AES_CIPHER | typeof SM4_CIPHER;
export const cipherOfSuite = (suite: CryptoSuite): PayloadCipher => (suite === 'gm' ? SM4_CIPHER : AES_CIPHER);
/** The value of a payload's `compression` metadata when its plaintext was deflated (RFC 1951, raw) before sealing. */
export const DEFLATE_COMPRESSION = 'deflate';
/** Below this, deflate's own overhead eats the gain. */
const COMPRESS_FROM_BYTES = 256;
/** Inflated plaintexts beyond this are refused (Temporal's own payload limit is 2 MB by default). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const SM4_IV_BYTES = 16;
const SM3_MAC_BYTES = 32;

export interface CodecKey {
  id: string;
  key: Buffer;
}

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** SM4 encryption and HMAC-SM3 keys, derived from a codec key by HKDF-SM3 (separate keys for separate jobs). */
function sm4Keys(key: Buffer): { enc: Buffer; mac: Buffer } {
  return {
    enc: Buffer.from(hkdfSync('sm3', key, Buffer.alloc(0), 'gongkai payload codec: SM4-CBC key', 16)),
    mac: Buffer.from(hkdfSync('sm3', key, Buffer.alloc(0), 'gongkai payload codec: HMAC-SM3 key', 32)),
  };
}

/**
 * The MAC covers the cipher's name and the key id too, so neither can be swapped under a
 * payload, and the compression when there is one (payloads from before compression: as they were).
 */
function sm3Mac(macKey: Buffer, keyId: string, ivAndCiphertext: Buffer, compression: string | undefined): Buffer {
  const label = compression === undefined ? `${SM4_CIPHER}\0${keyId}\0` : `${SM4_CIPHER}\0${keyId}\0${compression}\0`;
  return createHmac('sm3', macKey).update(label).update(ivAndCiphertext).digest();
}

/** GCM additional data: the compression, so it cannot be added or stripped unnoticed (none before compression). */
const aesAad = (compression: string | undefined) => (compression === undefined ? undefined : Buffer.from(`compression=${compression}`));

/** The serialized payload, deflated when that pays: JSON of some size that comes out smaller. */
function compressed(payload: Payload, serialized: Uint8Array): { plain: Uint8Array; compression: string | undefined } {
  if (serialized.length < COMPRESS_FROM_BYTES || !text(payload.metadata?.encoding)?.startsWith('json/'))
    return { plain: serialized, compression: undefined };
  // Level 1: nearly the size of the default level for a fraction of the CPU, which the worker spends per payload.
  const deflated = deflateRawSync(serialized, { level: zlibConstants.Z_BEST_SPEED });
  return deflated.length < serialized.length
    ? { plain: deflated, compression: DEFLATE_COMPRESSION }
    : { plain: serialized, compression: undefined };
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly sm4ById = new Map<string, { enc: Buffer; mac: Buffer }>();
  /** The cipher new payloads are sealed with; decode opens either. */
  readonly cipher: PayloadCipher;

  /** The first key encrypts; every key decrypts what was encrypted under its id. The suite: GONGKAI_CRYPTO unless given. */
  constructor(
    private readonly keys: readonly CodecKey[],
    suite: CryptoSuite = cryptoSuiteFromEnv(),
  ) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`codec key ${k.id} must be 32 bytes (AES-256), not ${k.key.length}`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.cipher = cipherOfSuite(suite);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const { plain, compression } = compressed(payload, temporal.api.common.v1.Payload.encode(payload).finish());
      const metadata: Record<string, Uint8Array> = {
        encoding: utf8.encode(ENCRYPTED_ENCODING),
        'encryption-key-id': utf8.encode(id),
        'encryption-cipher': utf8.encode(this.cipher),
      };
      if (compression !== undefined) metadata.compression = utf8.encode(compression);
      return { metadata, data: this.cipher === SM4_CIPHER ? this.sealSm4(id, key, plain, compression) : sealAes(key, plain, compression) };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.['encryption-key-id']) ?? '';
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key id "${keyId}": add that key to GONGKAI_CODEC_KEYS`);
      const cipher = text(payload.metadata?.['encryption-cipher']) ?? AES_CIPHER;
      const compression = text(payload.metadata?.compression);
      if (compression !== undefined && compression !== DEFLATE_COMPRESSION)
        throw new Error(`payload compressed with unknown method "${compression}"`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      let plain: Buffer;
      if (cipher === AES_CIPHER) plain = openAes(key, data, compression);
      else if (cipher === SM4_CIPHER) plain = this.openSm4(keyId, key, data, compression);
      else throw new Error(`payload encrypted with unknown cipher "${cipher}"`);
      if (compression !== undefined) plain = inflateRawSync(plain, { maxOutputLength: MAX_INFLATED_BYTES });
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }

  private sm4KeysOf(id: string, key: Buffer): { enc: Buffer; mac: Buffer } {
    let derived = this.sm4ById.get(id);
    if (!derived) this.sm4ById.set(id, (derived = sm4Keys(key)));
    return derived;
  }

  private sealSm4(id: string, key: Buffer, plain: Uint8Array, compression: string | undefined): Buffer {
    const { enc, mac } = this.sm4KeysOf(id, key);
    const iv = randomBytes(SM4_IV_BYTES);
    const cipher = createCipheriv('sm4-cbc', enc, iv);
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
    return Buffer.concat([sealed, sm3Mac(mac, id, sealed, compression)]);
  }

  private openSm4(id: string, key: Buffer, data: Buffer, compression: string | undefined): Buffer {
    const { enc, mac } = this.sm4KeysOf(id, key);
    if (data.length < SM4_IV_BYTES + 16 + SM3_MAC_BYTES) throw new Error('SM4 payload too short');
    const sealed = data.subarray(0, data.length - SM3_MAC_BYTES);
    if (!timingSafeEqual(sm3Mac(mac, id, sealed, compression), data.subarray(data.length - SM3_MAC_BYTES)))
      throw new Error('SM4 payload fails its HMAC-SM3 check: altered, or sealed under another key');
    const decipher = createDecipheriv('sm4-cbc', enc, sealed.subarray(0, SM4_IV_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(SM4_IV_BYTES)), decipher.final()]);
  }
}

function sealAes(key: Buffer, plain: Uint8Array, compression: string | undefined): Buffer {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const aad = aesAad(compression);
  if (aad) cipher.setAAD(aad);
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function openAes(key: Buffer, data: Buffer, compression: string | undefined): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, GCM_IV_BYTES));
  const aad = aesAad(compression);
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(GCM_IV_BYTES, data.length - GCM_TAG_BYTES)), decipher.final()]);
}

/** `id:base64key[,id:base64key…]`, newest first. */
export function parseCodecKeys(value: string): CodecKey[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id, material] = entry.split(':');
      if (!id || !material || !/^[A-Za-z0-9_.-]{1,64}$/.test(id))
        throw new Error('GONGKAI_CODEC_KEYS entries look like keyid:base64-of-32-bytes');
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

/** The data converter of a worker or client: the codec with these keys, sealing under `suite` (GONGKAI_CRYPTO unless given). */
export function dataConverterFor(keys: readonly CodecKey[] | null, suite: CryptoSuite = cryptoSuiteFromEnv()): DataConverter | undefined {
  return keys ? { payloadCodecs: [new EncryptionCodec(keys, suite)] } : undefined;
}

/** Production entry points: keys must be configured, or encryption explicitly turned off. */
export function requireCodecKeys(env: NodeJS.ProcessEnv): CodecKey[] | null {
  const keys = codecKeysFromEnv(env, null);
  if (!keys && env.GONGKAI_CODEC !== 'off')
    throw new Error('GONGKAI_CODEC_KEYS is required (keyid:base64-of-32-bytes, newest first), or set GONGKAI_CODEC=off');
  return keys;
}
