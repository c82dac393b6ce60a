import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../engine/src/config.js';
import { HashingEmbeddingProvider } from '../../engine/src/embedding/hashing-embedding-provider.js';
import { startServer } from '../../engine/src/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningEngine {
  url: string;
  close: () => Promise<void>;
}

/**
 * The real engine on a fresh embedded database seeded with demo mentors, serving the built dashboard.
 * It uses the configured local model when its files are present; without them (a checkout that has
 * not fetched the model) it falls back to the hashing embedder so the browser flows still run.
 */
export async function startEngine(demoMentors = 120): Promise<RunningEngine> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-e2e-'));
  const config = loadConfig(process.env);
  const modelPresent = fs.existsSync(path.join(config.modelsDir, config.model));
  if (!modelPresent) console.warn(`e2e: model ${config.model} not found under ${config.modelsDir}; using the hashing embedder`);
  let app: FastifyInstance;
  try {
    app = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        databaseUrl: null,
        seedDemoMentors: demoMentors,
        dashboardDir: path.join(root, 'dashboard/build'),
        logLevel: 'warn',
      },
      modelPresent ? {} : { embedder: new HashingEmbeddingProvider() },
    );
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('engine is not listening on a TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
