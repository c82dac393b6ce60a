import { ROLES, type Role } from './roles.js';

/**
 * Who may call a route:
 * - `public`: anyone, signed in or not (probes, the API's documents, signing in);
 * - `roles`: a signed-in user holding one of them; with `anonymous: 'questions'` also anyone, signed in or not,
 *   while ANONYMOUS_QUESTIONS is on.
 *   `own` lets one more role call the route, on the rows it owns only (a mentor, their own profile).
 */
export type Access =
  | { readonly public: true }
  | { readonly roles: readonly Role[]; readonly anonymous?: 'questions'; readonly own?: RowGrant };

/** What a row-level rule reads: the signed-in user's link, and the route's parameters as matched. */
export interface RowContext {
  readonly user: { readonly mentorId: string | null };
  readonly params: Readonly<Record<string, string | undefined>>;
}

/**
 * A row-level rule beside a route's roles: `role` may call it too, but only where `allows` says the row is the
 * user's. It reads the URL alone, never the database, so that another mentor's id is refused the same way
 * whether that mentor exists or not (FORBIDDEN, not a 404 that would tell them apart).
 */
export interface RowGrant {
  readonly role: Role;
  /** Which rows, for the refusal's message. */
  readonly rows: string;
  readonly allows: (row: RowContext) => boolean;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** A method and a route as Fastify names it (`/api/mentors/:id`); a trailing `/*` covers everything under a path. */
export type RouteKey = `${Method} /api/${string}`;

const PUBLIC: Access = { public: true };
const signedIn: Access = { roles: ROLES };
const coordinator: Access = { roles: ['coordinator'] };
const staffReaders: Access = { roles: ['coordinator', 'researcher'] };
const researcher: Access = { roles: ['researcher'] };
const admin: Access = { roles: ['admin'] };

/** A mentor user reads and edits the one mentor profile their account is linked to; deleting it is not theirs. */
const ownMentorProfile: RowGrant = {
  role: 'mentor',
  rows: 'their own profile',
  allows: ({ user, params }) => user.mentorId !== null && params.id === user.mentorId,
};
const coordinatorOrOwnMentor: Access = { roles: ['coordinator'], own: ownMentorProfile };

/**
 * The one table of who may call each route, enforced for every request by auth/authorize-request.ts. A route
 * under /api that is missing here is refused to everyone (and fails the role × route test); routes outside
 * /api are the dashboard's files, public.
 */
export const ROUTE_POLICY: Readonly<Record<RouteKey, Access>> = {
  'GET /api/health': PUBLIC,
  'GET /api/ready': PUBLIC,
  'GET /api/status': PUBLIC,
  'GET /api/openapi.json': PUBLIC,
  'GET /api/docs': PUBLIC,
  'GET /api/docs/*': PUBLIC,

  'POST /api/auth/login': PUBLIC,
  // Clears the cookie even when the session it names has ended.
  'POST /api/auth/logout': PUBLIC,
  'POST /api/auth/logout-all': signedIn,
  'GET /api/auth/me': signedIn,
  'GET /api/auth/demo-accounts': PUBLIC,
  // Single sign-on: the button's settings, and the two legs of the redirect through the identity provider.
  'GET /api/auth/sso': PUBLIC,
  'GET /api/auth/sso/start': PUBLIC,
  'GET /api/auth/sso/callback': PUBLIC,
  'GET /api/auth/tokens': signedIn,
  'POST /api/auth/tokens': signedIn,
  'DELETE /api/auth/tokens/:id': signedIn,
  // A user's own data: take it away, delete the account.
  'GET /api/me/export': signedIn,
  'DELETE /api/me': signedIn,
  // A mentor reads the requests sent to their own profile, with the questions sent with them.
  'GET /api/me/session-requests': { roles: ['mentor'] },
  // The code of conduct: everyone accepts it and may report anyone's conduct; coordinators handle the reports.
  'GET /api/conduct': signedIn,
  'POST /api/conduct/accept': signedIn,
  'POST /api/conduct/reports': signedIn,
  'GET /api/conduct/reports': coordinator,
  'POST /api/conduct/reports/:id/handled': coordinator,

  'POST /api/match': { roles: ['mentee'], anonymous: 'questions' },
  // Sessions (docs/sessions.md): each side's transitions; the service answers 404 to anyone not party to the
  // session, whatever their roles, and the state machine refuses the other side's transitions.
  'POST /api/session-requests': { roles: ['mentee'] },
  'POST /api/session-requests/:id/accept': { roles: ['mentor'] },
  'POST /api/session-requests/:id/decline': { roles: ['mentor'] },
  'POST /api/session-requests/:id/complete': { roles: ['mentor'] },
  'POST /api/session-requests/:id/no-show': { roles: ['mentor'] },
  'POST /api/session-requests/:id/withdraw': { roles: ['mentee'] },
  'POST /api/session-requests/:id/cancel': { roles: ['mentee', 'mentor', 'coordinator', 'admin'] },
  'POST /api/session-requests/:id/feedback': { roles: ['mentee', 'mentor'] },
  'GET /api/session-requests': { roles: ['mentee', 'mentor'] },
  'GET /api/session-requests/:id': { roles: ['mentee', 'mentor', 'coordinator', 'admin'] },
  'GET /api/session-requests/:id/invite.ics': { roles: ['mentee', 'mentor'] },
  // A mentor's own schedule; anyone signed in reads a mentor's free slots (to request one).
  'GET /api/me/availability': { roles: ['mentor'] },
  'PUT /api/me/availability': { roles: ['mentor'] },
  'GET /api/mentors/:id/slots': signedIn,
  // Browsing mentors' public profiles is for anyone signed in, as asking is.
  'GET /api/directory': signedIn,
  // The programme's aggregates; researchers read the per-mentor table without names.
  'GET /api/programme': { roles: ['coordinator', 'admin', 'researcher'] },
  // Cohort assignment: a programme's coordinators (and admins) run a cohort, review the draft and publish it.
  'POST /api/assignments': { roles: ['coordinator', 'admin'] },
  'GET /api/assignments/:id': { roles: ['coordinator', 'admin'] },
  'POST /api/assignments/:id/solve': { roles: ['coordinator', 'admin'] },
  'POST /api/assignments/:id/publish': { roles: ['coordinator', 'admin'] },

  'POST /api/match/preview': coordinator,
  'GET /api/requests/recent': coordinator,
  'GET /api/mentors': coordinator,
  'POST /api/mentors': coordinator,
  'GET /api/mentors/:id': coordinatorOrOwnMentor,
  'PATCH /api/mentors/:id': coordinatorOrOwnMentor,
  'DELETE /api/mentors/:id': coordinator,
  'GET /api/mentors/export': coordinator,
  'POST /api/mentors/import': coordinator,
  'POST /api/jobs/import': coordinator,
  // Imports' and evaluation runs' progress.
  'GET /api/jobs/:id': staffReaders,

  // Researchers compare configurations; coordinators change them.
  'GET /api/configs': staffReaders,
  'GET /api/configs/active': staffReaders,
  'GET /api/configs/:version': staffReaders,
  'POST /api/configs': coordinator,
  'POST /api/configs/validate': coordinator,
  'PATCH /api/configs/:version': coordinator,
  'POST /api/configs/:version/activate': coordinator,
  'POST /api/configs/:version/rollback': coordinator,

  'GET /api/evaluation/datasets': researcher,
  'POST /api/evaluation/runs': researcher,
  'GET /api/evaluation/runs/:id': researcher,
  'GET /api/evaluation/runs/:id/export': researcher,
  // What the ranker served and what followed, pseudonymous: researchers study it, coordinators and admins run the programme.
  'GET /api/evaluation/outcomes': { roles: ['researcher', 'coordinator', 'admin'] },
  'GET /api/evaluation/off-policy': { roles: ['researcher', 'coordinator', 'admin'] },

  'GET /api/users': admin,
  'POST /api/users': admin,
  'PATCH /api/users/:id': admin,
  'GET /api/audit': admin,
  'GET /api/audit/export': admin,
  // Privacy: whether coordinators read question texts.
  'GET /api/settings/privacy': admin,
  'PATCH /api/settings/privacy': admin,
  // How sessions run; coordinators read it to run the programme.
  'GET /api/settings/sessions': { roles: ['admin', 'coordinator'] },
  'PUT /api/settings/sessions': admin,
  // Each user's own inbox (the service reads only the caller's rows); the outbox's emails only for admins.
  'GET /api/notifications': signedIn,
  'POST /api/notifications/:id/read': signedIn,
  'POST /api/notifications/read-all': signedIn,
  'GET /api/outbox': admin,
};

/**
 * The access for a request's method and matched route; undefined when the table has none (refused). HEAD is
 * GET's; routes outside /api are the dashboard's files.
 */
export function accessFor(method: string, route: string): Access | undefined {
  if (route !== '/api' && !route.startsWith('/api/')) return PUBLIC;
  const m = method === 'HEAD' ? 'GET' : method;
  const exact = ROUTE_POLICY[`${m} ${route}` as RouteKey];
  if (exact) return exact;
  for (const [key, access] of Object.entries(ROUTE_POLICY) as Array<[RouteKey, Access]>) {
    if (!key.endsWith('/*')) continue;
    const [keyMethod, prefix] = key.slice(0, -2).split(' ') as [string, string];
    if (keyMethod === m && route.startsWith(`${prefix}/`)) return access;
  }
  return undefined;
}

/**
 * The role a principal acts in on a route: the first of the route's roles they hold; failing that, the role of
 * its row-level rule when they hold it and the row (read from `row`) is theirs.
 */
export function actingRole(access: Access, roles: readonly Role[], row?: RowContext): Role | null {
  if ('public' in access) return null;
  const role = access.roles.find((r) => roles.includes(r));
  if (role !== undefined) return role;
  const own = access.own;
  return own !== undefined && row !== undefined && roles.includes(own.role) && own.allows(row) ? own.role : null;
}

/** Who may call a route, in words, for a refusal: "coordinator or mentor (their own profile)". */
export function rolesText(access: Exclude<Access, { public: true }>): string {
  const own = access.own === undefined ? [] : [`${access.own.role} (${access.own.rows})`];
  return [...access.roles, ...own].join(' or ');
}
