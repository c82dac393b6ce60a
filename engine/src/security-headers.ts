import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * The dashboard's Content-Security-Policy: its own scripts plus the inline start-up script SvelteKit writes into
 * index.html, allowed by hash, so an injected script would not run and nothing can be sent to another site.
 * Styles stay inline-capable: components set style attributes.
 */
export function dashboardCsp(indexHtml: string): string {
  const hashes = [...indexHtml.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)]
    .filter((m) => m[1]!.trim() !== '' && !/\ssrc=/.test(m[0].slice(0, m[0].indexOf('>'))))
    .map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers on every answer: no content sniffing, no framing by other sites (the dashboard's buttons change data),
 * no referrer; and the dashboard's policy on its HTML (`csp`, null without a dashboard).
 */
export function addSecurityHeaders(app: FastifyInstance, csp: string | null): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  });
  if (csp === null) return;
  app.addHook('onSend', async (request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && !request.url.startsWith('/api/'))
      reply.header('content-security-policy', csp);
    return payload;
  });
}
