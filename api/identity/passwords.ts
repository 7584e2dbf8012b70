/**
 * Passwords: argon2id hashes (`@node-rs/argon2`; its defaults are OWASP's: 19 MiB, 2 passes,
 * 1 lane), the composition rule, and generated passwords for the demo and for admins' resets.
 */
import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { IdentityConfig } from './config';

export async function hashPassword(password: string): Promise<string> {
  const hashed = await hash(password);
  if (!hashed.startsWith('$argon2id$')) throw new Error('argon2 did not produce an argon2id hash');
  return hashed;
}

/** False for a wrong password and for a stored value that is not a hash at all. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the username is unknown (or has no password), so that a sign-in takes
// about as long whether the user exists or not.
let dummyHash: Promise<string> | null = null;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(`dummy-${randomInt(1e9)}`);
  await verifyPassword(await dummyHash, password);
  return false;
}

const CLASSES: ReadonlyArray<{ name: string; test: RegExp }> = [
  { name: 'lower-case letters', test: /\p{Ll}/u },
  { name: 'upper-case letters', test: /\p{Lu}/u },
  { name: 'digits', test: /\p{Nd}/u },
  { name: 'other characters', test: /[^\p{Ll}\p{Lu}\p{Nd}]/u },
];

/** What is wrong with a new password (empty: acceptable). Messages name the rule. */
export function passwordProblems(
  password: string,
  rules: Pick<IdentityConfig, 'passwordMinLength' | 'passwordMinClasses'>,
  username?: string,
): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < rules.passwordMinLength)
    problems.push(`must be at least ${rules.passwordMinLength} characters (密码至少 ${rules.passwordMinLength} 位)`);
  if (length > 256) problems.push('must be at most 256 characters');
  const classes = CLASSES.filter((c) => c.test.test(password)).length;
  if (classes < rules.passwordMinClasses) {
    problems.push(
      `must mix at least ${rules.passwordMinClasses} of: ${CLASSES.map((c) => c.name).join(', ')} (has ${classes}) (密码须包含大写字母、小写字母、数字、符号中至少 ${rules.passwordMinClasses} 类)`,
    );
  }
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase()))
    problems.push('must not contain the username (密码不得包含用户名)');
  return problems;
}

/** A random password of 16 characters from all four classes (no look-alike characters). */
export function generatePassword(length = 16): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#%+=?'];
  const all = sets.join('');
  const chars = sets.map((set) => set[randomInt(set.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
