import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../engine/src/auth/roles.js';
import { api, shoot, signInAs, useDashboard } from './dashboard-helpers.js';

// No gold standard, as on a fresh clone: the Evaluation page must say how to get it, whatever lies beside this checkout.
const dashboard = useDashboard({ reviewerExpertiseDir: path.join(os.tmpdir(), 'mm-e2e-no-gold-standard') });

describe('dashboard against the real engine', () => {
  it('asks a question without signing in and shows ranked mentors with highlighted evidence', async () => {
    const { engine, page } = dashboard;
    await page.goto(`${engine.url}/`);
    await page.getByTestId('ask-input').fill('I want to negotiate the salary of my first job offer');
    await page.getByTestId('ask-submit').click();
    await page.getByTestId('mentor-card').first().waitFor();

    const cards = page.getByTestId('mentor-card');
    expect(await cards.count()).toBeGreaterThan(1);
    const ranks = await cards.locator('.rank').allTextContents();
    expect(ranks.map(Number)).toEqual(ranks.map((_, i) => i + 1));
    expect(await cards.first().getByTestId('factor-bar').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('evidence').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="evidence"] mark').count()).toBeGreaterThan(0);
    expect(await page.getByText('clearly about your question').count()).toBe(0);
    // Mentees see no internals: no model id, configuration version or raw score (coordinators' pages keep them).
    const { model } = await api<{ model: { id: string } }>(engine, 'GET', '/api/status');
    await page.getByTestId('status-mentors').waitFor();
    const shown = (await page.locator('header, main').allTextContents()).join(' ');
    expect(shown).not.toContain(model.id);
    expect(shown).not.toMatch(/score of 1|configuration (v\d|defaults)|\b0\.\d{3}\b/);
    expect(await page.getByTestId('match-meta').textContent()).toContain('best placed to help');
    await shoot(page, 'ask');

    // Gibberish still gets the closest mentors, but the page says that no profile is about it.
    await page.getByTestId('ask-input').fill('qwzx vbnm blorf');
    await page.getByTestId('ask-submit').click();
    await page.getByText('clearly about your question').waitFor();
    await shoot(page, 'ask-gibberish');

    // A visitor who has not signed in may not request a session: the card says how to.
    expect(await page.getByTestId('request-session').count()).toBe(0);
    expect(await page.getByTestId('request-needs-sign-in').count()).toBeGreaterThan(0);

    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/mentors`);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toContain(model.id);
  });

  it('edits a numeric rule and a list rule in the weights lab: a value the engine refuses is named, a valid one changes the draft', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/weights`);
    await page.getByTestId('sample-input').fill('Kubernetes cluster upgrades and on-call for a platform team');
    await page.getByTestId('draft-row').first().waitFor();
    const tolerance = page.locator('[data-testid="rule-number"][data-rule="fairnessTolerance"]');
    await tolerance.fill('-3');
    await tolerance.blur();
    await page
      .getByText(/fairnessTolerance/)
      .first()
      .waitFor();
    expect(await page.getByTestId('save-config').isDisabled()).toBe(false);

    await tolerance.fill('2');
    await tolerance.blur();
    const languages = page.locator('[data-testid="rule-list"][data-rule="requiredLanguages"]');
    await languages.fill('es');
    await languages.blur();
    // Only Spanish speakers are left: every mentor the draft ranks speaks it.
    await expect
      .poll(
        async () => {
          const ids = await page
            .getByTestId('draft-row')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mentor-id')));
          const spoken = await Promise.all(
            ids.map((id) => api<{ languages: string[] }>(engine, 'GET', `/api/mentors/${id}`)),
          );
          return ids.length > 0 && spoken.every((m) => m.languages.includes('es'));
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await shoot(page, 'weights-rules');
  });

  it('moves a weight and sees the draft preview change', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/weights`);
    await page.getByTestId('sample-input').fill('Kubernetes cluster upgrades and on-call for a platform team');
    const draftRows = page.getByTestId('draft-row');
    await draftRows.first().waitFor();
    // Nothing changed yet: there is no new version to save.
    expect(await page.getByTestId('save-config').isDisabled()).toBe(true);
    const before = await draftRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mentor-id')).join(','));
    const scoresBefore = await page.getByTestId('draft-score').allTextContents();

    // Drop meaning to zero and push exact terms up: the ranking under the draft must move.
    await setSlider(page, 'semantic', 0);
    await setSlider(page, 'lexical', 1);
    await page.waitForFunction(
      ([order, scores]) => {
        const rows = [...document.querySelectorAll('[data-testid="draft-row"]')];
        const now = rows.map((r) => r.getAttribute('data-mentor-id')).join(',');
        const nowScores = [...document.querySelectorAll('[data-testid="draft-score"]')]
          .map((s) => s.textContent)
          .join(',');
        return rows.length > 0 && (now !== order || nowScores !== scores);
      },
      [before, scoresBefore.join(',')],
    );
    expect(await page.getByTestId('movement').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('save-config').isDisabled()).toBe(false);
    expect(await page.locator('[data-testid="weight-share"][data-factor="lexical"]').textContent()).not.toBe('0%');
    await shoot(page, 'weights-preview');
  });

  it('at phone width no page scrolls sideways, and a long recent question does not widen the weights lab', async () => {
    const { engine, page } = dashboard;
    // Coordinators see recent question texts only where an admin allows it.
    await api(engine, 'PATCH', '/api/settings/privacy', { coordinatorsSeeQuestionTexts: true });
    await api(engine, 'POST', '/api/match', {
      text: `${'a very long question about changing careers '.repeat(40)}end`,
      k: 3,
    });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

    await signInAs(page, engine, 'coordinator');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${engine.url}/weights`);
    await page.getByTestId('recent-question').first().waitFor();
    expect(await overflow()).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    // Each page as the role it is for (the sign-in page and Ask before signing in).
    const pages: Array<[Role | null, string[]]> = [
      [null, ['/', '/signin']],
      ['coordinator', ['/mentors', '/weights']],
      ['researcher', ['/evaluation']],
      ['admin', ['/users', '/audit']],
    ];
    const loaded: Record<string, string> = { '/mentors': 'mentor-row', '/users': 'user-row', '/audit': 'audit-row' };
    for (const [role, paths] of pages) {
      await page.context().clearCookies();
      if (role) await signInAs(page, engine, role);
      for (const path of paths) {
        await page.goto(`${engine.url}${path}`);
        await page.locator('h1').waitFor();
        if (loaded[path]) await page.getByTestId(loaded[path]).first().waitFor();
        expect(await overflow(), path).toBe(0);
      }
    }
    await shoot(page, 'audit-phone');
  });

  it('saves and activates a configuration, and /api/match uses it', async () => {
    const { engine, page } = dashboard;
    const { configVersion: activeBefore } = await api<{ configVersion: number }>(engine, 'POST', '/api/match', {
      text: 'career change into data science',
      k: 3,
    });

    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/weights`);
    await page.getByTestId('weight-slider').first().waitFor();
    await setSlider(page, 'skills', 0.5);
    await page.getByTestId('config-name').fill('e2e skills heavy');
    await page.getByTestId('save-config').click();
    const saved = page.getByTestId('saved-version');
    await saved.waitFor();
    const version = Number(await saved.getAttribute('data-version'));
    expect(version).toBeGreaterThan(activeBefore);

    await page.getByTestId('activate-config').click();
    await page.locator(`[data-testid="config-row"][data-version="${version}"][data-status="active"]`).waitFor();

    const { configVersion } = await api<{ configVersion: number }>(engine, 'POST', '/api/match', {
      text: 'career change into data science',
      k: 3,
    });
    expect(configVersion).toBe(version);

    // Asked as a mentee asks, without signing in.
    await page.context().clearCookies();
    await page.goto(`${engine.url}/`);
    await page.getByTestId('ask-input').fill('career change into data science');
    await page.getByTestId('ask-submit').click();
    await expect.poll(() => page.getByTestId('match-meta').getAttribute('data-config-version')).toBe(String(version));
    await shoot(page, 'config-activated');
  });

  it('imports a CSV with one bad row: the count grows and the bad row is reported', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/mentors`);
    const total = page.getByTestId('mentors-total');
    await total.waitFor();
    const before = Number(await total.getAttribute('data-total'));

    const csv = [
      'id,name,headline,bio,skills,languages,timezone,yearsExperience,capacityPerMonth,active',
      'e2e-1,Greta Lind,Payroll lead,Ran payroll for 3 countries and trained new accountants.,payroll;accounting,en;sv,Europe/Stockholm,14,2,true',
      'e2e-2,Tomás Ruiz,Mobile engineer,Ships Android apps and mentors juniors on Kotlin.,android;kotlin,es;en,Europe/Madrid,8,3,true',
      'e2e-3,Bad Row,Nobody,This row has an impossible time zone.,testing,en,Mars/Olympus,5,1,true',
    ].join('\n');
    await page.getByTestId('import-toggle').click();
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'mentors.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-result').waitFor();

    expect(await page.getByTestId('import-created').textContent()).toBe('2');
    expect(await page.getByTestId('import-failed').textContent()).toBe('1');
    const errors = page.getByTestId('import-error-row');
    expect(await errors.count()).toBe(1);
    expect(await errors.first().textContent()).toContain('timezone');
    await expect.poll(async () => Number(await total.getAttribute('data-total'))).toBe(before + 2);
    await shoot(page, 'import');
  });

  it('lists only the datasets on the engine, and says how to get the missing gold standard', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'researcher');
    await page.goto(`${engine.url}/evaluation`);
    const missing = page.locator('[data-testid="dataset-missing"][data-dataset="reviewer-expertise"]');
    await missing.waitFor();
    expect(await missing.textContent()).toContain('REVIEWER_EXPERTISE_DIR');
    expect(await page.getByTestId('dataset-select').locator('option').allTextContents()).toEqual(['demo (generic)']);
    expect(await page.getByTestId('run-evaluation').isDisabled()).toBe(false);
  });

  it('runs an evaluation and shows the metrics table and a chart', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'researcher');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${engine.url}/evaluation`);
    await page.getByTestId('dataset-select').locator('option').first().waitFor({ state: 'attached' });
    await page.locator('[data-testid="config-option"][value="research"]').check();
    await page.getByTestId('run-evaluation').click();
    const table = page.getByTestId('metrics-table');
    await table.waitFor({ timeout: 300_000 });
    // One column per configuration, one row per metric.
    const rows = await table.getByTestId('config-column').allTextContents();
    expect(rows[0]).toMatch(/\(active\)$/);
    expect(rows[1]).toBe('research');
    expect(rows.length).toBeGreaterThan(2);
    expect(await page.locator('[data-testid="metric-chart"] rect').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="lorenz-chart"] path').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('delta-column').count()).toBe(rows.length - 1);
    // Beside the offline metrics, the outcome log's estimate for the active configuration (not for the preset).
    const offPolicy = page.getByTestId('off-policy-table');
    await expect
      .poll(() => offPolicy.locator('tr[data-config]').allTextContents())
      .toEqual([expect.not.stringMatching(/Estimating|error/i)]);
    expect(await offPolicy.locator('tr[data-config="active"]').count()).toBe(1);
    // Each metric says which way is better; no interval prints a negative zero; both tables fit at 1280 px.
    expect(await table.locator('tr[data-metric="mrr"] [data-testid="metric-direction"]').textContent()).toBe(
      'higher is better',
    );
    expect(await table.locator('tr[data-metric="gini"] [data-testid="metric-direction"]').textContent()).toBe(
      'lower is more even',
    );
    expect(await table.locator('tbody tr').count()).toBe(await table.getByTestId('metric-direction').count());
    for (const text of await page
      .locator('[data-testid="metrics-table"], [data-testid="deltas-table"]')
      .allTextContents())
      expect(text).not.toMatch(/[-−]0\.000/);
    const sideways = await page
      .locator('.table-wrap')
      .evaluateAll((wraps) => wraps.map((w) => w.scrollWidth - w.clientWidth));
    // Metrics, paired differences and the outcome log's estimates.
    expect(sideways).toEqual([0, 0, 0]);
    await shoot(page, 'evaluation');

    // The run's id is in the address: the results come back after leaving the page.
    const runId = new URL(page.url()).searchParams.get('run');
    expect(runId).toBeTruthy();
    await page.goto(`${engine.url}/`);
    await page.goto(`${engine.url}/evaluation?run=${runId}`);
    await table.waitFor();
    expect(await table.getByTestId('config-column').allTextContents()).toEqual(rows);

    // The CSV download goes through the API client (so an access token would go with it) and holds every configuration.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(download.suggestedFilename()).toBe(`evaluation-${runId}.csv`);
    const csv = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('dataset,checksum,config,metric,value,ci_low,ci_high,n');
    for (const name of rows) expect(csv.some((line) => line.includes(`,${name},mrr,`))).toBe(true);
  }, 330_000);
});

/** Range inputs take keyboard steps in a browser; setting the value and firing input is what a drag does. */
async function setSlider(page: Page, factor: string, value: number): Promise<void> {
  await page.locator(`[data-testid="weight-slider"][data-factor="${factor}"]`).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}
