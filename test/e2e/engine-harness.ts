import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../engine/src/server.js';
import type { AppConfig } from '../../engine/src/config.js';
import { buildUseLite } from '../../scripts/model/build-use-lite.js';
import { generateMentors } from '../../scripts/demo-data/generate-mentors.js';
import { seedDemoMentors } from '../../scripts/cli/seed.js';
import type { BrowserContext } from 'playwright-core';
import { ROLES } from '../../engine/src/auth/roles.js';
import { createTestUser } from '../support/auth-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningEngine {
  url: string;
  /** `Bearer <token>` of a user holding every role, for the tests' own API calls. */
  authorization: string;
  /** Signs the browser in as that user (a session cookie in its context, as the login route sets it). */
  signIn: (context: BrowserContext) => Promise<void>;
  close: () => Promise<void>;
}

/**
 * The real engine, as the README's start command runs it (local model, demo mentors, dashboard served
 * at `/`), on a fresh embedded database in a temporary folder. Fewer demo mentors than the default
 * keep seeding quick; the demo evaluation dataset gets its generator as in production.
 */
export async function startEngine(demoMentors = 300, overrides: Partial<AppConfig> = {}): Promise<RunningEngine> {
  await buildUseLite();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-e2e-'));
  try {
    const app = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        databaseUrl: null,
        dashboardDir: path.join(root, 'dashboard/build'),
        logLevel: 'warn',
        ...overrides,
      },
      { generators: { demo: (count, seed) => [...generateMentors({ count, seed })] } },
    );
    await seedDemoMentors(app.engine(), { count: demoMentors });
    const user = await createTestUser(app, ROLES, 'e2e@test.local');
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('engine is not listening on a TCP port');
    const url = `http://127.0.0.1:${address.port}`;
    return {
      url,
      authorization: `Bearer ${user.token}`,
      // The context's request client shares the browser's cookies: the dashboard's calls then carry the session.
      signIn: async (context) => {
        const res = await context.request.post(`${url}/api/auth/login`, {
          data: { email: user.user.email, password: user.password },
        });
        if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
      },
      close: async () => {
        await app.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
