import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import { shorten } from './shared/shorten.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    name === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(name)
  );
}

/** Compared as digests, so the comparison takes the same time whatever the token given. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The host name of a Host header or an origin's authority, without the port. */
function hostname(authority: string): string {
  return authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d*$/, '');
}

/**
 * The engine has no accounts, so it must not let a web page the coordinator happens to visit use it:
 * - a page on another site may send "simple" cross-site requests (no preflight), so requests that change
 *   anything are refused when the browser says they come from another site (Sec-Fetch-Site, or an Origin
 *   that is not the Host);
 * - a page whose name is re-pointed at 127.0.0.1 (DNS rebinding) is same-origin to itself, so an engine
 *   that listens on loopback answers only requests addressed to a loopback name.
 * Clients outside browsers (the CLI, curl, scripts) send neither header and are not affected.
 * With API_TOKEN set, every /api route but the mentees' and the probes' (route config `public`) needs it.
 */
export function makeRequestGuard(listenHost: string, apiToken: string | null) {
  const loopbackOnly = isLoopbackName(listenHost);
  const tokenDigest = apiToken === null ? null : digest(apiToken);
  return async function requestGuard(request: FastifyRequest): Promise<void> {
    const host = request.headers.host;
    if (loopbackOnly && host && !isLoopbackName(hostname(host))) {
      throw new AppError('HOST_NOT_ALLOWED', { host: shorten(host, 100) });
    }
    // The route the router matched, not the URL as sent: it decodes "/%61pi/…" and drops an absolute form's origin.
    const route = request.routeOptions.url;
    if (
      tokenDigest !== null &&
      route?.startsWith('/api/') &&
      !route.startsWith('/api/docs') &&
      !request.routeOptions.config?.public
    ) {
      const given = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), tokenDigest)) throw new AppError('UNAUTHORIZED');
    }
    if (SAFE_METHODS.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site')
      throw new AppError('CROSS_SITE_REQUEST', { method: request.method, from: site });
    const origin = request.headers.origin;
    if (site === undefined && origin !== undefined && host !== undefined) {
      let from: string | null = null;
      try {
        from = new URL(origin).host;
      } catch {
        from = origin;
      }
      if (from.toLowerCase() !== host.toLowerCase())
        throw new AppError('CROSS_SITE_REQUEST', { method: request.method, from: shorten(origin, 100) });
    }
  };
}
