/**
 * The authorization matrix: which role may call which route, in one place. Each route also
 * names its roles where it is declared (and in the OpenAPI document, as `x-roles`); the app
 * refuses to start when the two disagree or a route is missing here, so a change of rights is
 * always a change to this file, reviewed as such. `test/authorization.test.ts` walks every
 * route with every role against it.
 */
import { type Role, ROLES } from '../domain/roles';

const EVERYONE = ROLES;
const PUBLIC = 'public' as const;

export const AUTHORIZATION_MATRIX: Readonly<Record<string, readonly Role[] | typeof PUBLIC>> = {
  'GET /healthz': PUBLIC,
  'GET /api/me': EVERYONE,
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
  'POST /api/applications/:caseNo/confirm-receipt': ['clerk'],
  'POST /api/applications/:caseNo/request-correction': ['clerk'],
  'POST /api/applications/:caseNo/submit-correction': ['clerk'],
  'POST /api/applications/:caseNo/accept': ['clerk'],
  'POST /api/applications/:caseNo/assign': ['clerk'],
  'POST /api/applications/:caseNo/propose': ['department'],
  'POST /api/applications/:caseNo/review-secrecy': ['reviewer', 'leader'],
  'POST /api/applications/:caseNo/answer-secrecy-escalation': ['reviewer'],
  'POST /api/applications/:caseNo/extend-secrecy-escalation': ['reviewer'],
  'POST /api/applications/:caseNo/decide': ['clerk'],
  'POST /api/applications/:caseNo/sign-off': ['leader'],
  'POST /api/applications/:caseNo/deliver': ['clerk'],
  'POST /api/applications/:caseNo/close': ['clerk'],
  'POST /api/applications/:caseNo/start-consultation': ['clerk'],
  'POST /api/applications/:caseNo/record-consultation-answer': ['clerk'],
  'POST /api/applications/:caseNo/suspend': ['clerk'],
  'POST /api/applications/:caseNo/resume': ['clerk'],
  'POST /api/applications/:caseNo/issue-fee-notice': ['clerk'],
  'POST /api/applications/:caseNo/record-fee-payment': ['clerk'],
  'GET /api/fees/quote': ['clerk'],
  'POST /api/applications/:caseNo/request-extension': ['clerk', 'department'],
  'POST /api/applications/:caseNo/approve-extension': ['leader'],
  'POST /api/applications/:caseNo/withdraw': ['clerk'],
  'POST /api/applications/:caseNo/decide-fee-waiver': ['leader'],
  'POST /api/applications/:caseNo/record-notice-delivery': ['clerk'],
  'POST /api/applications/:caseNo/request-reasons': ['clerk'],
  'POST /api/applications/:caseNo/rule-excessive-request': ['leader'],
  'GET /api/public/applications/:queryCode': PUBLIC,
  'POST /api/disputes': ['clerk', 'admin'],
  'GET /api/disputes': EVERYONE,
  'GET /api/disputes/:disputeNo': EVERYONE,
  'POST /api/disputes/:disputeNo/forward': ['clerk'],
  'POST /api/disputes/:disputeNo/submit-evidence': ['clerk', 'department'],
  'POST /api/disputes/:disputeNo/submit-defence': ['clerk'],
  'POST /api/disputes/:disputeNo/hold-meeting': ['clerk'],
  'POST /api/disputes/:disputeNo/record-hearing': ['clerk'],
  'POST /api/disputes/:disputeNo/record-result': ['clerk', 'admin'],
  'POST /api/disputes/:disputeNo/record-enforcement': ['clerk', 'department'],
  'POST /api/disputes/:disputeNo/withdraw': ['clerk'],
  'GET /api/reports/annual': ['clerk', 'leader', 'supervisor', 'admin'],
  'GET /api/reports/annual/cell': ['clerk', 'leader', 'supervisor', 'admin'],
  'POST /codec/encode': ['admin'],
  'POST /api/admin/users/:username/tokens': ['admin'],
  'GET /api/admin/users/:username/tokens': ['admin'],
  'DELETE /api/admin/tokens/:id': ['admin'],
  'GET /api/admin/audit': ['admin'],
  'GET /api/admin/audit.csv': ['admin'],
  'POST /codec/decode': ['admin'],
  'GET /api/supervision/clocks': ['clerk', 'leader', 'supervisor', 'admin'],
  'GET /api/supervision/summary': ['clerk', 'leader', 'supervisor', 'admin'],
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
  'POST /api/incidents/:id/regrade': ['clerk', 'leader', 'supervisor'],
  'POST /api/incidents/:id/assign': ['clerk', 'leader'],
  'POST /api/incidents/:id/assess': ['clerk', 'department'],
  'POST /api/incidents/:id/plan': ['clerk', 'department'],
  'POST /api/incidents/:id/record-consent': ['clerk'],
  'POST /api/incidents/:id/approve': ['reviewer', 'leader'],
  'POST /api/incidents/:id/release': ['clerk'],
  'POST /api/incidents/:id/report': ['clerk', 'leader'],
  'POST /api/incidents/:id/close': ['clerk', 'leader'],
  'POST /api/messages': ['clerk'],
  'GET /api/messages': EVERYONE,
  'GET /api/messages/:id': EVERYONE,
  'POST /api/messages/:id/assign': ['clerk'],
  'POST /api/messages/:id/transfer': ['clerk', 'department'],
  'POST /api/messages/:id/extend': ['leader'],
  'POST /api/messages/:id/reply': ['clerk', 'department'],
  'POST /api/messages/:id/close': ['clerk'],
  'POST /api/documents': ['clerk', 'department'],
  'GET /api/documents': EVERYONE,
  'GET /api/documents/:docId': EVERYONE,
  'POST /api/documents/:docId/verify': ['clerk'],
  'POST /api/documents/:docId/return': ['clerk'],
  'POST /api/documents/:docId/resubmit': ['clerk', 'department'],
  'POST /api/documents/:docId/review-secrecy': ['reviewer', 'leader'],
  'POST /api/documents/:docId/answer-secrecy-escalation': ['reviewer'],
  'POST /api/documents/:docId/extend-secrecy-escalation': ['reviewer'],
  'POST /api/documents/:docId/record-co-issuer': ['clerk'],
  'POST /api/documents/:docId/sign-off': ['leader'],
  'POST /api/documents/:docId/record-publication': ['clerk'],
  'POST /api/documents/:docId/record-interpretation': ['clerk', 'department'],
  'POST /api/documents/:docId/record-deposit': ['clerk'],
  'POST /api/documents/:docId/convert': ['clerk'],
  'POST /api/documents/:docId/open-public-comment': ['clerk', 'department'],
  'POST /api/documents/:docId/close-public-comment': ['clerk', 'department'],
  'POST /api/documents/:docId/exempt-public-comment': ['clerk', 'department'],
  'POST /api/documents/:docId/record-pre-disclosure': ['clerk', 'department'],
  'POST /api/documents/:docId/end-pre-disclosure': ['clerk', 'department'],
  'POST /api/documents/:docId/record-change': ['clerk', 'department'],
  'POST /api/documents/:docId/publish-change': ['clerk'],
  'GET /api/catalogue': PUBLIC,
  'GET /api/document-registers': EVERYONE,
  'GET /api/document-registers/:id': EVERYONE,
  'POST /api/document-registers/:id/items/:docId/decide': ['clerk'],
  'POST /api/document-registers/:id/submit': ['clerk'],
  'POST /api/admin/document-schedules': ['admin'],
};

/** Throws when a declared route is missing from the matrix, grants different roles, or the matrix lists a route that does not exist. */
export function assertMatchesAuthorizationMatrix(declared: ReadonlyArray<{ key: string; roles: readonly Role[] | 'public' }>): void {
  const problems: string[] = [];
  const same = (a: readonly Role[] | 'public', b: readonly Role[] | 'public') =>
    a === 'public' || b === 'public' ? a === b : a.length === b.length && a.every((r) => b.includes(r));
  for (const route of declared) {
    const allowed = AUTHORIZATION_MATRIX[route.key];
    if (!allowed) problems.push(`${route.key} is not in the authorization matrix`);
    else if (!same(allowed, route.roles)) problems.push(`${route.key} declares ${JSON.stringify(route.roles)} but the matrix says ${JSON.stringify(allowed)}`);
  }
  const keys = new Set(declared.map((r) => r.key));
  for (const key of Object.keys(AUTHORIZATION_MATRIX)) if (!keys.has(key)) problems.push(`${key} is in the authorization matrix but no route declares it`);
  if (problems.length > 0) throw new Error(`authorization matrix (api/authorization.ts) disagrees with the routes:\n  ${problems.join('\n  ')}`);
}
