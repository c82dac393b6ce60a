/**
 * The README's start command: makes sure the model and the dashboard are built, starts the engine
 * (which serves the dashboard), seeds demo mentors into an empty database, and prints the URL.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from '../engine/src/server.js';
import { buildUseLite } from './build-model/build-use-lite.js';
import { seedDemoMentors } from './lib/seed.js';
import { generateMentors } from './demo-data/generate-mentors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await buildUseLite();
if (!existsSync(path.join(root, 'dashboard/build/index.html'))) {
  console.log('Building the dashboard ...');
  execFileSync('pnpm', ['--filter', '@mentormatch/dashboard', 'build'], { cwd: root, stdio: 'inherit' });
}

const app = await startServer(
  { logLevel: process.env.LOG_LEVEL ?? 'warn' },
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
