/**
 * The README's start command: makes sure the model and the dashboard are built, starts the engine
 * (which serves the dashboard), seeds demo mentors into an empty database, and prints the URL.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../engine/src/config.js';
import { startServer } from '../engine/src/server.js';
import { buildUseLite } from './build-model/build-use-lite.js';
import { seedDemoMentors } from './lib/seed.js';
import { generateMentors } from './demo-data/generate-mentors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The start command is quieter than the engine's default; LOG_LEVEL still wins.
const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
if (config.model === 'use-lite') await buildUseLite({ modelsDir: config.modelsDir });
if (!existsSync(path.join(root, 'dashboard/build/index.html'))) {
  console.log('Building the dashboard ...');
  execFileSync('pnpm', ['--filter', '@mentormatch/dashboard', 'build'], { cwd: root, stdio: 'inherit' });
}

const app = await startServer(
  { logLevel: config.logLevel },
  {
    generators: { demo: (count, seed) => [...generateMentors({ count, seed })] },
    beforeListen: async (app) => {
      await seedDemoMentors(app.engine());
    },
  },
);
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 3000;
console.log(`mentormatch is running at http://localhost:${port}/`);
