import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { ConductService } from './conduct-service.js';

/** Writes a user may make before accepting the code of conduct: accepting it, signing out, leaving. */
const BEFORE_ACCEPTING = new Set([
  'POST /api/conduct/accept',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'POST /api/auth/logout-all',
  'DELETE /api/me',
]);

/**
 * Until a signed-in user has accepted the code of conduct (its current version), the API refuses their writes
 * with 403 CONDUCT_NOT_ACCEPTED; reads stay open, so the dashboard can show the text. Runs after the access
 * check, which names the user. Anonymous questions and the deprecated engine-wide API_TOKEN are nobody's.
 */
export function makeConductGate(conduct: () => ConductService) {
  return async function conductGate(request: FastifyRequest): Promise<void> {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    const p = request.principal;
    if (p === null || p.kind !== 'user') return;
    const route = request.routeOptions.url;
    if (route === undefined || BEFORE_ACCEPTING.has(`${request.method} ${route}`)) return;
    if (!(await conduct().hasAccepted(p.user.id))) throw new AppError('CONDUCT_NOT_ACCEPTED');
  };
}
