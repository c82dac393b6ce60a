import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../engine/src/auth/demo-accounts.js';
import { ROLES, type Role } from '../../engine/src/auth/roles.js';
import { api, shoot, signInAs, useDashboard } from './dashboard-helpers.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from './engine-harness.js';

const dashboard = useDashboard();

/** What each role finds in the navigation, in order; its first page is where signing in lands. */
const PAGES: Record<Role, Array<[label: string, path: string]>> = {
  mentee: [
    ['Ask', '/'],
    ['Directory', '/directory'],
    ['Sessions', '/requests'],
  ],
  mentor: [
    ['My profile', '/profile'],
    ['Sessions', '/requests'],
  ],
  coordinator: [
    ['Mentors', '/mentors'],
    ['Weights lab', '/weights'],
    ['Reports', '/reports'],
    ['Programme', '/programme'],
    ['Assignment', '/assignment'],
  ],
  researcher: [
    ['Evaluation', '/evaluation'],
    ['Programme', '/programme'],
  ],
  admin: [
    ['Users', '/users'],
    ['Audit', '/audit'],
    ['Outbox', '/outbox'],
    ['Programme', '/programme'],
    ['Assignment', '/assignment'],
  ],
};

/** A page each role lacks, and who the refusal says it is for. */
const NOT_THEIRS: Record<Role, [path: string, audience: string]> = {
  mentee: ['/mentors', 'coordinators'],
  mentor: ['/evaluation', 'researchers'],
  coordinator: ['/users', 'admins'],
  researcher: ['/weights', 'coordinators'],
  admin: ['/mentors', 'coordinators'],
};

const navLabels = () => dashboard.page.getByTestId('main-nav').getByRole('link').allTextContents();

