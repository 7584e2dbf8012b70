/**
 * `npm run totp -- <role>`: the current 6-digit code of a demo user's second factor (the
 * demo admin and leader are enrolled with the secret kept in .data/demo-users.json), for
 * trying the console without an authenticator app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { totpCode, TOTP_PERIOD_SECONDS } from '../api/identity/totp';
import { PROJECT_ROOT } from '../temporal-config/binaries';
import type { DemoCredentials } from './demo-users';

const file = path.join(PROJECT_ROOT, '.data', 'demo-users.json');
const role = process.argv[2] ?? 'admin';
if (!fs.existsSync(file)) {
  console.error(`${path.relative(process.cwd(), file)} does not exist yet: run npm start first`);
  process.exit(1);
}
const demo = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoCredentials;
const secret = demo[role as keyof DemoCredentials]?.totpSecret;
if (!secret) {
  console.error(
    `no TOTP secret for role "${role}" in ${path.relative(process.cwd(), file)} (roles with one: ${
      Object.entries(demo)
        .filter(([, c]) => c?.totpSecret)
        .map(([r]) => r)
        .join(', ') || 'none'
    })`,
  );
  process.exit(1);
}
const now = new Date();
const left = TOTP_PERIOD_SECONDS - (Math.floor(now.getTime() / 1000) % TOTP_PERIOD_SECONDS);
console.log(`${totpCode(secret, now)}   (${role}; valid ${left} s more)`);
