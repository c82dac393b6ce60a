/**
 * Child process of scripts/bench/bench.ts: starts the app on an existing DATA_DIR whose index snapshot is
 * saved, and prints one JSON line with the start-up time and the memory the loaded index took.
 * A fresh process keeps the parent's benchmark data out of the memory numbers, and, with --listen, out
 * of the server's heap while the parent measures HTTP latency: the server then prints
 * `{"address": ...}` and serves until SIGTERM.
 *
 *   tsx scripts/bench/startup-probe.ts <dataDir> [--listen]
 */
import { buildApp } from '../../engine/src/app.js';
import { loadConfig } from '../../engine/src/config.js';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import { settledMemory } from './memory.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: startup-probe.ts <dataDir>');
const config = loadConfig({
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  LOG_LEVEL: 'silent',
  DASHBOARD_DIR: '',
  SEED_DEMO_MENTORS: '0',
});

const start = performance.now();
const embedder = await createEmbeddingProvider(config);
const modelLoadMs = performance.now() - start;
const before = settledMemory();
const appStart = performance.now();
const app = await buildApp({ config, embedder });
await app.ready();
const engine = app.engine();
await engine.search.whenReady();
const readyMs = performance.now();
const after = settledMemory();
const status = engine.search.status();
process.stdout.write(
  `${JSON.stringify({
    startupMs: readyMs - start,
    appStartupMs: readyMs - appStart,
    modelLoadMs,
    loadedFrom: status.loadedFrom,
    indexKind: status.kind,
    indexSize: status.size,
    rssDelta: after.rss - before.rss,
    heapDelta: after.heapUsed - before.heapUsed,
    externalDelta: after.external - before.external,
    rssAfter: after.rss,
  })}\n`,
);
if (process.argv.includes('--listen')) {
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ address })}\n`);
} else {
  await app.close();
}
