/**
 * The cryptographic suite (GONGKAI_CRYPTO): the default is AES-256-GCM and SHA-256; `gm` uses
 * the national algorithms (商用密码, GB/T 39786-2021): SM4 for payload encryption (with HMAC-SM3,
 * encrypt-then-MAC) and SM3 for digests. Node's OpenSSL provides both (`sm4-cbc`, `sm3`).
 *
 * Every stored digest names its algorithm (`sha256:<hex>`, `sm3:<hex>`), so a deployment can
 * switch suites without losing what it stored before: values are verified with the algorithm
 * they name, and new values are written with the configured one. A bare hex digest (stored
 * before digests were labelled) is SHA-256.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const CRYPTO_SUITES = ['default', 'gm'] as const;
export type CryptoSuite = (typeof CRYPTO_SUITES)[number];

export const DIGEST_ALGORITHMS = ['sha256', 'sm3'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** GONGKAI_CRYPTO: unset or `default` → AES-256-GCM / SHA-256; `gm` → SM4 / SM3. Anything else is refused. */
export function cryptoSuiteFromEnv(env: NodeJS.ProcessEnv = process.env): CryptoSuite {
  const value = (env.GONGKAI_CRYPTO ?? '').trim().toLowerCase();
  if (value === '' || value === 'default') return 'default';
  if (value === 'gm') return 'gm';
  throw new Error(`GONGKAI_CRYPTO must be "gm" (SM4/SM3) or unset (AES-256-GCM/SHA-256), not "${env.GONGKAI_CRYPTO}"`);
}

/** The digest algorithm of a suite. */
export const digestAlgorithmOf = (suite: CryptoSuite): DigestAlgorithm => (suite === 'gm' ? 'sm3' : 'sha256');

/** The digest algorithm this process writes with (GONGKAI_CRYPTO). */
export const currentDigestAlgorithm = (env: NodeJS.ProcessEnv = process.env): DigestAlgorithm => digestAlgorithmOf(cryptoSuiteFromEnv(env));

/** Hex digest of `data` with `algorithm`. */
export function digestHex(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  return createHash(algorithm).update(data).digest('hex');
}

/** `<algorithm>:<hex>`: a digest that names its algorithm. */
export function labelledDigest(data: string | Uint8Array, algorithm: DigestAlgorithm = currentDigestAlgorithm()): string {
  return `${algorithm}:${digestHex(algorithm, data)}`;
}

/** Splits a stored digest into algorithm and hex; an unlabelled hex digest is SHA-256. */
export function parseLabelledDigest(stored: string): { algorithm: DigestAlgorithm; hex: string } {
  const colon = stored.indexOf(':');
  if (colon < 0) return { algorithm: 'sha256', hex: stored };
  const algorithm = stored.slice(0, colon);
  if (!(DIGEST_ALGORITHMS as readonly string[]).includes(algorithm)) throw new Error(`unknown digest algorithm "${algorithm}"`);
  return { algorithm: algorithm as DigestAlgorithm, hex: stored.slice(colon + 1) };
}

/** Whether `data` has the stored digest, computed with the algorithm the stored value names. */
export function verifyLabelledDigest(data: string | Uint8Array, stored: string): boolean {
  const { algorithm, hex } = parseLabelledDigest(stored);
  const expected = Buffer.from(hex, 'hex');
  const actual = createHash(algorithm).update(data).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Every form under which a secret's digest may be stored, whichever suite wrote it: for looking
 * a secret (a bearer token, an API key) up by its digest with `where(column, 'in', …)`.
 */
export function storedDigestCandidates(data: string | Uint8Array): string[] {
  return DIGEST_ALGORITHMS.map((algorithm) => labelledDigest(data, algorithm));
}
