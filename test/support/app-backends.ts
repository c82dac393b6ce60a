import { skipPostgresServer, startPostgresServer, type PostgresServer } from './postgres-server.js';

/** A database an app test runs on: its settings for startTestApp's `env`, and how to stop what it started. */
export interface AppBackend {
  name: string;
  skip: boolean;
  env(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** PGlite, and a PostgreSQL server (started on first use) unless MM_SKIP_PG_SERVER=1. */
export function appBackends(): AppBackend[] {
  let server: PostgresServer | null = null;
  return [
    { name: 'PGlite', skip: false, env: async () => ({}), stop: async () => {} },
    {
      name: 'PostgreSQL server',
      skip: skipPostgresServer,
      async env() {
        server = await startPostgresServer();
        return { DATABASE_URL: await server.createDatabase() };
      },
      async stop() {
        await server?.stop();
      },
    },
  ];
}
