import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shoot, signInAs, useDashboard } from './dashboard-helpers.js';
import { DEMO_EMAIL, type RunningEngine } from './engine-harness.js';

// No SMTP_URL, as in the demo: emails are kept in the outbox, where admins read them.
const dashboard = useDashboard();

/** Signs the page in as the demo account of a role, alone: the cookies of the one before are gone. */
async function as(page: Page, engine: RunningEngine, role: 'mentee' | 'mentor' | 'admin'): Promise<void> {
  await page.context().clearCookies();
  await signInAs(page, engine, role);
}

describe('answering a request: the inbox, the Sessions page and the outbox', () => {
  it('the mentor reads the request in the inbox and declines it kindly; the mentee reads why; the admin reads the emails', async () => {
    const { engine, page } = dashboard;
    const request = page.context().request;
    await as(page, engine, 'mentor');
    const { mentorId } = (await (await request.get(`${engine.url}/api/auth/me`)).json()) as { mentorId: string };

    await as(page, engine, 'mentee');
    const sent = await request.post(`${engine.url}/api/session-requests`, {
      data: { mentorId, note: 'Could we talk about negotiating a raise?', timeZone: 'Europe/Madrid' },
    });
    expect(sent.status()).toBe(201);
    const { id } = (await sent.json()) as { id: number };

    // The mentor's inbox counts the request, and marking everything read clears the badge.
    await as(page, engine, 'mentor');
    await page.goto(`${engine.url}/inbox`);
    await expect.poll(() => page.getByTestId('inbox-badge').textContent()).toContain('1');
    const item = page.locator('[data-testid="inbox-item"][data-kind="request_received"]');
    expect(await item.textContent()).toContain('Demo Mentee');
    await page.getByTestId('inbox-read-all').click();
    await page.getByTestId('inbox-badge').waitFor({ state: 'detached' });
    await shoot(page, 'inbox-read');

    // The mentor declines on Sessions, with a reason the mentee reads.
    await item.getByRole('link').click();
    const mine = page.locator(`[data-testid="session-request"][data-id="${id}"]`);
    await mine.getByTestId('session-decline').click();
    await mine
      .getByTestId('session-reason-input')
      .fill('I am away this month; Ana knows negotiation better than I do.');
    await mine.getByTestId('session-reason-confirm').click();
    await expect.poll(() => mine.getAttribute('data-state')).toBe('declined');

    await as(page, engine, 'mentee');
    await page.goto(`${engine.url}/requests`);
    const theirs = page.locator(`[data-testid="session-request"][data-id="${id}"]`);
    await expect.poll(() => theirs.getAttribute('data-state')).toBe('declined');
    expect(await theirs.getByTestId('session-reason').textContent()).toContain('Ana knows negotiation');
    expect(await theirs.getByTestId('session-decline').count()).toBe(0);
    await page.goto(`${engine.url}/inbox`);
    await page.locator('[data-testid="inbox-item"][data-kind="request_declined"]').waitFor();
    await shoot(page, 'inbox-declined');

    // The admin reads both emails in the outbox, newest first: the mentee's news, then the mentor's request.
    await as(page, engine, 'admin');
    await page.goto(`${engine.url}/outbox`);
    const emails = page.getByTestId('outbox-email');
    await emails.first().waitFor();
    const texts = await emails.allTextContents();
    const toMentee = texts.findIndex((t) => t.includes(DEMO_EMAIL.mentee));
    const toMentor = texts.findIndex((t) => t.includes(DEMO_EMAIL.mentor));
    expect(toMentee).toBeGreaterThanOrEqual(0);
    expect(toMentor).toBeGreaterThan(toMentee);
    expect(texts[toMentee]).toContain('kept, not sent');
    await emails.nth(toMentee).locator('summary').click();
    expect(await emails.nth(toMentee).locator('pre').textContent()).toContain('Ana knows negotiation');
    await shoot(page, 'outbox');
  });

  it('the mentor proposes a time for a request sent without one; the mentee cancels, and the mentor reads why', async () => {
    const { engine, page } = dashboard;
    const request = page.context().request;
    await as(page, engine, 'mentor');
    const { mentorId } = (await (await request.get(`${engine.url}/api/auth/me`)).json()) as { mentorId: string };
    const windows = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45' }));
    const put = await request.put(`${engine.url}/api/me/availability`, {
      data: { timeZone: 'UTC', awayUntil: null, videoLink: 'https://video.example.org/chloe', windows },
    });
    expect(put.status()).toBe(200);

    await as(page, engine, 'mentee');
    const sent = await request.post(`${engine.url}/api/session-requests`, { data: { mentorId } });
    expect(sent.status()).toBe(201);
    const { id } = (await sent.json()) as { id: number };

    await as(page, engine, 'mentor');
    await page.goto(`${engine.url}/requests?session=${id}`);
    const mine = page.locator(`[data-testid="session-request"][data-id="${id}"]`);
    await mine.getByTestId('session-propose').click();
    const slot = mine.getByTestId('slot').nth(2);
    await slot.waitFor({ state: 'attached' });
    const start = (await slot.getAttribute('value'))!;
    await slot.check({ force: true });
    await mine.getByTestId('session-propose-confirm').click();
    await expect.poll(() => mine.getAttribute('data-state')).toBe('accepted');
    expect(await mine.getByTestId('session-video').getAttribute('href')).toBe('https://video.example.org/chloe');

    await as(page, engine, 'mentee');
    await page.goto(`${engine.url}/requests`);
    const theirs = page.locator(`[data-testid="session-request"][data-id="${id}"]`);
    await expect.poll(() => theirs.getAttribute('data-state')).toBe('accepted');
    const view = (await (await request.get(`${engine.url}/api/session-requests/${id}`)).json()) as {
      slotStart: string;
    };
    expect(new Date(view.slotStart).toISOString()).toBe(new Date(start).toISOString());
    await theirs.getByTestId('session-cancel').click();
    await theirs.getByTestId('session-reason-input').fill('My manager moved our review to that hour.');
    await theirs.getByTestId('session-reason-confirm').click();
    await expect.poll(() => theirs.getAttribute('data-state')).toBe('cancelled');

    await as(page, engine, 'mentor');
    await page.goto(`${engine.url}/requests`);
    await expect.poll(() => mine.getAttribute('data-state')).toBe('cancelled');
    expect(await mine.getByTestId('session-reason').textContent()).toContain(
      'Cancelled by Demo Mentee: “My manager moved',
    );
    await shoot(page, 'session-cancelled');

    // At phone width none of the mentor's session pages scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const [path, ready] of [
      ['/requests', 'session-request'],
      ['/inbox', 'inbox-item'],
      ['/profile', 'availability-window'],
    ] as const) {
      await page.goto(`${engine.url}${path}`);
      await page.getByTestId(ready).first().waitFor();
      expect(await overflow(), path).toBe(0);
    }
    await shoot(page, 'availability-phone');
  });
});
