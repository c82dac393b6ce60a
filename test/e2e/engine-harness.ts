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
import { ensureDemoAccounts, linkDemoMentor } from '../../scripts/cli/demo-accounts.js';
import { DEMO_ACCOUNTS } from '../../engine/src/auth/demo-accounts.js';
import { ROLES, type Role } from '../../engine/src/auth/roles.js';
import { createTestUser } from '../support/auth-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The demo accounts' password here (`pnpm start` takes DEMO_PASSWORD, or makes one up and prints it). */
export const DEMO_PASSWORD = 'e2e demo password';

/** The demo account of each role. */
export const DEMO_EMAIL = Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.roles[0], a.email])) as Record<Role, string>;

export interface RunningEngine {
  url: string;
  /** `Bearer <token>` of a user holding every role, for the tests' own API calls. */
  authorization: string;
  /**
   * Signs the browser in (a session cookie in its context, as the login route sets it): as the demo account of a
   * role, or as that user of every role.
   */
  signIn: (context: BrowserContext, role?: Role) => Promise<void>;
  /**
   * Moves the engine's session clock (what may be done when, expiry, reminders) to `to`, and on from there as
   * time passes; the rest of the engine keeps the real time.
   */
  setNow: (to: Date) => void;
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
  let skewMs = 0;
  try {
    const app = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        databaseUrl: null,
        dashboardDir: path.join(root, 'dashboard/build'),
        logLevel: 'warn',
        demoPassword: DEMO_PASSWORD,
        ...overrides,
      },
      {
        generators: { demo: (count, seed) => [...generateMentors({ count, seed })] },
        now: () => new Date(Date.now() + skewMs),
      },
    );
    await seedDemoMentors(app.engine(), { count: demoMentors });
    // As `pnpm start` does in demo mode: one account per role, the mentor's linked to the first demo mentor.
    await ensureDemoAccounts(app.engine());
    await linkDemoMentor(app.engine());
    // As after each one's first sign-in: the browser tests of the pages start past the code of conduct.
    // Outside demo mode (the API_TOKEN test) no demo accounts are made, so there is nothing to accept.
    const { repositories, conduct } = app.engine();
    for (const email of Object.values(DEMO_EMAIL)) {
      const demoUser = await repositories.users.getByEmail(email);
      if (demoUser) await repositories.conduct.accept(demoUser.id, conduct.version);
    }
    const user = await createTestUser(app, ROLES, 'e2e@test.local');
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('engine is not listening on a TCP port');
    const url = `http://127.0.0.1:${address.port}`;
    return {
      url,
      authorization: `Bearer ${user.token}`,
      // The context's request client shares the browser's cookies: the dashboard's calls then carry the session.
      signIn: async (context, role) => {
        const res = await context.request.post(`${url}/api/auth/login`, {
          data: role
            ? { email: DEMO_EMAIL[role], password: DEMO_PASSWORD }
            : { email: user.user.email, password: user.password },
        });
        if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
      },
      setNow: (to) => {
        skewMs = to.getTime() - Date.now();
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
