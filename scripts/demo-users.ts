/**
 * The demo users' sign-in credentials for `npm start`: one user per role with a random
 * password generated once and kept in `.data/demo-users.json` (role → `{ username, password }`;
 * the second agency's users and the platform's, by username: `sfj.clerk`, `platform.supervisor` …;
 * plus `totpSecret` for the roles that need a second factor: the demo admin and leader are
 * enrolled with that secret, so `npm run totp -- admin` or any authenticator app gives their
 * code). Demo passwords are not temporary: demo users are not asked to change them. A password
 * changed in the console is set back to the file's at the next start, and a demo
 * password does not expire while the demo is restarted.
 */
import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { type Credentials, credentialsById, enableTotp, setPasswordHash } from '../db/repositories/credentials';
import { seedDemoUsers, seedSecondDemoAgency } from '../db/repositories/users';
import type { Database } from '../db/schema';
import type { Role } from '../domain/roles';
import type { IdentityConfig } from '../api/identity/config';
import { generatePassword, hashPassword, verifyPassword } from '../api/identity/passwords';
import { generateTotpSecret, totpStep } from '../api/identity/totp';

export interface DemoCredential {
  username: string;
  password: string;
  /** Base32 TOTP secret, for the roles that sign in with a second factor. */
  totpSecret?: string;
}

/** By role for the first agency's demo users, by username for the others. */
export type DemoCredentials = Partial<Record<Role, DemoCredential>> & Record<string, DemoCredential | undefined>;

function readFile(file: string): DemoCredentials {
  if (!fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoCredentials;
  } catch {
    return {};
  }
}

/**
 * Seeds the demo users (idempotent) and makes each able to sign in with the credentials in
 * `file`, generating those missing; writes the file (mode 600) and returns its content.
 */
export async function ensureDemoCredentials(
  db: Kysely<Database>,
  file: string,
  config: Pick<IdentityConfig, 'totpRoles'>,
  now = new Date(),
): Promise<DemoCredentials> {
  const first = await seedDemoUsers(db);
  const users = { ...first, ...(await seedSecondDemoAgency(db)) };
  const previous = readFile(file);
  const result: DemoCredentials = {};
  for (const [username, { id, role }] of Object.entries(users)) {
    const key = username in first ? role : username;
    const old = previous[key];
    const credential: DemoCredential =
      old?.username === username && typeof old.password === 'string'
        ? { username, password: old.password }
        : { username, password: generatePassword() };
    if (config.totpRoles.includes(role))
      credential.totpSecret = old?.username === username && old.totpSecret ? old.totpSecret : generateTotpSecret();
    const stored = (await credentialsById(db, id)) as Credentials;
    // The file's password, not due for a change (a demo password does not age: dated each start).
    const current =
      stored.passwordHash && (await verifyPassword(stored.passwordHash, credential.password))
        ? stored.passwordHash
        : await hashPassword(credential.password);
    await setPasswordHash(db, id, current, { mustChange: false, now });
    // Enrolled with the file's secret; codes of the current step onwards are accepted.
    if (credential.totpSecret && stored.totpSecret !== credential.totpSecret)
      await enableTotp(db, id, credential.totpSecret, totpStep(now) - 2, now);
    result[key] = credential;
  }
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
  return result;
}
