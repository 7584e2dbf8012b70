/**
 * The authorization matrix: which role may call which route, in one place. Each route also
 * names its roles where it is declared (and in the OpenAPI document, as `x-roles`); the app
 * refuses to start when the two disagree or a route is missing here, so a change of rights is
 * always a change to this file, reviewed as such — except a case step's, which is declared
 * once in its kind's step table (api/steps/<kind>.ts) and enters here through `stepRights`.
 * `test/authorization.test.ts` walks every route with every role against it.
 */
import { type Role, ROLES } from '../domain/roles';
import { stepRights } from './case-steps';
import { APPLICATION_STEPS } from './steps/application';
import { DISPUTE_STEPS } from './steps/dispute';
import { DOCUMENT_STEPS } from './steps/document';
import { INCIDENT_STEPS } from './steps/incident';
import { MESSAGE_STEPS } from './steps/message';

const EVERYONE = ROLES;
const PUBLIC = 'public' as const;

export const AUTHORIZATION_MATRIX: Readonly<Record<string, readonly Role[] | typeof PUBLIC>> = {
  'GET /healthz': PUBLIC,
  'GET /livez': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /api/me': EVERYONE,
  'POST /api/auth/login': PUBLIC,
  'POST /api/auth/totp': EVERYONE,
  'POST /api/auth/logout': EVERYONE,
  'POST /api/auth/password': EVERYONE,
  'POST /api/me/totp': EVERYONE,
  'POST /api/me/totp/confirm': EVERYONE,
  'GET /api/me/sessions': EVERYONE,
  'DELETE /api/me/sessions/:id': EVERYONE,
  'GET /api/auth/oidc': PUBLIC,
  'GET /api/auth/oidc/start': PUBLIC,
  'GET /api/auth/oidc/callback': PUBLIC,
  'GET /api/admin/sso-mapping': ['admin'],
  'PUT /api/admin/sso-mapping': ['admin'],
  'GET /api/calendar/add-working-days': EVERYONE,
  'GET /api/calendar/days': EVERYONE,
  'GET /api/admin/calendar/revisions': ['admin'],
  'PUT /api/admin/calendar/overrides/:date': ['admin'],
  'DELETE /api/admin/calendar/overrides/:date': ['admin'],
  'PUT /api/admin/calendar/years/:year': ['admin'],
  'GET /api/rulesets': EVERYONE,
  'GET /api/rulesets/:id': EVERYONE,
  'POST /api/applications': ['clerk'],
  'GET /api/applications': EVERYONE,
  'GET /api/applications/:caseNo': EVERYONE,
  'GET /api/applications/:caseNo/documents/:docNo': EVERYONE,
  ...stepRights('/api/applications/:caseNo', APPLICATION_STEPS),
  'GET /api/fees/quote': ['clerk'],
  'GET /api/public/challenge': PUBLIC,
  'GET /api/public/agencies': PUBLIC,
  'POST /api/public/applications': PUBLIC,
  'POST /api/public/lookup': PUBLIC,
  'GET /api/public/progress': PUBLIC,
  'GET /api/public/documents/:docNo': PUBLIC,
  'POST /api/public/correction': PUBLIC,
  'POST /api/public/attachments': PUBLIC,
  'GET /api/public/files/:fileId': PUBLIC,
  'POST /api/disputes': ['clerk', 'admin'],
  'GET /api/disputes': EVERYONE,
  'GET /api/disputes/:disputeNo': EVERYONE,
  ...stepRights('/api/disputes/:disputeNo', DISPUTE_STEPS),
  'GET /api/reports/annual': ['clerk', 'leader', 'supervisor', 'admin'],
  'GET /api/reports/annual/cell': ['clerk', 'leader', 'supervisor', 'admin'],
  'POST /codec/encode': ['admin'],
  'POST /api/admin/users/:username/tokens': ['admin'],
  'GET /api/admin/users/:username/tokens': ['admin'],
  'DELETE /api/admin/tokens/:id': ['admin'],
  'GET /api/admin/api-keys': ['admin'],
  'GET /api/agency': EVERYONE,
  'PUT /api/admin/agency': ['admin'],
  'PUT /api/admin/agency/seal': ['admin'],
  'DELETE /api/admin/agency/seal': ['admin'],
  'GET /api/departments': EVERYONE,
  'POST /api/admin/departments': ['admin'],
  'PATCH /api/admin/departments/:code': ['admin'],
  'DELETE /api/admin/departments/:code': ['admin'],
  'GET /api/admin/users': ['admin'],
  'POST /api/admin/users': ['admin'],
  'PATCH /api/admin/users/:username': ['admin'],
  'POST /api/admin/users/:username/disable': ['admin'],
  'POST /api/admin/users/:username/enable': ['admin'],
  'POST /api/admin/users/:username/reset-password': ['admin'],
  // The platform's agencies: admins by role, and then only platform admins (checked in the route; others 403).
  'GET /api/platform/agencies': ['admin'],
  'POST /api/platform/agencies': ['admin'],
  'PATCH /api/platform/agencies/:code': ['admin'],
  'GET /api/admin/audit': ['admin'],
  'GET /api/admin/audit.csv': ['admin'],
  'POST /codec/decode': ['admin'],
  'GET /api/supervision/clocks': ['clerk', 'leader', 'supervisor', 'admin'],
  'GET /api/supervision/summary': ['clerk', 'leader', 'supervisor', 'admin'],
  'GET /api/platform/supervision': ['supervisor', 'admin'],
  'GET /api/platform/reports/annual': ['supervisor', 'admin'],
  'GET /api/inbox': EVERYONE,
  'POST /api/inbox/:id/read': EVERYONE,
  'POST /api/admin/supervision/reconcile': ['admin'],
  'GET /api/admin/workflows/:workflowId/history': ['admin'],
  'POST /api/admin/workflows/:workflowId/archive': ['admin'],
  'POST /api/admin/workflows/:workflowId/replay': ['admin'],
  'GET /api/admin/applications/:caseNo/evidence': ['admin'],
  'POST /api/incidents': ['clerk', 'department'],
  'GET /api/incidents': EVERYONE,
  'GET /api/incidents/:id': EVERYONE,
  ...stepRights('/api/incidents/:id', INCIDENT_STEPS),
  'POST /api/messages': ['clerk'],
  'GET /api/messages': EVERYONE,
  'GET /api/messages/:id': EVERYONE,
  ...stepRights('/api/messages/:id', MESSAGE_STEPS),
  'POST /api/documents': ['clerk', 'department'],
  'GET /api/documents': EVERYONE,
  'GET /api/documents/:docId': EVERYONE,
  ...stepRights('/api/documents/:docId', DOCUMENT_STEPS),
  'GET /api/catalogue': PUBLIC,
  'GET /api/document-registers': EVERYONE,
  'GET /api/document-registers/:id': EVERYONE,
  'POST /api/document-registers/:id/items/:docId/decide': ['clerk'],
  'POST /api/document-registers/:id/submit': ['clerk'],
  'POST /api/admin/document-schedules': ['admin'],
  // Case files (api/routes/files.ts): listed to whoever sees the case; personal materials downloaded by clerk and admin only (checked in the route).
  'POST /api/applications/:caseNo/files': ['clerk', 'department'],
  'GET /api/applications/:caseNo/files': EVERYONE,
  'GET /api/applications/:caseNo/files/:fileId': EVERYONE,
  'POST /api/disputes/:disputeNo/files': ['clerk', 'department'],
  'GET /api/disputes/:disputeNo/files': EVERYONE,
  'GET /api/disputes/:disputeNo/files/:fileId': EVERYONE,
  'POST /api/documents/:docId/files': ['clerk', 'department'],
  'GET /api/documents/:docId/files': EVERYONE,
  'GET /api/documents/:docId/files/:fileId': EVERYONE,
};

