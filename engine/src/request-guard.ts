import type { FastifyRequest } from 'fastify';
import { isLoopbackHost } from './config.js';
import { AppError } from './errors.js';
import { shorten } from './shared/shorten.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host name of a Host header or an origin's authority, without the port. */
function hostname(authority: string): string {
  return authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d*$/, '');
}

/**
 * A web page a signed-in user happens to visit must not use the engine in their name:
 * - a page on another site may send "simple" cross-site requests (no preflight), so requests that change
 *   anything are refused when the browser says they come from another site (Sec-Fetch-Site, or an Origin
 *   that is not the Host);
 * - a page whose name is re-pointed at 127.0.0.1 (DNS rebinding) is same-origin to itself, so an engine
 *   that listens on loopback answers only requests addressed to a loopback name.
 * Clients outside browsers (the CLI, curl, scripts) send no Origin and are not affected; every HTTP/1.1 client
 * sends a Host, so one without (or with an empty one) is refused on loopback like a foreign name: it cannot be
 * shown to be addressed to this machine.
 * Who may call which route is decided after this, by auth/authorize-request.ts.
 */
export function makeRequestGuard(listenHost: string) {
  const loopbackOnly = isLoopbackHost(listenHost);
  return async function requestGuard(request: FastifyRequest): Promise<void> {
    const host = request.headers.host;
    if (loopbackOnly && !(host && isLoopbackHost(hostname(host)))) {
      throw new AppError('HOST_NOT_ALLOWED', { host: shorten(host ?? '(none)', 100) });
    }
    if (SAFE_METHODS.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site')
      throw new AppError('CROSS_SITE_REQUEST', { method: request.method, from: site });
    const origin = request.headers.origin;
    if (site === undefined && origin !== undefined && host !== undefined && !sameOrigin(origin, request, host)) {
      throw new AppError('CROSS_SITE_REQUEST', { method: request.method, from: shorten(origin, 100) });
    }
  };
}

/**
 * Whether `origin` names this engine as the browser reached it: the same host and port and the same scheme (a
 * page served over plain http must not write to the https engine of the same name). Behind a TLS-terminating
 * proxy the engine sees http: the scheme the proxy forwards counts too. A page cannot set X-Forwarded-Proto
 * without a preflight, which this engine does not grant, so trusting it here lets no page in.
 */
function sameOrigin(origin: string, request: FastifyRequest, host: string): boolean {
  let url: URL;
  let addressed: URL;
  try {
    url = new URL(origin);
    // Read with the origin's scheme, so that a default port written out (localhost:80) compares equal.
    addressed = new URL(`${url.protocol}//${host}`);
  } catch {
    return false;
  }
  if (url.host !== addressed.host) return false;
  const forwarded = request.headers['x-forwarded-proto'];
  const schemes = [request.protocol, ...(typeof forwarded === 'string' ? [forwarded.split(',')[0]!.trim()] : [])];
  return schemes.some((scheme) => url.protocol === `${scheme.toLowerCase()}:`);
}
