import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { skipPostgresServer, startPostgresServer, type PostgresServer } from '../../../test/support/postgres-server.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';

/** A database the repository suite runs against: set up once per file, emptied before each test. */
export interface Backend {
  name: 'pglite' | 'postgres';
  skip: boolean;
  start(): Promise<DatabaseHandle>;
  stop(): Promise<void>;
}

export function pgliteBackend(): Backend {
  let dir: string | null = null;
  let handle: DatabaseHandle | null = null;
  return {
    name: 'pglite',
    skip: false,
    async start() {
      dir = await mkdtemp(path.join(os.tmpdir(), 'mm-pglite-'));
      handle = await openDatabase({ databaseUrl: null, dataDir: dir });
      return handle;
    },
    async stop() {
      await handle?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  let dir: string | null = null;
  let server: PostgresServer | null = null;
  let handle: DatabaseHandle | null = null;
  return {
    name: 'postgres',
    skip: skipPostgresServer,
    async start() {
      server = await startPostgresServer();
      // Its own folder: the keys of personal text go there, and a test's retention destroys keys of past days.
      dir = await mkdtemp(path.join(os.tmpdir(), 'mm-pg-keys-'));
      handle = await openDatabase({ databaseUrl: await server.createDatabase(), dataDir: dir });
      return handle;
    },
    async stop() {
      await handle?.close();
      await server?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export const backends = (): Backend[] => [pgliteBackend(), postgresBackend()];

// DELETE rather than TRUNCATE: on PGlite a truncate rewrites every table's files and costs a
// third of a second per test, while these tables only ever hold a few rows here.
export async function emptyDatabase(handle: DatabaseHandle): Promise<void> {
  const tables = [
    'session_requests',
    'served_matches',
    'mentee_requests',
    'mentor_embeddings',
    'mentors',
    'weight_config_events',
    'weight_configs',
    'mentor_changes',
  ];
  for (const table of tables) await sql`delete from ${sql.table(table)}`.execute(handle.db);
}
