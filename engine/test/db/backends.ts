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
  let server: PostgresServer | null = null;
  let handle: DatabaseHandle | null = null;
  return {
    name: 'postgres',
    skip: skipPostgresServer,
    async start() {
      server = await startPostgresServer();
      handle = await openDatabase({ databaseUrl: await server.createDatabase(), dataDir: os.tmpdir() });
      return handle;
    },
    async stop() {
      await handle?.close();
      await server?.stop();
    },
  };
}

export const backends = (): Backend[] => [pgliteBackend(), postgresBackend()];

export async function emptyDatabase(handle: DatabaseHandle): Promise<void> {
  await sql`truncate mentors, mentor_embeddings, mentee_requests, served_matches, session_requests,
    weight_config_events, weight_configs restart identity cascade`.execute(handle.db);
}
