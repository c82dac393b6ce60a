import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './browser.js';
import { shoot } from './dashboard-helpers.js';
import { startEngine, type RunningEngine } from './engine-harness.js';

const token = 'e2e-coordinator-token-42';
let engine: RunningEngine;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  engine = await startEngine(40, { apiToken: token });
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  await engine?.close();
});

describe('an engine started with API_TOKEN', () => {
  it('answers mentees without it, and asks coordinators for it once, then shows their pages', async () => {
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(30_000);
    try {
      await page.goto(`${engine.url}/`);
      await page.getByTestId('ask-input').fill('I want to negotiate the salary of my first job offer');
      await page.getByTestId('ask-submit').click();
      await page.getByTestId('mentor-card').first().waitFor();
      expect(await page.getByTestId('token-form').count()).toBe(0);

      await page.goto(`${engine.url}/mentors`);
      const form = page.getByTestId('token-form');
      await form.waitFor();
      expect(await page.getByTestId('mentor-row').count()).toBe(0);
      await shoot(page, 'token-asked');
      await form.getByLabel('Access token').fill(token);
      await form.getByRole('button', { name: 'Use token' }).click();
      await page.getByTestId('mentor-row').first().waitFor();
      expect(await page.getByTestId('mentor-row').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('token-form').count()).toBe(0);

      // The token stays for the tab: another coordinator page opens without asking again.
      await page.goto(`${engine.url}/weights`);
      await page.waitForLoadState('networkidle');
      expect(await page.getByTestId('token-form').count()).toBe(0);
      const unauthorised = await fetch(`${engine.url}/api/mentors`);
      expect(unauthorised.status).toBe(401);
    } finally {
      await page.close();
    }
  });
});
