/**
 * The engine as a separate process for crash tests: the product's server with the fast hashing
 * embedder injected (or, with `--real-model`, the configured model on its worker threads), on DATA_DIR and
 * an ephemeral port. Prints `{"port": N, "token": "..."}` once it listens: the API token of a coordinator.
 */
import type { AddressInfo } from 'node:net';
import { startServer } from '../../engine/src/server.js';
import { ModelPacedEmbedder } from '../support/app-harness.js';
import { createTestUser } from '../support/auth-helpers.js';

// The hashing embedder is so fast that a 10k-row import could finish between two status polls, and the
// kill would then land after it: this one takes as long as the real model per batch, yielding meanwhile.
const realModel = process.argv.includes('--real-model');
const app = await startServer(
  { port: 0, logLevel: 'warn', dashboardDir: null },
  realModel ? {} : { embedder: new ModelPacedEmbedder() },
);
await app.engine().search.whenReady();
const { token } = await createTestUser(app, ['coordinator'], 'crash-test@test.local');
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port, token }));
