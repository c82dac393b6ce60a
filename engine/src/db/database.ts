import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { type AppConfig, ConfigError } from '../config.js';
import { KeyDirectory } from '../privacy/key-directory.js';
import { AesGcmTextCipher, type TextCipher } from '../privacy/text-cipher.js';
import { lockDataDir } from './data-dir-lock.js';
import { migrationProvider } from './migration-provider.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** Seals and opens the columns of personal free text, with keys kept outside the database. */
  textCipher: TextCipher;
  close(): Promise<void>;
}

/**
 * Opens the configured database and brings its schema up to date: PGlite in `<dataDir>/pglite`
 * unless `databaseUrl` names a PostgreSQL server. The keys of personal free text are in `textKeyDir`, by default
 * `<dataDir>/text-keys`.
 */
export async function openDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'> & Partial<Pick<AppConfig, 'textKeyDir'>>,
): Promise<DatabaseHandle> {
  const handle =
    config.databaseUrl === null ? await openPglite(config.dataDir) : await openPostgres(config.databaseUrl);
  try {
    await migrate(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const keyDir = config.textKeyDir ?? path.join(config.dataDir, 'text-keys');
  const keys = new KeyDirectory(keyDir);
  try {
    await checkKeyDirectory(handle.db, keys.id(), keyDir);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { ...handle, textCipher: new AesGcmTextCipher(keys) };
}

/**
 * The first engine records its key directory's identity; every later one must have the same directory. With
 * another, it would read every sealed text as erased, and seal new ones that the other engines cannot open.
 */
async function checkKeyDirectory(db: Kysely<Database>, id: string, dir: string): Promise<void> {
  await db
    .insertInto('text_key_directory')
    .values({ directory_id: id })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const { directory_id: recorded } = await db
    .selectFrom('text_key_directory')
    .select('directory_id')
    .executeTakeFirstOrThrow();
  if (recorded !== id)
    throw new ConfigError(
      `The key directory ${dir} is not the one this database's texts are sealed with: engines sharing a database ` +
        'must share TEXT_KEY_DIR (docs/privacy.md). If that directory is lost for good, its texts are too: ' +
        'delete the row of text_key_directory to go on with this one',
    );
}

/** Runs every pending migration; throws the first failure (kysely rolls that migration back). */
async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

async function openPglite(dataDir: string): Promise<Omit<DatabaseHandle, 'textCipher'>> {
  const directory = path.join(dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await createPglite(directory);
  } catch (error) {
    await unlock();
    throw new Error(
      `The embedded database in ${directory} cannot be opened (${error instanceof Error ? error.message : String(error)}); ` +
        'restore the folder from a backup, or move it aside to start with an empty database',
      { cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await unlock();
    },
  };
}

// No extension is loaded: vectors are bytea (schema.ts), so the engine needs none. The benchmark that compares
// hnswlib with pgvector opens a PGlite of its own with pgvector (scripts/bench/pgvector-bench.ts).
async function createPglite(directory: string): Promise<PGlite> {
  return PGlite.create(directory, {
    // Row ids are bigserial; every id this engine creates fits a double exactly.
    parsers: {
      [pgliteTypes.INT8]: (value: string) => Number(value),
      // PGlite's own bytea codec walks the hex text byte by byte in JS: reading 10k stored embeddings
      // took 38 s with it and 8 s with Buffer's native hex codec.
      [pgliteTypes.BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex'),
    },
    serializers: {
      [pgliteTypes.BYTEA]: (value: Uint8Array) =>
        `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`,
    },
  });
}

async function openPostgres(connectionString: string): Promise<Omit<DatabaseHandle, 'textCipher'>> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // A per-pool parser, so that other pg users in the same process keep the library's defaults.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  // Nor may a checked-out one between two queries of a transaction (the pool listens only to idle ones): the
  // server's "terminating connection" (57P01) arrives as an 'error' event with no listener, which kills the
  // process. The transaction's next query fails instead (503), and the pool drops the client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}
