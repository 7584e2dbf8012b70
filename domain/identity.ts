/**
 * Check digits of the two identifiers an application carries (domain.md §3, applicant data):
 * the 18-digit 公民身份号码 (GB 11643-1999) and the 统一社会信用代码 (GB 32100-2015). A number
 * that fails its check digit was mistyped: the applicant cannot be identified, duplicate
 * detection (§35 重复申请) and the per-applicant fee count (109号 第四条) go wrong. Answers
 * name the rule broken, never the number. Pure module.
 */
import type { IsoDate } from './calendar/dates';

export type IdentityProblem = 'length' | 'characters' | 'birth-date' | 'check-digit';

export type IdentityCheck = { ok: true } | { ok: false; problem: IdentityProblem; message: string };

const fail = (problem: IdentityProblem, message: string): IdentityCheck => ({ ok: false, problem, message });

/** GB 11643-1999 §8.2: ISO 7064 MOD 11-2 weights of the 17 body digits, and the check character by remainder. */
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK = '10X98765432';

export function residentIdCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(body17[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK[sum % 11]!;
}

/**
 * An 18-digit resident ID: 6-digit address code, 8-digit birth date (a real date, not after
 * `today`), 3-digit sequence, check character (0–9 or X; a lower-case x is accepted).
 * The 15-digit first-generation numbers ceased to be valid in 2013 and are refused.
 */
export function checkResidentId(value: string, today?: IsoDate): IdentityCheck {
  const id = value.toUpperCase();
  if (id.length !== 18) return fail('length', 'must be an 18-character resident ID number (GB 11643)');
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return fail('characters', 'must be 17 digits followed by a digit or X (GB 11643)');
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isRealDate(birth) || birth < '1900-01-01' || (today !== undefined && birth > today)) {
    return fail('birth-date', 'has no valid birth date in digits 7–14 (GB 11643)');
  }
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return fail('check-digit', 'check digit does not match (GB 11643)');
  return { ok: true };
}

/** GB 32100-2015: the 31 characters of the code (no I, O, S, V, Z) and the weights of positions 1–17. */
const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export function creditCodeCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += CREDIT_CODE_CHARS.indexOf(body17[i]!) * CREDIT_CODE_WEIGHTS[i]!;
  const check = 31 - (sum % 31);
  return CREDIT_CODE_CHARS[check === 31 ? 0 : check]!;
}

/**
 * A 统一社会信用代码: registering authority and category (2), administrative region code
 * (6 digits), organisation code (9), check character; letters in upper case (a lower-case
 * entry is accepted).
 */
export function checkCreditCode(value: string): IdentityCheck {
  const code = value.toUpperCase();
  if (code.length !== 18) return fail('length', 'must be an 18-character unified social credit code (GB 32100-2015)');
  if (![...code].every((c) => CREDIT_CODE_CHARS.includes(c)) || !/^..\d{6}/.test(code)) {
    return fail('characters', 'must use digits and the letters of GB 32100-2015 (no I, O, S, V, Z), with digits 3–8 the region code');
  }
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return fail('check-digit', 'check digit does not match (GB 32100-2015)');
  return { ok: true };
}

/** The check for an ID document type, or null for the types with no published check digit (passports, permits, others). */
export function checkIdNumber(idType: string, value: string, today?: IsoDate): IdentityCheck | null {
  if (idType === 'resident-id') return checkResidentId(value, today);
  if (idType === 'unified-credit-code') return checkCreditCode(value);
  return null;
}

function isRealDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  // Date.parse rolls 02-30 over to 03-02: a real date reads back unchanged.
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}
