import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit-entry.js';
import type { User } from '../db/user-repository.js';
import { AppError } from '../errors.js';
import type { AuthService, Credentials } from './auth-service.js';
import { type Principal, rolesOf } from './principal.js';
import type { Role } from './roles.js';
import { accessFor, actingRole, rolesText } from './route-policy.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, when its credentials name someone. */
    principal: Principal | null;
    /** The role the route's access allowed the principal in; null on public and anonymous access. */
    actingRole: Role | null;
  }
}

type RowParams = Readonly<Record<string, string | undefined>>;

/** The session cookie: HTTP-only, SameSite=Lax, Secure over https, path / (auth-routes.ts sets it). */
export const SESSION_COOKIE = 'mm_session';

function credentialsOf(request: FastifyRequest): Credentials {
  const header = request.headers.authorization;
  const bearer = header === undefined ? undefined : (/^Bearer (\S+)$/i.exec(header)?.[1] ?? '');
  return { bearer, session: request.cookies?.[SESSION_COOKIE] };
}

/**
 * The one place where access is decided: every request's matched route is looked up in ROUTE_POLICY, and the
 * credentials it carries (a bearer token, or the session cookie) must name a user holding one of the route's
 * roles. Requests that match no route go on to the 404 handler.
 */
export function makeAuthorizeRequest(auth: () => AuthService, opts: { anonymousQuestions: boolean }) {
  return async function authorizeRequest(request: FastifyRequest): Promise<void> {
    request.principal = null;
    request.actingRole = null;
    // The route the router matched, not the URL as sent: it decodes "/%61pi/…" and drops an absolute form's origin.
    const route = request.routeOptions.url;
    if (route === undefined) return;
    const access = accessFor(request.method, route);
    if (access === undefined) {
      request.log.error({ method: request.method, route }, 'route missing from the access table; refused');
      throw new AppError('ROUTE_NOT_IN_POLICY', { method: request.method, route });
    }
    if (route !== '/api' && !route.startsWith('/api/')) return;
    const credentials = credentialsOf(request);
    if ('public' in access) {
      // A public route answers whatever credentials came; it only learns who sent it when they are good.
      if (credentials.bearer !== undefined || credentials.session !== undefined) {
        request.principal = await auth()
          .authenticate(credentials)
          .catch(() => null);
      }
      return;
    }
    const principal = await auth().authenticate(credentials);
    request.principal = principal;
    // Row-level rules read the route's parameters, which the router has set before onRequest hooks run.
    const row = principal?.kind === 'user' ? { user: principal.user, params: request.params as RowParams } : undefined;
    const role = principal === null ? null : actingRole(access, rolesOf(principal), row);
    request.actingRole = role;
    if (access.anonymous === 'questions' && opts.anonymousQuestions) return;
    if (principal === null) throw new AppError('UNAUTHENTICATED');
    if (role === null) {
      throw new AppError('FORBIDDEN', {
        method: request.method,
        route,
        roles: rolesText(access),
        yours: rolesOf(principal).join(', ') || 'no role',
      });
    }
  };
}

/** The actor a write through this request is recorded under. Throws UNAUTHENTICATED without a principal. */
export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  if (p === null) throw new AppError('UNAUTHENTICATED');
  if (p.kind === 'engine-token') return { kind: 'engine-token', requestId: request.id };
  return { kind: 'user', userId: p.user.id, role: request.actingRole, requestId: request.id };
}

/** The signed-in user; the engine-wide API_TOKEN is nobody's and gets UNAUTHENTICATED. */
export function userOf(request: FastifyRequest): User {
  const p = request.principal;
  if (p === null || p.kind !== 'user') throw new AppError('UNAUTHENTICATED');
  return p.user;
}