/**
 * Routes the matrix's roles may call only as platform users (users.platform); any other user answers 403.
 * An agency's own admin administers their agency; the platform's agencies, the national calendar's
 * years and the single sign-on mapping (every agency's departments) are the platform admin's.
 */
export const PLATFORM_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/platform/supervision',
  'GET /api/platform/reports/annual',
  'GET /api/platform/agencies',
  'POST /api/platform/agencies',
  'PATCH /api/platform/agencies/:code',
  'PUT /api/admin/calendar/years/:year',
  'GET /api/admin/sso-mapping',
  'PUT /api/admin/sso-mapping',
]);

/** Throws when a declared route is missing from the matrix, grants different roles, or the matrix lists a route that does not exist. */
export function assertMatchesAuthorizationMatrix(
  declared: ReadonlyArray<{ key: string; roles: readonly Role[] | 'public'; platform?: boolean }>,
): void {
  const problems: string[] = [];
  const same = (a: readonly Role[] | 'public', b: readonly Role[] | 'public') =>
    a === 'public' || b === 'public' ? a === b : a.length === b.length && a.every((r) => b.includes(r));
  for (const route of declared) {
    const allowed = AUTHORIZATION_MATRIX[route.key];
    if (!allowed) problems.push(`${route.key} is not in the authorization matrix`);
    else if (!same(allowed, route.roles))
      problems.push(`${route.key} declares ${JSON.stringify(route.roles)} but the matrix says ${JSON.stringify(allowed)}`);
    if ((route.platform ?? false) !== PLATFORM_ROUTES.has(route.key))
      problems.push(`${route.key} is ${route.platform ? '' : 'not '}for platform users only, but PLATFORM_ROUTES says otherwise`);
  }
  const keys = new Set(declared.map((r) => r.key));
  for (const key of Object.keys(AUTHORIZATION_MATRIX))
    if (!keys.has(key)) problems.push(`${key} is in the authorization matrix but no route declares it`);
  if (problems.length > 0)
    throw new Error(`authorization matrix (api/authorization.ts) disagrees with the routes:\n  ${problems.join('\n  ')}`);
}
