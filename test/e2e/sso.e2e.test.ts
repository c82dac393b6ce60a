import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/src/config.js';
import { listenTestProvider, type TestProvider } from '../support/oidc-test-provider.js';
import { launchChromium, type LaunchedBrowser } from './browser.js';
import { shoot } from './dashboard-helpers.js';
import { type RunningEngine, startEngine } from './engine-harness.js';

let provider: TestProvider;
let engine: RunningEngine;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  provider = await listenTestProvider({
    ada: { email: 'ada@example.org', email_verified: true, name: 'Ada Lovelace', roles: ['mentoring-staff'] },
  });
  // As the environment would configure it: the settings loadConfig reads from OIDC_* variables.
  const oidc = loadConfig({
    OIDC_ISSUER_URL: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_NAME: 'Example University',
    OIDC_ROLE_MAP: JSON.stringify({ 'mentoring-staff': ['coordinator', 'researcher'] }),
  }).oidc;
  engine = await startEngine(30, { oidc });
  // The engine listens on a port of its own choosing: its callback is registered at the provider now.
  provider.start([`${engine.url}/api/auth/sso/callback`]);
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await engine?.close();
  await provider?.close();
});

/** The provider's own pages: its sign-in form, then its consent form. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password the provider accepts');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('single sign-on in the browser', () => {
  it('signs in through the provider from the sign-in page and lands on the page asked for, with mapped roles', async () => {
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${engine.url}/signin?next=${encodeURIComponent('/mentors')}`);
    const button = page.getByTestId('sign-in-sso');
    await expect.poll(() => button.textContent()).toBe('Sign in with Example University');
    await button.click();

    await signInAtProvider(page, 'ada');

    await page.waitForURL(`${engine.url}/mentors`);
    await expect.poll(() => page.getByTestId('account-name').textContent()).toBe('Ada Lovelace');
    expect(await page.getByTestId('account-roles').textContent()).toBe('coordinator, researcher');
    // A coordinator's page, shown, not refused.
    expect(await page.getByTestId('page-refused').count()).toBe(0);
    await shoot(page, 'sso-signed-in');

    // The session is the engine's own, HTTP-only; the sign-in's short-lived cookie is gone.
    const cookies = await chromium.context.cookies(engine.url);
    expect(cookies.find((c) => c.name === 'mm_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(cookies.find((c) => c.name === 'mm_sso')).toBeUndefined();
    await page.close();
  });

  it('refuses an answer from the provider that this browser did not ask for, on the sign-in page', async () => {
    const page = await chromium.context.newPage();
    await chromium.context.clearCookies();
    await page.goto(`${engine.url}/api/auth/sso/callback?code=stolen&state=forged`);
    await page.waitForURL(`${engine.url}/signin?error=SSO_STATE_INVALID`);
    const notice = page.getByTestId('sign-in-sso-error');
    await expect.poll(() => notice.textContent()).toContain('This sign-in could not be finished');
    // The way to start again is right there.
    await page.getByTestId('sign-in-sso').waitFor();
    expect((await chromium.context.cookies(engine.url)).find((c) => c.name === 'mm_session')).toBeUndefined();
    await shoot(page, 'sso-refused');
    await page.close();
  });
});
