/**
 * The engine as a separate process for crash tests: the product's server with the fast hashing
 * embedder injected, on DATA_DIR and an ephemeral port. Prints `{"port": N}` once it listens.
 */
import type { AddressInfo } from 'node:net';
import { startServer } from '../../engine/src/server.js';
import { HashingEmbeddingProvider } from '../../engine/src/embedding/hashing-embedding-provider.js';

const app = await startServer({ port: 0, logLevel: 'warn', dashboardDir: null }, { embedder: new HashingEmbeddingProvider(64) });
await app.engine().search.whenReady();
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }));
