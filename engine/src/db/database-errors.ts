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
