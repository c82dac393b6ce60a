import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';
import { loadConfig, type AppConfig } from './config.js';

/** Starts the engine and stops it gracefully on SIGINT/SIGTERM (the index snapshot is saved on close). */
export async function startServer(
  overrides: Partial<AppConfig> = {},
  options: Omit<AppOptions, 'config'> = {},
): Promise<FastifyInstance> {
  const config = loadConfig(process.env, overrides);
  const app = await buildApp({ config, ...options });
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  await app.listen({ port: config.port, host: config.host });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
