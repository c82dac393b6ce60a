import { randomBytes } from 'node:crypto';
import { cliActor } from '../../engine/src/audit/audit-entry.js';
import { DEMO_ACCOUNTS } from '../../engine/src/auth/demo-accounts.js';
import { AppError } from '../../engine/src/errors.js';
import type { Engine } from '../../engine/src/services/engine.js';
import { DEMO_DEFAULTS, generateMentors } from '../demo-data/generate-mentors.js';

export interface DemoAccounts {
  /** Whether this start made them (the database had no users). */
  created: boolean;
  /** Known when they were made now, or when DEMO_PASSWORD is set. */
  password: string | null;
  accounts: ReadonlyArray<{ email: string; roles: readonly string[] }>;
}

/**
 * In demo mode, an empty database gets one account per role, with DEMO_PASSWORD or a generated password (shown once,
 * by the start banner). A database that has users already keeps them as they are.
 */
export async function ensureDemoAccounts(engine: Engine): Promise<DemoAccounts | null> {
  const { config, users } = engine;
  if (!config.demoMode) return null;
  if ((await users.count()) > 0) {
    const accounts = await users.demoAccounts();
    return accounts.length === 0 ? null : { created: false, password: config.demoPassword, accounts };
  }
  const password = config.demoPassword ?? randomBytes(12).toString('base64url');
  const made = await users.createDemoAccounts(password, cliActor());
  return { created: true, password, accounts: made.map((u) => ({ email: u.email, roles: u.roles })) };
}

/**
 * Links the demo mentor account to the first demo mentor once it is seeded; answers whether it linked now (false
 * when already linked, when there is no such account, or the mentor is not there yet).
 */
export async function linkDemoMentor(engine: Engine): Promise<boolean> {
  const first = generateMentors({ count: 1, seed: DEMO_DEFAULTS.seed }).next();
  if (first.done) return false;
  try {
    return await engine.users.linkDemoMentor(first.value.externalId, cliActor());
  } catch (err) {
    if (err instanceof AppError && (err.code === 'MENTOR_NOT_FOUND' || err.code === 'MENTOR_ALREADY_LINKED'))
      return false;
    throw err;
  }
}

/** The start banner's lines about the demo accounts. */
export function describeDemoAccounts(demo: DemoAccounts): string[] {
  const width = Math.max(...DEMO_ACCOUNTS.map((a) => a.email.length));
  const password =
    demo.password === null
      ? 'the password printed when they were made (pnpm mm user password --email ... sets a new one)'
      : `password ${demo.password}`;
  return [
    `demo accounts, ${password}:`,
    ...demo.accounts.map((a) => `  ${a.email.padEnd(width)}  ${a.roles.join(', ')}`),
  ];
}
