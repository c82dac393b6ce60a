/**
 * The engine as a separate process for crash tests: the product's server with the fast hashing
 * embedder injected, on DATA_DIR and an ephemeral port. Prints `{"port": N}` once it listens.
 */
import type { AddressInfo } from 'node:net';
import { startServer } from '../../engine/src/server.js';
import { HashingEmbeddingProvider } from '../../engine/src/embedding/hashing-embedding-provider.js';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';

/**
 * The hashing embedder is so fast that a 10k-row import could finish between two status polls, and the
 * kill would then land after it. A real model takes tens of milliseconds per batch; so does this one,
 * while yielding the event loop so that /api/status answers during the import.
 */
class ModelPacedEmbedder implements EmbeddingProvider {
  private readonly inner = new HashingEmbeddingProvider(64);
  readonly id = this.inner.id;
  readonly dimensions = this.inner.dimensions;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    await new Promise((resolve) => setTimeout(resolve, 40));
    return this.inner.embed(texts);
  }
}

const app = await startServer({ port: 0, logLevel: 'warn', dashboardDir: null }, { embedder: new ModelPacedEmbedder() });
await app.engine().search.whenReady();
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }));
