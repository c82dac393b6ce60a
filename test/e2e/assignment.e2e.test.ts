import { describe, expect, it } from 'vitest';
import { shoot, signInAs, useDashboard } from './dashboard-helpers.js';
import { DEMO_EMAIL } from './engine-harness.js';

const dashboard = useDashboard();

const cohort = [
  'id,email,question,timezone',
  `first,${DEMO_EMAIL.mentee},How do I negotiate a salary offer for my first job?,Europe/Berlin`,
  'second,,I want to move from teaching into product management. Where do I start?,',
  'third,,How do I build data pipelines and learn SQL for analytics?,America/Toronto',
].join('\n');

describe('the assignment page', () => {
  it('a coordinator assigns a cohort, forbids a pair, solves again and publishes', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/assignment`);
    await page.getByTestId('assignment-file').setInputFiles({
      name: 'cohort.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(cohort),
    });
    await page.getByTestId('assignment-run').click();
    await page.getByTestId('assignment-totals').waitFor();
    expect(await page.getByTestId('assignment-unassigned').textContent()).toBe('0 of 3');
    expect(await page.getByTestId('assignment-mentee').count()).toBe(3);
    await shoot(page, 'assignment-draft');

    const first = page.locator('[data-testid="assignment-mentee"][data-id="first"]');
    const mentorLine = await first.locator('.pair').first().textContent();
    await first.getByRole('button', { name: 'forbid' }).click();
    await page.getByTestId('assignment-resolve').click();
    await first
      .getByText('you forbade their first choice')
      .or(first.getByText('Not their first choice'))
      .first()
      .waitFor();
    expect(await first.locator('.pair').first().textContent()).not.toBe(mentorLine);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('assignment-publish').click();
    await page.getByText('Published: 1 session request sent.').waitFor();
    await shoot(page, 'assignment-published');
  });
});
