import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OVERLOADED_RETRY_AFTER_SECONDS } from './admission-control.js';
import { isDatabaseUnavailable, isStorageFull } from './db/database-errors.js';
import { AppError, codeOfStatus, type ErrorBody, errorBody } from './errors.js';
import { shorten } from './shared/shorten.js';
import { describeSchemaError } from './validator-compiler.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Content types the route reads, named when another is sent; JSON when absent. */
    accepts?: readonly string[];
    /** The body is a file of rows, each validated on its own (imports). */
    importFile?: boolean;
  }
}

/** Translates Fastify's own errors (parsing, validation, limits) into registry codes. */
function fromFastify(err: FastifyError, request: FastifyRequest): AppError | null {
  if (err.validation) {
    const problems = err.validation
      .slice(0, MAX_PROBLEMS)
      .map((v) => describeSchemaError(v, err.validationContext ?? 'body'));
    return validationFailed(problems, err.validation.length);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', { detail: err.message });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', { detail: 'the body is empty but the content type says JSON' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', {
        limit: request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', {
        contentType: request.headers['content-type'] ?? 'none',
        expected: (request.routeOptions.config.accepts ?? ['application/json']).join(', '),
      });
  }
  if (err instanceof SyntaxError) return new AppError('MALFORMED_JSON', { detail: err.message });
  switch (err.statusCode) {
    case 400:
      return new AppError('VALIDATION_FAILED', { detail: err.message });
    // The static file server's answers to conditional and range requests for the dashboard's files.
    case 412:
      return new AppError('PRECONDITION_FAILED', { headers: conditionHeaders(request) });
    case 416:
      return new AppError('RANGE_NOT_SATISFIABLE', { range: shorten(request.headers.range ?? 'none', 100) });
  }
  return null;
}

function conditionHeaders(request: FastifyRequest): string {
  const names = ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'if-range'];
  return names.filter((name) => request.headers[name] !== undefined).join(', ') || 'none';
}

/** Any other 4xx of Fastify or a plugin keeps its status: it says what to change, and a 400 would hide it. */
function keptClientError(err: FastifyError): ErrorBody | null {
  const status = err.statusCode;
  if (status === undefined || status < 400 || status >= 500) return null;
  return errorBody({ status, code: codeOfStatus(status), message: err.message });
}

/** Problems named in one response: a body can hold a million wrong items, and its answer must stay small. */
export const MAX_PROBLEMS = 20;

/** VALIDATION_FAILED naming the first problems, and how many more there are. */
export function validationFailed(problems: readonly string[], total = problems.length): AppError {
  const named = problems.slice(0, MAX_PROBLEMS);
  const more = total - named.length;
  const detail = more > 0 ? `${named.join('; ')}; and ${more} more` : named.join('; ');
  return new AppError('VALIDATION_FAILED', { detail }, { problems: named });
}

/** A client told to come back in this many seconds: PostgreSQL restarts in a few, and pg reconnects on the next query. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** A database that is away or full is a state a client can tell from a bug (503 and retry, 507), not a 500. */
function fromDatabase(err: unknown): AppError | null {
  if (isStorageFull(err)) return new AppError('INSUFFICIENT_STORAGE');
  if (isDatabaseUnavailable(err))
    return new AppError('DATABASE_UNAVAILABLE', { seconds: DATABASE_RETRY_AFTER_SECONDS });
  return null;
}

export function makeErrorHandler() {
  return function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const appError = err instanceof AppError ? err : (fromFastify(err, request) ?? fromDatabase(err));
    if (appError?.code === 'DATABASE_UNAVAILABLE') reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    if (appError?.code === 'OVERLOADED') reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS));
    const kept = appError ? null : keptClientError(err);
    if (kept) return reply.status(kept.statusCode).type('application/json').send(kept);
    // 503 is a state (starting, database away) that readiness probes ask about every few seconds, not a fault.
    if (!appError || (appError.status >= 500 && appError.status !== 503)) request.log.error({ err }, 'request failed');
    const e = appError ?? new AppError('INTERNAL');
    return reply.status(e.status).type('application/json').send(errorBody(e));
  };
}

/**
 * Errors the router raises before a route is found (Fastify's `frameworkErrors`): a path parameter that is
 * not valid percent-encoding, or one longer than the router takes.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const url = request.url.split('?')[0] ?? '/';
  const detail =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path segment is too long'
      : 'a path segment is not valid percent-encoding';
  const e = new AppError('URL_INVALID', { url: shorten(url, 200), detail });
  return reply.status(e.status).type('application/json').send(errorBody(e));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (Fastify's `clientErrorHandler`): a timeout, headers
 * over the limit, anything else that is not HTTP (a body shorter than its Content-Length). Answered with the
 * same body as every other error, then the connection is closed, as Fastify's default handler does.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new AppError('REQUEST_TIMEOUT')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError('HEADERS_TOO_LARGE')
        : new AppError('MALFORMED_REQUEST', { detail: parserProblem(err) });
  if (socket.writable) {
    const body = errorBody(e);
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${e.status} ${body.error}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}

/** What the parser found, without echoing the request: its messages name the byte it stopped at, not the input. */
function parserProblem(err: NodeJS.ErrnoException): string {
  return err.code?.startsWith('HPE_')
    ? err.code.slice(4).toLowerCase().replaceAll('_', ' ')
    : 'the request ended early';
}
