import { STATUS_CODES } from 'node:http';

/**
 * The one registry of error codes. Domain code throws `AppError`s by code; error-handler.ts is the
 * only place that turns them (and Fastify's own errors) into HTTP responses.
 * Codes are part of the public API: never rename one, add a new one instead.
 */
export const errorRegistry = {
  VALIDATION_FAILED: { status: 400, message: 'Request is invalid: {detail}' },
  MALFORMED_JSON: { status: 400, message: 'Body is not valid JSON: {detail}' },
  BODY_TOO_LARGE: { status: 413, message: 'Body is larger than the limit of {limit} bytes' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Content type {contentType} is not supported here; expected one of {expected}',
  },
  ROUTE_NOT_FOUND: { status: 404, message: 'No route {method} {url}' },
  UNAUTHORIZED: {
    status: 401,
    message:
      'The bearer token is not valid: it is unknown or revoked, or its user is disabled (send Authorization: Bearer <token>)',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'Sign in first: this route needs a session (POST /api/auth/login) or an API token',
  },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or the password is wrong' },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    message: 'Too many failed sign-ins {scope}; try again in {retryAfter} s',
  },
  FORBIDDEN: { status: 403, message: '{method} {route} is for {roles}; you are signed in as {yours}' },
  ROUTE_NOT_IN_POLICY: {
    status: 403,
    message: '{method} {route} is refused: it is missing from the access table (auth/route-policy.ts)',
  },
  USER_NOT_FOUND: { status: 404, message: 'No user {id}' },
  CONDUCT_NOT_ACCEPTED: {
    status: 403,
    message:
      'Accept the code of conduct first (GET /api/conduct, then POST /api/conduct/accept); until then you can read but not change anything',
  },
  CONDUCT_VERSION_CHANGED: {
    status: 409,
    message: 'The code of conduct changed to version {current} since you read version {version}; read it again',
  },
  REPORT_NOT_FOUND: { status: 404, message: 'No conduct report {id}' },
  SESSION_REQUEST_NOT_FOUND: { status: 404, message: 'You took part in no session request {id}' },
  // Sessions (issue 21): details carry the request's current `state` where there is one.
  ILLEGAL_TRANSITION: {
    status: 409,
    message: 'The session request is {state}: it cannot {action} now (docs/sessions.md shows the lifecycle)',
  },
  TRANSITION_NOT_YOURS: { status: 403, message: 'Only the {actors} of a session may {action}' },
  SESSION_NOT_OVER: { status: 409, message: 'The session cannot {action} before {at}' },
  CAPACITY_FULL: {
    status: 409,
    message: 'The mentor has accepted as many sessions in {month} as their capacity ({capacity}) allows',
  },
  SLOT_TAKEN: { status: 409, message: 'The mentor already has a session between {start} and {end}; pick another slot' },
  SLOT_UNAVAILABLE: {
    status: 409,
    message: "The slot at {start} is not one of the mentor's free slots (GET /api/mentors/{mentorId}/slots)",
  },
  SLOT_INVALID: { status: 400, message: 'The slot is not valid: {detail}' },
  OPEN_REQUEST_EXISTS: {
    status: 409,
    message: 'You already have an open request with this mentor; wait for their answer or withdraw it',
  },
  TOO_MANY_OPEN_REQUESTS: {
    status: 409,
    message: 'You have {open} open requests, the most the programme allows; withdraw one or wait for answers',
  },
  REQUEST_RATE_LIMITED: {
    status: 429,
    message: 'You sent {count} session requests in the last hour, the most allowed; try again later',
  },
  FEEDBACK_ALREADY_GIVEN: { status: 409, message: 'You already rated this session' },
  FEEDBACK_NOT_OPEN: {
    status: 409,
    message: 'A session can be rated once it has taken place (completed, or its slot has ended); it is {state}',
  },
  NO_MENTOR_PROFILE: {
    status: 409,
    message: 'Your account is not linked to a mentor profile; ask a coordinator to link one',
  },
  NOTIFICATION_NOT_FOUND: { status: 404, message: 'You have no notification {id}' },
  OUTBOX_NOT_READABLE: {
    status: 409,
    message:
      'Emails are sent through SMTP_URL on this engine, so the outbox is not shown; it is readable in demo mode or without SMTP_URL',
  },
  INVITE_NOT_AVAILABLE: {
    status: 409,
    message: 'Only an accepted session with a slot has a calendar invite; this one is {state}',
  },
  USER_ALREADY_EXISTS: { status: 409, message: 'A user with the email {email} already exists' },
  LAST_ADMIN: { status: 409, message: 'This change would leave no enabled admin; make another admin first' },
  MENTOR_ALREADY_LINKED: { status: 409, message: 'Mentor {id} is already linked to another user' },
  API_TOKEN_NOT_FOUND: { status: 404, message: 'You have no live API token {id}' },
  SSO_NOT_CONFIGURED: {
    status: 404,
    message: 'Single sign-on is not configured on this engine (OIDC_ISSUER_URL, docs/single-sign-on.md)',
  },
  SSO_STATE_INVALID: {
    status: 400,
    message: 'This sign-in cannot be finished: {reason}. Start it again from the sign-in page',
  },
  SSO_REFUSED: { status: 401, message: 'The identity provider did not sign you in: {reason}' },
  SSO_NO_ROLE: {
    status: 403,
    message:
      'Your identity provider gives you no role here (claim "{claim}": {values}); ask an admin to give you one there',
  },
  SSO_USER_DISABLED: { status: 403, message: 'Your account here is disabled; ask an admin to enable it' },
  SSO_EMAIL_NOT_VERIFIED: {
    status: 409,
    message:
      'An account with the email {email} exists here, and the identity provider has not verified that address, so the two cannot be linked; ask an admin',
  },
  SSO_PROVIDER_UNAVAILABLE: { status: 502, message: 'The identity provider could not be reached: {reason}' },
  CROSS_SITE_REQUEST: {
    status: 403,
    message: 'A {method} from another site ({from}) is refused: pages on other sites must not change this engine',
  },
  HOST_NOT_ALLOWED: {
    status: 403,
    message: 'This engine listens on loopback and answers only to localhost names, not to Host {host}',
  },
  URL_INVALID: { status: 400, message: 'The URL {url} is not valid: {detail}' },
  // Refusals of the HTTP layer (Node's parser, the static file server). A 4xx of Fastify or a plugin that no
  // code here names keeps its status, with its status name as the code (`codeOfStatus`).
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP: {detail}' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are larger than the server takes' },
  PRECONDITION_FAILED: { status: 412, message: 'The file does not meet the conditions of this request ({headers})' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The range {range} lies outside the file' },
  MENTOR_NOT_FOUND: { status: 404, message: 'No mentor with id {id}' },
  MENTOR_ALREADY_EXISTS: { status: 409, message: 'A mentor with id {id} already exists' },
  MENTOR_INACTIVE: { status: 409, message: 'Mentor {id} is not taking session requests at the moment (inactive)' },
  MENTOR_CHANGED: {
    status: 409,
    message: 'Mentor {id} kept changing while this change was written; read it again and retry',
  },
  IMPORT_EMPTY: { status: 400, message: 'The import file holds no rows' },
  IMPORT_BAD_ENCODING: {
    status: 400,
    message: 'The import file is not valid UTF-8 (first bad byte at offset {offset})',
  },
  IMPORT_BAD_FORMAT: { status: 400, message: 'The import file could not be read as {format}: {detail}' },
  CONFIG_NOT_FOUND: { status: 404, message: 'No weight configuration version {version}' },
  CONFIG_INVALID: { status: 422, message: 'Weight configuration is invalid: {detail}' },
  CONFIG_NOT_DRAFT: { status: 409, message: 'Version {version} is {status}; only drafts can be {action}' },
  DATASET_NOT_FOUND: { status: 404, message: 'No dataset {name}' },
  DATASET_UNAVAILABLE: { status: 404, message: 'Dataset {name} is not on this engine. {howToGet}' },
  REQUEST_NOT_FOUND: { status: 404, message: 'No mentee request {id}' },
  JOB_CANCELLED: {
    status: 503,
    message: 'Stopped before it finished (the engine shut down, or the command was interrupted): {detail}',
  },
  JOB_NOT_FOUND: { status: 404, message: 'No job {id}' },
  ASSIGNMENT_NOT_FOUND: {
    status: 404,
    message: 'No assignment draft {id} (drafts live in memory: run the cohort again after a restart)',
  },
  ASSIGNMENT_NOT_READY: {
    status: 409,
    message: 'Assignment draft {id} is still matching (or failed); re-solve or publish it once its state is ready',
  },
  ASSIGNMENT_PUBLISHED: {
    status: 409,
    message: 'Assignment draft {id} was published at {at}; run the cohort again for a new draft',
  },
  EVALUATION_NOT_FOUND: { status: 404, message: 'No evaluation run {id}' },
  EVALUATION_CONFIG_NOT_FOUND: {
    status: 404,
    message: 'Evaluation run {id} has no configuration {config}; it has {names}',
  },
  EVALUATION_BUSY: {
    status: 429,
    message: 'Evaluation work is already running or waiting ({pending}); start this run when one has finished',
  },
  DATASET_INVALID: { status: 500, message: 'Dataset {name} cannot be read: {detail}' },
  NOT_READY: { status: 503, message: 'The engine is not ready yet: {detail}' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    message: 'The database does not answer at the moment; try again in {seconds} s (Retry-After)',
  },
  OVERLOADED: {
    status: 503,
    message:
      'The engine is answering as many questions as it can at the moment; try again in {seconds} s (Retry-After)',
  },
  INSUFFICIENT_STORAGE: {
    status: 507,
    message: "The database's disk is full: nothing more can be stored until an operator frees space",
  },
  MODEL_UNAVAILABLE: { status: 500, message: 'Embedding model {model} cannot be loaded from {path}: {detail}' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorRegistry;

/** What every error answer (and a failed job) holds: built by `errorBody` only. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  /** The status's name ("Bad Request"), or what failed ("Job failed"). */
  error: string;
  message: string;
  details?: unknown;
}

/** The body of an error answer; `error` defaults to the name of the status. */
export function errorBody(
  e: { status: number; code: string; message: string; details?: unknown },
  error: string = STATUS_CODES[e.status] ?? 'Error',
): ErrorBody {
  const out: ErrorBody = { statusCode: e.status, code: e.code, error, message: e.message };
  if (e.details !== undefined) out.details = e.details;
  return out;
}

/** The code of a status no registry code names: its name in capitals, "Method Not Allowed" as METHOD_NOT_ALLOWED. */
export function codeOfStatus(status: number): string {
  return (STATUS_CODES[status] ?? 'Error').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    const entry = errorRegistry[code];
    super(entry.message.replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? `{${key}}`)));
    this.name = 'AppError';
    this.status = entry.status;
  }
}