describe('signing in as each demo role', () => {
  it('lists the demo accounts in demo mode, and a wrong password gets a clear error and no session', async () => {
    const { engine, page } = dashboard;
    await page.goto(`${engine.url}/signin`);
    const listed = page.getByTestId('demo-account');
    await listed.first().waitFor();
    expect(await listed.evaluateAll((els) => els.map((el) => el.getAttribute('data-email')))).toEqual(
      DEMO_ACCOUNTS.map((a) => a.email),
    );
    await page.locator(`[data-testid="demo-account"][data-email="${DEMO_EMAIL.researcher}"]`).click();
    expect(await page.getByTestId('sign-in-email').inputValue()).toBe(DEMO_EMAIL.researcher);
    // The password field has the cursor: the next thing to type.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sign-in-password');

    await page.getByTestId('sign-in-password').fill('not the password');
    await page.getByTestId('sign-in-submit').click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The email or the password is wrong');
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect((await page.request.get(`${engine.url}/api/auth/me`)).status()).toBe(401);
    await shoot(page, 'sign-in-wrong-password');
  });

  for (const role of ROLES) {
    it(`${role}: sees exactly its pages, is told a page of another role is not theirs, and signs out`, async () => {
      const { engine, page } = dashboard;
      const account = DEMO_ACCOUNTS.find((a) => a.email === DEMO_EMAIL[role])!;
      await page.goto(`${engine.url}/signin`);
      await page.locator(`[data-testid="demo-account"][data-email="${account.email}"]`).click();
      await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
      await page.getByTestId('sign-in-submit').click();

      // Signing in lands on the role's first page, with its name and roles in the header.
      await page.waitForURL((url) => url.pathname === PAGES[role][0]![1]);
      await expect.poll(navLabels).toEqual(PAGES[role].map(([label]) => label));
      expect(await page.getByTestId('account-name').textContent()).toBe(account.name);
      expect(await page.getByTestId('account-roles').textContent()).toBe(role);
      for (const [, path] of PAGES[role]) {
        await page.goto(`${engine.url}${path}`);
        await page.locator('h1').waitFor();
        expect(await page.getByTestId('page-refused').count(), path).toBe(0);
      }
      // The site's own address takes anyone who does not ask questions to their first page.
      if (role !== 'mentee') {
        await page.goto(`${engine.url}/`);
        await page.waitForURL((url) => url.pathname === PAGES[role][0]![1]);
      }

      const [path, audience] = NOT_THEIRS[role];
      await page.goto(`${engine.url}${path}`);
      const refused = page.getByTestId('page-refused');
      await refused.waitFor();
      expect(await refused.textContent()).toContain(`This page is for ${audience}`);
      expect(await page.getByTestId('notice-error').count()).toBe(0);
      // The message offers the role's own pages instead.
      expect(await refused.getByRole('link').allTextContents()).toEqual(PAGES[role].map(([label]) => label));
      await shoot(page, `not-for-${role}`);

      await page.getByTestId('sign-out').click();
      await page.waitForURL((url) => url.pathname === '/signin');
      await expect.poll(navLabels).toEqual(['Ask']);
      expect(await page.getByTestId('account-name').count()).toBe(0);
      expect((await page.request.get(`${engine.url}/api/auth/me`)).status()).toBe(401);
      // Signed out, the role's page asks to sign in again.
      const [, own] = PAGES[role].find(([, p]) => p !== '/') ?? ['', '/mentors'];
      await page.goto(`${engine.url}${own}`);
      await refused.waitFor();
      expect(await refused.getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    });
  }

  it('mentor: edits their own profile on My profile', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'mentor');
    const me = await (await page.request.get(`${engine.url}/api/auth/me`)).json();
    const mentorId = (me as { mentorId: string }).mentorId;
    expect(mentorId).toBeTruthy();
    await page.goto(`${engine.url}/profile`);
    const form = page.getByTestId('mentor-form');
    await form.waitFor();
    const headline = 'Edited by the mentor themself';
    await form.getByTestId('mentor-form-headline').fill(headline);
    await form.getByTestId('mentor-form-submit').click();
    await page.getByTestId('notice-success').waitFor();
    // Their profile, not anyone's: no way to delete it from here.
    expect(await page.getByTestId('mentor-delete').count()).toBe(0);
    expect(
      await api<{ headline: string }>(engine, 'GET', `/api/mentors/${encodeURIComponent(mentorId)}`),
    ).toMatchObject({
      headline,
    });
    await shoot(page, 'my-profile');
  });

  it('admin: adds a user, changes their roles, disables them, and finds it all in the audit log and its export', async () => {
    const { engine, page } = dashboard;
    const email = `new.person.${Date.now()}@example.org`;
    const password = 'a long enough password';
    await signInAs(page, engine, 'admin');
    await page.goto(`${engine.url}/users`);
    await page.getByTestId('user-row').first().waitFor();

    await page.getByTestId('add-user').click();
    const form = page.getByTestId('user-form');
    await form.getByTestId('user-form-email').fill(email);
    await form.getByTestId('user-form-name').fill('New Person');
    await form.getByTestId('user-form-password').fill(password);
    await form.getByTestId('user-form-submit').click();
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await row.waitFor();
    expect(await row.getByTestId('user-roles').textContent()).toContain('mentee');
    const login = () =>
      fetch(`${engine.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
    expect((await login()).status).toBe(200);

    await row.getByTestId('edit-roles').click();
    await row.locator('[data-testid="role-checkbox"][data-role="coordinator"]').check();
    await row.locator('[data-testid="role-checkbox"][data-role="mentor"]').check();
    await row.locator('[data-testid="role-checkbox"][data-role="mentee"]').uncheck();
    // A mentor speaks for one mentor profile: the second demo mentor (the demo mentor account has the first).
    await row.getByTestId('user-mentor-id').fill('demo-000002');
    await row.getByTestId('save-roles').click();
    await expect
      .poll(() => row.getByTestId('user-roles').locator('.chip').allTextContents())
      .toEqual(['mentor', 'coordinator']);
    expect(await row.textContent()).toContain('speaks for mentor demo-000002');

    await row.getByTestId('toggle-disabled').click();
    await expect.poll(() => row.getAttribute('data-disabled')).toBe('true');
    const { items } = await api<{
      items: Array<{ email: string; roles: string[]; disabled: boolean; mentorId: string | null }>;
    }>(engine, 'GET', '/api/users?limit=1000');
    const stored = items.find((u) => u.email === email)!;
    expect(stored).toMatchObject({ mentorId: 'demo-000002', disabled: true });
    expect([...stored.roles].sort()).toEqual(['coordinator', 'mentor']);
    expect((await login()).status).toBe(401);
    await shoot(page, 'users');

    // The audit log, filtered to users and this admin, holds the three changes; the export holds the same.
    await page.goto(`${engine.url}/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByTestId('audit-entity').fill('user');
    await page.getByTestId('audit-actor').fill(DEMO_EMAIL.admin);
    await page.getByTestId('audit-filter').click();
    await expect
      .poll(() => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))
      .toEqual(['user.updated', 'user.updated', 'user.created']);
    expect(new Set(await page.getByTestId('audit-actor-cell').allTextContents())).toEqual(
      new Set([`${DEMO_EMAIL.admin} as admin`]),
    );
    await shoot(page, 'audit');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    expect(download.suggestedFilename()).toBe('audit.jsonl');
    const lines = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { action: string; entity: string; changes: Record<string, { after: unknown }> },
      );
    expect(lines.map((l) => l.action)).toEqual(['user.updated', 'user.updated', 'user.created']);
    expect(lines[2]!.changes.email!.after).toBe(email);
    expect(lines[2]!.changes.password!.after).toBe('(secret)');
  });

  it('any user: makes an API token on Account that acts as them, revokes it, and signs out everywhere', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'researcher');
    await page.goto(`${engine.url}/evaluation`);
    await page.getByTestId('account-name').click();
    await page.waitForURL((url) => url.pathname === '/account');
    // Every user's own page, reached from the header: no role's navigation lists it.
    expect(await navLabels()).toEqual(['Evaluation', 'Programme']);

    await page.getByTestId('token-name').fill('nightly evaluation');
    await page.getByTestId('token-create').click();
    const secret = (await page.getByTestId('token-secret').locator('code').textContent())!.trim();
    const asToken = () => fetch(`${engine.url}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    const me = await asToken();
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: DEMO_EMAIL.researcher, roles: ['researcher'] });
    await shoot(page, 'account-token');

    const row = page.locator('[data-testid="token-row"][data-name="nightly evaluation"]');
    await row.getByTestId('token-revoke').click();
    await expect.poll(() => row.getAttribute('data-revoked')).toBe('true');
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    expect((await asToken()).status).toBe(401);

    await page.getByTestId('sign-out-everywhere').click();
    await page.waitForURL((url) => url.pathname === '/signin');
    expect((await page.request.get(`${engine.url}/api/auth/me`)).status()).toBe(401);
  });
});
