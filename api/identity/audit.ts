/**
 * Sign-in events into the audit log (db/repositories/audit.ts): `auth.sign-in` once the whole
 * sign-in succeeded (password, and the second factor where one is owed), `auth.sign-in-failed`
 * with the name typed and why (unknown user, wrong password, wrong code: for the admin's eyes,
 * never in the answer), `auth.locked`, `auth.sign-out`, `auth.session-ended` (idle, expired),
 * `auth.password-changed`, `auth.totp-enrolled`. Never a password, code or session id's secret.
 */
import type { Kysely } from 'kysely';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import type { Database } from '../../db/schema';
import type { IdentityEvent } from './session-auth';

export function auditIdentityEvents(db: Kysely<Database>): (event: IdentityEvent) => Promise<void> {
  return async (event) => {
    const ip = event.req.ip ?? null;
    switch (event.kind) {
      case 'sign-in':
        // With a second factor owed, the sign-in is recorded when that step succeeds.
        if (!event.secondFactorPending)
          await recordAudit(db, {
            action: 'auth.sign-in',
            actor: auditActor(event.user),
            ip,
            target: `user:${event.user.username}`,
            details: { session: event.sessionId, method: event.method ?? 'password', ...event.details },
          });
        return;
      case 'second-factor':
        await recordAudit(db, {
          action: 'auth.sign-in',
          actor: auditActor(event.user),
          ip,
          target: `user:${event.user.username}`,
          details: { session: event.sessionId, method: `${event.firstFactor ?? 'password'}+${event.method}` },
        });
        return;
      case 'sign-in-failed':
        await recordAudit(db, {
          action: 'auth.sign-in-failed',
          actor: null,
          ip,
          target: `user:${event.username}`,
          details: {
            username: event.username,
            reason: event.reason,
            knownUser: event.userId !== null,
            ...(event.method ? { method: event.method } : {}),
            ...event.details,
          },
        });
        return;
      case 'locked':
        await recordAudit(db, {
          action: 'auth.locked',
          actor: null,
          ip,
          target: `user:${event.username}`,
          details: { username: event.username, lockedUntil: event.lockedUntil.toISOString(), knownUser: event.userId !== null },
        });
        return;
      case 'sign-out':
        await recordAudit(db, {
          action: 'auth.sign-out',
          actor: auditActor(event.user),
          ip,
          target: `user:${event.user.username}`,
          details: { session: event.sessionId },
        });
        return;
      case 'session-ended':
        await recordAudit(db, {
          action: 'auth.session-ended',
          actor: auditActor(event.user),
          ip,
          target: `user:${event.user.username}`,
          details: { session: event.sessionId, reason: event.reason },
        });
        return;
      case 'password-changed':
        await recordAudit(db, {
          action: 'auth.password-changed',
          actor: auditActor(event.user),
          ip,
          target: `user:${event.user.username}`,
        });
        return;
      case 'totp-enrolled':
        await recordAudit(db, { action: 'auth.totp-enrolled', actor: auditActor(event.user), ip, target: `user:${event.user.username}` });
        return;
    }
  };
}
