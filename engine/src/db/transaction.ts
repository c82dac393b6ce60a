import type { Kysely } from 'kysely';

/**
 * Runs `fn` in one transaction: everything it writes through `trx` commits together or not at all.
 * Called with a handle that is already a transaction, it joins that one, so repositories can use it
 * internally and still compose into a caller's larger transaction.
 *
 * Use only `trx` inside `fn`: on PGlite, a query on the outer handle waits for the connection the
 * transaction holds and never runs.
 */
export async function withTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}
