/**
 * HTTP security headers (等保 2.0: 入侵防范 / 恶意代码防范 for the web tier), by helmet.
 *
 * Every response: no MIME sniffing, no framing, no referrer, HSTS (over TLS), a same-origin
 * opener and resource policy, and a content security policy under which the API's own HTML
 * (notices, evidence bundles, the annual report: print-ready pages with an inline <style>)
 * loads nothing and runs nothing. The console (api/console.ts) replaces that policy with its
 * own: its Vite build's scripts, styles and data from this origin only, nothing third-party.
 * The codec endpoints keep their CORS for the Temporal UI (api/routes/codec.ts).
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** For the API's responses: JSON, and HTML documents that carry their styles inline and need nothing else. */
export const API_CSP = {
  'default-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'img-src': ['data:'],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const;

/**
 * For the console: everything from this origin, nothing inline but styles (a notice the console
 * opens as a blob: URL inherits this policy and carries its print styles inline), no plugins,
 * no framing.
 */
export const CONSOLE_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

const asDirectives = (policy: Record<string, readonly string[]>) => Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, [...v]]));

/** helmet's headers for every response, with the API's policy. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: asDirectives(API_CSP) },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** The console's policy, replacing the API's on the console's pages and assets. */
export function consoleContentSecurityPolicy(): RequestHandler {
  return helmet.contentSecurityPolicy({ useDefaults: false, directives: asDirectives(CONSOLE_CSP) });
}
