/**
 * The identity rules (等保 2.0 level 3, GB/T 22239-2019 §8.1.4.1 身份鉴别), each configurable from
 * the environment, with the level-3 defaults: passwords of ≥ 8 characters from 3 classes,
 * changed at first sign-in and every 90 days; 5 failures lock the username for 15 minutes;
 * sessions end after 30 idle minutes and 12 hours in all; admins and leaders use TOTP.
 */
import { type Role, ROLES } from '../../domain/roles';

export interface IdentityConfig {
  passwordMinLength: number;
  /** Of lower case, upper case, digits and other characters. */
  passwordMinClasses: number;
  /** 0: passwords never expire. */
  passwordMaxAgeDays: number;
  /** Consecutive failures that lock a username (0: never). */
  lockoutThreshold: number;
  lockoutMinutes: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** Roles that must sign in with a second factor. */
  totpRoles: readonly Role[];
  /** Shown in authenticator apps (otpauth:// issuer). */
  totpIssuer: string;
}

export const DEFAULT_IDENTITY_CONFIG: IdentityConfig = {
  passwordMinLength: 8,
  passwordMinClasses: 3,
  passwordMaxAgeDays: 90,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
  sessionIdleMinutes: 30,
  sessionMaxHours: 12,
  totpRoles: ['admin', 'leader'],
  totpIssuer: 'Gongkai',
};

export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
    return Number(value);
  };
  let totpRoles = DEFAULT_IDENTITY_CONFIG.totpRoles;
  const rolesValue = env.GONGKAI_TOTP_ROLES;
  if (rolesValue !== undefined) {
    const listed = rolesValue
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const unknown = listed.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (unknown.length > 0) throw new Error(`GONGKAI_TOTP_ROLES names unknown roles: ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`);
    totpRoles = listed as Role[];
  }
  return {
    passwordMinLength: whole('GONGKAI_PASSWORD_MIN_LENGTH', DEFAULT_IDENTITY_CONFIG.passwordMinLength, 8, 128),
    passwordMinClasses: whole('GONGKAI_PASSWORD_MIN_CLASSES', DEFAULT_IDENTITY_CONFIG.passwordMinClasses, 1, 4),
    passwordMaxAgeDays: whole('GONGKAI_PASSWORD_MAX_AGE_DAYS', DEFAULT_IDENTITY_CONFIG.passwordMaxAgeDays, 0, 3650),
    lockoutThreshold: whole('GONGKAI_LOCKOUT_THRESHOLD', DEFAULT_IDENTITY_CONFIG.lockoutThreshold, 0, 100),
    lockoutMinutes: whole('GONGKAI_LOCKOUT_MINUTES', DEFAULT_IDENTITY_CONFIG.lockoutMinutes, 1, 1440),
    sessionIdleMinutes: whole('GONGKAI_SESSION_IDLE_MINUTES', DEFAULT_IDENTITY_CONFIG.sessionIdleMinutes, 1, 1440),
    sessionMaxHours: whole('GONGKAI_SESSION_MAX_HOURS', DEFAULT_IDENTITY_CONFIG.sessionMaxHours, 1, 720),
    totpRoles,
    totpIssuer: env.GONGKAI_TOTP_ISSUER?.trim() || DEFAULT_IDENTITY_CONFIG.totpIssuer,
  };
}
