/**
 * Who may call each route: the specification the role × route matrix checks the running app against.
 * Every route of the OpenAPI document must be listed here (the matrix fails on an unlisted route), so a
 * new route cannot ship without someone deciding who may call it. Entries for routes a build does not
 * have are only reported (a feature branch may land later).
 *
 * - 'public':   no token needed; a token, valid or not, is ignored.
 * - 'optional': no token needed; a token that is present must be valid (401 otherwise) and may widen what is shown.
 * - 'any':      any signed-in user (the handler itself limits customers to their own data).
 * - 'inbound-token': no user token; the caller proves itself with the e-mail account's inbound token,
 *                so every user identity (valid JWTs included) gets 401.
 * - roles:      only these roles (others: 403).
 */
export type Access = 'public' | 'optional' | 'any' | 'inbound-token' | readonly ('ADMIN' | 'AGENT' | 'CUSTOMER')[];

const STAFF = ['ADMIN', 'AGENT'] as const;
const ADMIN = ['ADMIN'] as const;

export const ROUTE_ACCESS: Record<string, Access> = {
  // auth
  'POST /api/auth/login': 'public',
  'POST /api/auth/refresh': 'public',
  'GET /api/auth/me': 'any',
  'POST /api/auth/logout': 'any',
  'POST /api/auth/password': 'any',
  'POST /api/auth/password-reset/request': 'public',
  'POST /api/auth/password-reset/confirm': 'public',
  // health
  'GET /api/health': 'public',

  'GET /api/health/ready': 'public',
  // users
  'GET /api/users': ADMIN,
  'POST /api/users': ADMIN,
  'GET /api/users/{id}': ADMIN,
  'PATCH /api/users/{id}': ADMIN,
  'DELETE /api/users/{id}': ADMIN,
  'POST /api/users/{id}/invitation': ADMIN,
  // tickets (docs/tickets-api.md); per-ticket visibility is the handler's: others' tickets answer 404
  'GET /api/tickets': 'any',
  'POST /api/tickets': 'any',
  'GET /api/tickets/{id}': 'any',
  'PATCH /api/tickets/{id}': 'any',
  'DELETE /api/tickets/{id}': STAFF,
  'POST /api/tickets/{id}/restore': ADMIN,
  'GET /api/tickets/{id}/history': 'any',
  'GET /api/tickets/{id}/comments': 'any',
  'POST /api/tickets/{id}/comments': 'any',
  'PATCH /api/tickets/{id}/comments/{commentId}': 'any',
  'DELETE /api/tickets/{id}/comments/{commentId}': 'any',
  'GET /api/tickets/{id}/watchers': 'any',
  'POST /api/tickets/{id}/watchers': 'any',
  'DELETE /api/tickets/{id}/watchers/{userId}': 'any',
  'GET /api/notifications': 'any',
  'POST /api/notifications/read-all': 'any',
  'POST /api/notifications/{id}/read': 'any',
  'POST /api/notifications/{id}/snooze': 'any',
  // teams, routing rules, macros (#23): read by staff, managed by admins; macros: staff (the handler limits
  // shared/team macros to admins and personal ones to their owner)
  'GET /api/teams': STAFF,
  'GET /api/teams/counts': STAFF,
  'PATCH /api/teams/availability/me': STAFF,
  'PATCH /api/teams/availability/{userId}': ADMIN,
  'POST /api/teams': ADMIN,
  'GET /api/teams/{id}': STAFF,
  'PATCH /api/teams/{id}': ADMIN,
  'DELETE /api/teams/{id}': ADMIN,
  'POST /api/teams/{id}/members': ADMIN,
  'DELETE /api/teams/{id}/members/{userId}': ADMIN,
  'GET /api/routing-rules': STAFF,
  'POST /api/routing-rules': ADMIN,
  'POST /api/routing-rules/dry-run': STAFF,
  'GET /api/routing-rules/{id}': STAFF,
  'PATCH /api/routing-rules/{id}': ADMIN,
  'DELETE /api/routing-rules/{id}': ADMIN,
  'GET /api/macros': STAFF,
  'POST /api/macros': STAFF,
  'GET /api/macros/{id}': STAFF,
  'PATCH /api/macros/{id}': STAFF,
  'DELETE /api/macros/{id}': STAFF,
  'POST /api/macros/{id}/apply': STAFF,
  // workflows
  'GET /api/workflows': STAFF,
  'GET /api/workflows/{id}': STAFF,
  'POST /api/workflows': ADMIN,
  'PATCH /api/workflows/{id}': ADMIN,
  'DELETE /api/workflows/{id}': ADMIN,
  'POST /api/workflows/{id}/stages': ADMIN,
  'PATCH /api/workflows/{id}/stages/{stageId}': ADMIN,
  'DELETE /api/workflows/{id}/stages/{stageId}': ADMIN,
  // forms (anonymous submissions only where the form allows them: the handler's 401/404)
  'GET /api/forms': 'any',
  'POST /api/forms': STAFF,
  'GET /api/forms/{id}': 'any',
  'PATCH /api/forms/{id}': STAFF,
  'DELETE /api/forms/{id}': STAFF,
  'POST /api/forms/{id}/publish': STAFF,
  'POST /api/forms/{id}/archive': STAFF,
  'GET /api/forms/{id}/schema': 'optional',
  'GET /api/forms/{id}/versions/{version}': 'any',
  'GET /api/forms/{id}/submissions': 'any',
  'POST /api/forms/{id}/submissions': 'optional',
  'GET /api/forms/{id}/submissions/{submissionId}': 'any',
  'GET /api/forms/{id}/submissions/{submissionId}/attachments/{attachmentId}': 'any',
  // e-mail
  'GET /api/email/accounts': ADMIN,
  'POST /api/email/accounts': ADMIN,
  'GET /api/email/accounts/{id}': ADMIN,
  'PATCH /api/email/accounts/{id}': ADMIN,
  'DELETE /api/email/accounts/{id}': ADMIN,
  'POST /api/email/accounts/{id}/inbound-token': ADMIN,
  'POST /api/email/accounts/{id}/test': ADMIN,
  'POST /api/email/inbound': 'inbound-token',
  'GET /api/email/messages': STAFF,
  'GET /api/email/messages/{id}': STAFF,
  'GET /api/email/attachments/{id}': 'any',
  'POST /api/email/messages/{id}/release': ADMIN,
  // event log
  'GET /api/events': ADMIN,
  'GET /api/events/stream': 'any',
  // knowledge base
  'GET /api/kb/categories': 'public',
  'POST /api/kb/categories': STAFF,
  'PATCH /api/kb/categories/{id}': STAFF,
  'DELETE /api/kb/categories/{id}': STAFF,
  'GET /api/kb/tags': 'public',
  'POST /api/kb/tags': STAFF,
  'DELETE /api/kb/tags/{id}': STAFF,
  'GET /api/kb/search': 'optional',
  'GET /api/kb/search/analytics': STAFF,
  'POST /api/kb/search/{searchId}/click': 'optional',
  'GET /api/kb/feedback': STAFF,
  'PATCH /api/kb/feedback/{id}': STAFF,
  'GET /api/kb/articles': 'optional',
  'POST /api/kb/articles': STAFF,
  'GET /api/kb/articles/{idOrSlug}': 'optional',
  'PATCH /api/kb/articles/{id}': STAFF,
  'DELETE /api/kb/articles/{id}': STAFF,
  'GET /api/kb/articles/{id}/versions': STAFF,
  'GET /api/kb/articles/{id}/versions/diff': STAFF,
  'GET /api/kb/articles/{id}/versions/{n}': STAFF,
  'POST /api/kb/articles/{id}/versions/{n}/restore': STAFF,
  'POST /api/kb/articles/{id}/rating': 'any',
  'POST /api/kb/articles/{id}/view': 'optional',
  'POST /api/kb/articles/{id}/feedback': 'any',
  'POST /api/kb/articles/{id}/attachments': STAFF,
  'GET /api/kb/articles/{id}/attachments': 'optional',
  'GET /api/kb/articles/{id}/attachments/{attachmentId}': 'optional',
  'DELETE /api/kb/articles/{id}/attachments/{attachmentId}': STAFF,
  'GET /api/tickets/{id}/suggested-articles': 'any',
  // SLA
  'GET /api/sla/policies': STAFF,
  'POST /api/sla/policies': ADMIN,
  'POST /api/sla/policies/preview': ADMIN,
  'GET /api/sla/policies/{id}': STAFF,
  'PATCH /api/sla/policies/{id}': ADMIN,
  'DELETE /api/sla/policies/{id}': ADMIN,
  'GET /api/sla/metrics': STAFF,
  'GET /api/sla/breaches': STAFF,
  'POST /api/sla/breaches/{id}/acknowledge': STAFF,
  'GET /api/sla/dashboard': STAFF,
  'GET /api/tickets/{id}/sla': 'any',
};

/** Routes that answer with a never-ending stream: the matrix reads their status, then hangs up. */
export const STREAM_ROUTES: ReadonlySet<string> = new Set(['GET /api/events/stream']);
