import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import { NOT_BLANK } from './validator-compiler.js';
import { STATUS_CODES } from 'node:http';
import { shorten } from './shared/shorten.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Content types the route reads, named when another is sent; JSON when absent. */
    accepts?: readonly string[];
    /** The body is a file of rows, each validated on its own (imports). */
    importFile?: boolean;
    /** Mentees' and probes' routes: answered without API_TOKEN when one is set. */
    public?: boolean;
  }
}

interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: unknown;
}

function body(err: AppError): ErrorBody {
  const out: ErrorBody = {
    statusCode: err.status,
    code: err.code,
    error: STATUS_CODES[err.status] ?? 'Error',
    message: err.message,
  };
  if (err.details !== undefined) out.details = err.details;
  return out;
}

/** Translates Fastify's own errors (parsing, validation, limits) into registry codes. */
function fromFastify(err: FastifyError, request: FastifyRequest): AppError | null {
  if (err.validation) {
    const problems = err.validation.slice(0, MAX_PROBLEMS).map((v) => {
      const where = `${err.validationContext ?? 'body'}${v.instancePath ? v.instancePath.replaceAll('/', '.') : ''}`;
      const param = v.params as Record<string, unknown>;
      if (v.keyword === 'additionalProperties')
        return `${where} has unknown property "${String(param.additionalProperty)}"`;
      if (v.keyword === 'required') return `${where} must have property "${String(param.missingProperty)}"`;
      if (v.keyword === 'enum')
        return `${where} must be one of ${(param.allowedValues as unknown[]).map((a) => JSON.stringify(a)).join(', ')}`;
      if (v.keyword === 'anyOf') return `${where} matches none of the forms above`;
      if (v.keyword === 'pattern' && param.pattern === NOT_BLANK) return `${where} must not be blank`;
      return `${where} ${v.message ?? 'is invalid'}`;
    });
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
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', { detail: err.message });
  }
  return null;
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

export function makeErrorHandler() {
  return function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const appError = err instanceof AppError ? err : fromFastify(err, request);
    // 503 is a state (starting, database away) that readiness probes ask about every few seconds, not a fault.
    if (!appError || (appError.status >= 500 && appError.status !== 503)) request.log.error({ err }, 'request failed');
    const e = appError ?? new AppError('INTERNAL');
    return reply.status(e.status).type('application/json').send(body(e));
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
  return reply.status(e.status).type('application/json').send(body(e));
}
