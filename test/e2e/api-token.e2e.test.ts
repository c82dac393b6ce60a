import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './browser.js';
import { shoot } from './dashboard-helpers.js';
import { startEngine, type RunningEngine } from './engine-harness.js';

const token = 'e2e-coordinator-token-42';
let engine: RunningEngine;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  // Outside demo mode (as beyond loopback), with questions still open to anyone.
  engine = await startEngine(40, { apiToken: token, demoMode: false, anonymousQuestions: true });
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  await engine?.close();
});

describe('an engine started with the deprecated API_TOKEN, outside demo mode', () => {
  it('answers mentees without signing in; the token makes a coordinator, who signs in (no token prompt)', async () => {
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(30_000);
    try {
      // Outside demo mode there are no demo accounts: the token, an admin's, makes the coordinator.
      const email = 'coordinator@example.org';
      const password = 'the coordinator password';
      const created = await fetch(`${engine.url}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email, name: 'A Coordinator', roles: ['coordinator'], password }),
      });
      expect(created.status, await created.clone().text()).toBe(201);

      await page.goto(`${engine.url}/`);
      await page.getByTestId('ask-input').fill('I want to negotiate the salary of my first job offer');
      await page.getByTestId('ask-submit').click();
      await page.getByTestId('mentor-card').first().waitFor();

      await page.goto(`${engine.url}/mentors`);
      const refused = page.getByTestId('page-refused');
      await refused.waitFor();
      expect(await refused.textContent()).toContain('This page is for coordinators');
      expect(await page.getByTestId('mentor-row').count()).toBe(0);
      await refused.getByRole('link', { name: 'Sign in' }).click();

      // Outside demo mode the sign-in page lists no accounts.
      const form = page.getByTestId('sign-in-form');
      await form.waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.getByTestId('demo-accounts').count()).toBe(0);
      await shoot(page, 'sign-in-outside-demo');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('mentor-row').first().waitFor();
      expect(new URL(page.url()).pathname).toBe('/mentors');

      // Without the token or a session the API asks for credentials.
      expect((await fetch(`${engine.url}/api/mentors`)).status).toBe(401);
    } finally {
      await page.close();
    }
  });
});
