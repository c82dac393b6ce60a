import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './browser.js';
import type { AppConfig } from '../../engine/src/config.js';
import type { Role } from '../../engine/src/auth/roles.js';
import { startEngine, type RunningEngine } from './engine-harness.js';

const screenshots = path.resolve('test-results/e2e');

export interface Dashboard {
  readonly engine: RunningEngine;
  /** A fresh page for each test. */
  readonly page: Page;
}

/**
 * One real engine (its configuration changed by `overrides`) and one Chromium for the test file that calls this,
 * and a fresh page per test.
 */
export function useDashboard(overrides: Partial<AppConfig> = {}): Dashboard {
  let engine: RunningEngine | undefined;
  let chromium: LaunchedBrowser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    engine = await startEngine(undefined, overrides);
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await engine?.close();
  });

  beforeEach(async () => {
    // Each test starts signed out and signs in as the role it plays.
    await chromium!.context.clearCookies();
    page = await chromium!.context.newPage();
    page.setDefaultTimeout(30_000);
  });

  afterEach(async () => {
    await page?.close();
  });

  return {
    get engine() {
      return engine!;
    },
    get page() {
      return page!;
    },
  };
}

/** A full-page screenshot under test-results/e2e, to look at what a flow ended on. */
export async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

/** Signs the page's browser in as the demo account of a role, through the API (the roles test uses the form). */
export async function signInAs(page: Page, engine: RunningEngine, role: Role): Promise<void> {
  await engine.signIn(page.context(), role);
}

/** Calls the engine's API directly, beside the browser, as a user of every role, and answers the response. */
export function apiResponse(engine: RunningEngine, method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(`${engine.url}${url}`, {
    method,
    headers: {
      authorization: engine.authorization,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Calls the engine's API directly, beside the browser, to check what the dashboard did. */
export async function api<T>(engine: RunningEngine, method: string, url: string, body?: unknown): Promise<T> {
  const response = await apiResponse(engine, method, url, body);
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
