/** Driver errors of pg and PGlite both carry the SQLSTATE as `code` and the violated constraint's name. */
interface DatabaseErrorFields {
  code?: unknown;
  constraint?: unknown;
}

function sqlState(err: unknown): string | null {
  const code = (err as DatabaseErrorFields | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * The database refused the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint
 * violation): writing the same rows again fails again, unlike a lost connection or a full disk.
 */
export function isRefusedData(err: unknown): boolean {
  const state = sqlState(err);
  return state !== null && (state.startsWith('22') || state.startsWith('23'));
}

/** A foreign key violation on the constraint PostgreSQL names by default, `<table>_<column>_fkey`. */
export function isForeignKeyViolation(err: unknown, table: string, column: string): boolean {
  return sqlState(err) === '23503' && (err as DatabaseErrorFields).constraint === `${table}_${column}_fkey`;
}

/** Socket errors of a database connection that a later try may not meet. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
/** pg's own errors for a lost or refused connection carry no code, only these messages. */
const CONNECTION_MESSAGES =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|client has encountered a connection error|connection is closed/i;

/** `err`, its causes and the errors an AggregateError holds (a connect tries each address of a host). */
function* errorChain(err: unknown, depth = 0): Generator<unknown> {
  if (err === null || err === undefined || depth > 5) return;
  yield err;
  if (err instanceof AggregateError) for (const inner of err.errors) yield* errorChain(inner, depth + 1);
  if (err instanceof Error && err.cause !== undefined) yield* errorChain(err.cause, depth + 1);
}

/**
 * The database server cannot be reached or is going down (SQLSTATE class 08, connection exception; 57P01-57P03,
 * shut down or starting; 53300, too many connections; or the socket failed): a temporary state, which a client
 * should retry, not a fault of the request.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of errorChain(err)) {
    const state = sqlState(e);
    if (state !== null && (state.startsWith('08') || /^57P0[123]$/.test(state) || state === '53300')) return true;
    const code = (e as DatabaseErrorFields).code;
    if (typeof code === 'string' && CONNECTION_ERRNOS.has(code)) return true;
    if (e instanceof Error && CONNECTION_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** The database's disk is full (SQLSTATE 53100, or PGlite's own file writes failing with ENOSPC or EDQUOT). */
export function isStorageFull(err: unknown): boolean {
  for (const e of errorChain(err)) {
    const code = (e as DatabaseErrorFields).code;
    if (code === '53100' || code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}
