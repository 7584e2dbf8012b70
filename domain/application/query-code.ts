/** The 查询码 an applicant follows their case with: ten characters that cannot be misread (no 0/O, 1/I). */
import { randomInt } from 'node:crypto';

const QUERY_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newQueryCode(): string {
  return Array.from({ length: 10 }, () => QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)]).join('');
}
