/**
 * The README's start command: makes sure the model and the dashboard are built, starts the engine
 * (which serves the dashboard), prints the URL and, in demo mode, the demo accounts (made on an empty database),
 * and then seeds demo mentors into an empty database.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../engine/src/config.js';
import { startServer } from '../../engine/src/server.js';
import { buildUseLite } from '../model/build-use-lite.js';
import { seedDemoMentors } from './seed.js';
import { describeDemoAccounts, ensureDemoAccounts, linkDemoMentor } from './demo-accounts.js';
import { generateMentors } from '../demo-data/generate-mentors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  // The start command is quieter than the engine's default; LOG_LEVEL still wins.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  if (config.model === 'use-lite') await buildUseLite({ modelsDir: config.modelsDir });
  if (!existsSync(path.join(root, 'dashboard/build/index.html'))) {
    console.log('Building the dashboard ...');
    execFileSync('pnpm', ['--filter', '@mentormatch/dashboard', 'build'], { cwd: root, stdio: 'inherit' });
  }

  // Listening first: health checks and the dashboard answer (with the index's progress) while a large index loads
  // and demo mentors are seeded.
  const app = await startServer(
    { logLevel: config.logLevel },
    { generators: { demo: (count, seed) => [...generateMentors({ count, seed })] } },
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host)
    ? 'localhost'
    : config.host.includes(':')
      ? `[${config.host}]`
      : config.host;
  console.log(`mentormatch is running at http://${host}:${port}/`);
  const demo = await ensureDemoAccounts(app.engine());
  if (demo) for (const line of describeDemoAccounts(demo)) console.log(line);
  try {
    const seeded = await seedDemoMentors(app.engine());
    if (seeded > 0) console.log(`seeded ${seeded} demo mentors`);
    if (demo) await linkDemoMentor(app.engine());
  } catch (err) {
    // Stopped during seeding (Ctrl-C): the next start finishes it.
    console.error(`seeding demo mentors stopped: ${err instanceof Error ? err.message : String(err)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
