/**
 * The portal's own SHA-256 (portal/src/sha256.ts, used where Web Crypto is missing: plain http)
 * agrees with Node's on messages around every padding boundary, and a counter it finds for a
 * challenge is one the server's check accepts.
 */
import { createHash } from 'node:crypto';
import { leadingZeroBits } from '../api/routes/public-guard';
import { sha256, solveChallenge } from '../portal/src/sha256';

const hex = (words: Uint32Array) => Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');

it('hashes like node:crypto for lengths around the 55/56/64-byte padding edges and multi-block messages', () => {
  for (const length of [0, 1, 3, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
    const message = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length) % 256));
    expect([length, hex(sha256(message))]).toEqual([length, createHash('sha256').update(message).digest('hex')]);
  }
  expect(hex(sha256(new TextEncoder().encode('令牌.签名:123')))).toBe(createHash('sha256').update('令牌.签名:123').digest('hex'));
});

it('finds a counter the server accepts', async () => {
  const token = 'eyJ2IjoxfQ.c2lnbmF0dXJl';
  const solved = await solveChallenge(token, 12);
  expect(solved.startsWith(`${token}:`)).toBe(true);
  expect(leadingZeroBits(createHash('sha256').update(solved).digest())).toBeGreaterThanOrEqual(12);
});
