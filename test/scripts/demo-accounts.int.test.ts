import { afterEach, describe, expect, it } from 'vitest';
import { describeDemoAccounts, ensureDemoAccounts, linkDemoMentor } from '../../scripts/cli/demo-accounts.js';
import { seedDemoMentors } from '../../scripts/cli/seed.js';
import { DEMO_DEFAULTS, generateMentors } from '../../scripts/demo-data/generate-mentors.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { loginCookie } from '../support/auth-helpers.js';

let harness: TestApp | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const EMAILS = [
  'mentee@demo.local',
  'mentor@demo.local',
  'coordinator@demo.local',
  'researcher@demo.local',
  'admin@demo.local',
];

describe('demo accounts of pnpm start', () => {
  it('are made on an empty database in demo mode, one per role, with a generated password shown once', async () => {
    harness = await startTestApp({ signedIn: false });
    const engine = harness.app.engine();
    const made = await ensureDemoAccounts(engine);
    expect(made?.created).toBe(true);
    expect(made?.accounts.map((a) => a.email)).toEqual(EMAILS);
    expect(made?.accounts.map((a) => a.roles)).toEqual([
      ['mentee'],
      ['mentor'],
      ['coordinator'],
      ['researcher'],
      ['admin'],
    ]);
    expect(made?.password).toMatch(/^[\w-]{16}$/);
    const banner = describeDemoAccounts(made!);
    expect(banner[0]).toBe(`demo accounts, password ${made!.password}:`);
    expect(banner.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(EMAILS);

    for (const email of EMAILS) expect(await loginCookie(harness.app, email, made!.password!)).toMatch(/^mm_session=/);
    const listed = await harness.app.inject({ method: 'GET', url: '/api/auth/demo-accounts' });
    expect(listed.json().accounts.map((a: { email: string }) => a.email)).toEqual(EMAILS);

    // The next start keeps them, and no longer knows the generated password.
    const again = await ensureDemoAccounts(engine);
    expect(again).toMatchObject({ created: false, password: null });
    expect(describeDemoAccounts(again!)[0]).toMatch(/pnpm mm user password/);
  });

  it('take DEMO_PASSWORD when set, and link the mentor account to the first demo mentor once it is seeded', async () => {
    harness = await startTestApp({ signedIn: false, env: { DEMO_PASSWORD: 'demo-password' } });
    const engine = harness.app.engine();
    expect((await ensureDemoAccounts(engine))?.password).toBe('demo-password');
    expect(await linkDemoMentor(engine)).toBe(false);
    await seedDemoMentors(engine, { count: 3 });
    expect(await linkDemoMentor(engine)).toBe(true);
    expect(await linkDemoMentor(engine)).toBe(false);
    const cookie = await loginCookie(harness.app, 'mentor@demo.local', 'demo-password');
    const me = await harness.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    const first = generateMentors({ count: 1, seed: DEMO_DEFAULTS.seed }).next().value!;
    expect(me.json()).toMatchObject({ roles: ['mentor'], mentorId: first.externalId });
  });

  it('are not made outside demo mode, nor when the database has users', async () => {
    harness = await startTestApp({ signedIn: false, env: { SEED_DEMO_MENTORS: '0' } });
    expect(harness.app.engine().config.demoMode).toBe(false);
    expect(await ensureDemoAccounts(harness.app.engine())).toBeNull();
    expect((await harness.app.inject({ method: 'GET', url: '/api/auth/demo-accounts' })).json()).toEqual({
      accounts: [],
    });
    await harness.close();
    harness = await startTestApp();
    // The harness made its own user first.
    expect(await ensureDemoAccounts(harness.app.engine())).toBeNull();
  });
});
