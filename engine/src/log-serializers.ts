import type { FastifyRequest } from 'fastify';

/** Levels at which an operator chose to see more than the default: the full URL and the client's address. */
const VERBOSE_LEVELS = new Set(['debug', 'trace']);

/**
 * How requests and errors appear in the log. Below `debug` the log holds no personal data (docs/resilience.md):
 * - a URL keeps its path (ids only) and the names of its query parameters, never their values: a mentor search
 *   (`q`), a sign-in's `code` and `state` and a filter on a person are all query values;
 * - no client address (personal data under the GDPR), no bodies (the engine never logs one);
 * - an error keeps its type, message, code, stack and the names of the table, column and constraint, but not the
 *   properties database drivers add: PGlite attaches the statement's parameters (a question's text), pg a
 *   `detail` that quotes the conflicting values.
 */
export function logSerializers(level: string) {
  const verbose = VERBOSE_LEVELS.has(level);
  return {
    req: (request: FastifyRequest) => ({
      method: request.method,
      url: verbose ? request.url : withoutQueryValues(request.url),
      host: request.host,
      ...(verbose && { remoteAddress: request.ip, remotePort: request.socket?.remotePort }),
    }),
    err: (err: Error) => safeError(err),
  };
}

/** `/api/mentors?q=x&limit=5` → `/api/mentors?q=~&limit=~`. */
export function withoutQueryValues(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=')[0]!.slice(0, 40)}=~`);
  return `${url.slice(0, at)}?${names.join('&')}`;
}

/** What pino's error serializer returns, as Fastify's logger options type it. */
interface LoggedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** Properties of database errors that name the schema, not the data. */
const SAFE_ERROR_FIELDS = ['code', 'statusCode', 'severity', 'table', 'column', 'constraint', 'routine'] as const;

/**
 * An error as the log may show it. PostgreSQL's data exceptions (class 22, such as `invalid input syntax for type
 * integer: "..."`) quote the value in their message, so only the part before the quote is kept.
 */
export function safeError(err: unknown, depth = 0): LoggedError {
  if (!(err instanceof Error)) return { type: typeof err, message: '(not an Error)', stack: '' };
  const fields = err as unknown as Record<string, unknown>;
  const quotesData = typeof fields.code === 'string' && fields.code.startsWith('22') && fields.severity !== undefined;
  const out: LoggedError = {
    type: err.constructor?.name ?? err.name,
    message: quotesData ? (err.message.split(':')[0] ?? '') : err.message,
    stack: (quotesData ? err.stack?.split('\n').slice(1).join('\n') : err.stack) ?? '',
  };
  for (const key of SAFE_ERROR_FIELDS) if (fields[key] !== undefined) out[key] = fields[key];
  if (err.cause !== undefined && depth < 5) out.cause = safeError(err.cause, depth + 1);
  return out;
}
