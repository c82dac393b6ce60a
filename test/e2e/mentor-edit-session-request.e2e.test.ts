import { describe, expect, it } from 'vitest';
import { api, apiResponse, shoot, signInAs, useDashboard } from './dashboard-helpers.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from './engine-harness.js';

interface Mentor {
  id: string;
  name: string;
  headline: string;
  bio: string;
  capacityPerMonth: number;
}

interface MatchAnswer {
  matches: Array<{ mentor: Mentor; explanation: { factors: Array<{ name: string; value: number }> } }>;
}

const dashboard = useDashboard();

/**
 * The mentors' capacity signal, which falls with every session accepted this month (not with requests still
 * waiting for an answer, so that requests cannot hide a mentor). Asked as the Ask page asks.
 */
async function capacityByMentor(
  text: string,
  timezone: string,
): Promise<Map<string, { mentor: Mentor; capacity: number }>> {
  const { matches } = await api<MatchAnswer>(dashboard.engine, 'POST', '/api/match', {
    text,
    k: 50,
    filters: { timezone },
  });
  return new Map(
    matches.map((m) => [
      m.mentor.id,
      { mentor: m.mentor, capacity: m.explanation.factors.find((f) => f.name === 'capacity')!.value },
    ]),
  );
}

describe('coordinator and mentee flows against the real engine, each signed in as its role', () => {
  it('edits a mentor on the Mentors page: the change survives a reload and is in /api/mentors/{id}', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/mentors`);
    const firstRow = page.getByTestId('mentor-row').first();
    await firstRow.waitFor();
    const id = (await firstRow.getAttribute('data-mentor-id'))!;
    const before = await api<Mentor>(engine, 'GET', `/api/mentors/${encodeURIComponent(id)}`);
    const headline = `Edited in the browser test (${id})`;
    const capacity = before.capacityPerMonth === 7 ? 6 : 7;

    await firstRow.getByTestId('edit-mentor').click();
    const form = page.getByTestId('mentor-form');
    await form.getByTestId('mentor-form-headline').fill(headline);
    await form.getByTestId('mentor-form-capacity').fill(String(capacity));
    await form.getByTestId('mentor-form-submit').click();
    await page.getByTestId('notice-success').waitFor();
    await form.waitFor({ state: 'detached' });

    await page.reload();
    // The list is in row order, so the edited mentor stays where it was.
    const row = page.locator(`[data-testid="mentor-row"][data-mentor-id="${id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('mentor-row-headline').textContent()).toBe(headline);
    expect(await row.getByTestId('mentor-row-capacity').textContent()).toBe(String(capacity));

    const after = await api<Mentor>(engine, 'GET', `/api/mentors/${encodeURIComponent(id)}`);
    expect(after).toMatchObject({ id, headline, capacityPerMonth: capacity, name: before.name, bio: before.bio });
    await shoot(page, 'mentor-edited');
  });

  it('deactivates and then deletes a mentor on the Mentors page; Edit opens the form in view with the cursor in it', async () => {
    const { engine, page } = dashboard;
    const id = 'e2e-leaving';
    await api(engine, 'POST', '/api/mentors', {
      id,
      name: 'Leaving Mentor',
      bio: 'I coached early-career designers for years and am about to stop mentoring.',
      timezone: 'UTC',
      yearsExperience: 9,
    });
    await signInAs(page, engine, 'coordinator');
    await page.setViewportSize({ width: 1280, height: 700 });
    await page.goto(`${engine.url}/mentors`);
    await page.getByTestId('mentor-search').fill('Leaving Mentor');
    const row = page.locator(`[data-testid="mentor-row"][data-mentor-id="${id}"]`);
    await row.waitFor();

    await row.getByTestId('toggle-active').click();
    await expect
      .poll(async () => (await api<{ active: boolean }>(engine, 'GET', `/api/mentors/${id}`)).active)
      .toBe(false);
    await expect.poll(() => row.getByTestId('toggle-active').textContent()).toBe('Activate');

    // Scrolled to the bottom first: the form opens above the list and must come into view.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await row.getByTestId('edit-mentor').click();
    const form = page.getByTestId('mentor-form');
    await form.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('mentor-name');
    const top = await form.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(700);

    // Activated again on the row while the form is open: saving the form's own edit must not undo it.
    await row.getByTestId('toggle-active').click();
    await expect
      .poll(async () => (await api<{ active: boolean }>(engine, 'GET', `/api/mentors/${id}`)).active)
      .toBe(true);
    await form.getByTestId('mentor-form-headline').fill('Edited while the row was changed');
    await form.getByTestId('mentor-form-submit').click();
    await form.waitFor({ state: 'detached' });
    expect(await api<{ active: boolean; headline: string }>(engine, 'GET', `/api/mentors/${id}`)).toMatchObject({
      active: true,
      headline: 'Edited while the row was changed',
    });

    await row.getByTestId('edit-mentor').click();
    await form.waitFor();
    await form.getByTestId('mentor-delete').click();
    await form.getByTestId('mentor-delete-confirm').click();
    await form.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    expect((await apiResponse(engine, 'GET', `/api/mentors/${id}`)).status).toBe(404);
    await shoot(page, 'mentor-deleted');
  });

  it('requests a session with a matched mentor from the Ask page: confirmed on the card and listed by the engine', async () => {
    const { engine, page } = dashboard;
    const question = 'I am a teacher and want to move into product management';
    // Asked before signing in: a session request needs a signed-in mentee, and the card's sign-in link brings the
    // asker back to the same question, answered again.
    await page.goto(`${engine.url}/`);
    await page.getByTestId('ask-input').fill(question);
    await page.getByTestId('ask-submit').click();
    const cards = page.getByTestId('mentor-card');
    await cards.first().waitFor();
    await cards.first().getByTestId('request-needs-sign-in').getByRole('link').click();
    await page.getByTestId('sign-in-email').fill(DEMO_EMAIL.mentee);
    await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.getByTestId('ask-input').inputValue()).toBe(question);
    await cards.first().getByTestId('request-session').waitFor();
    const shown = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-mentor-id')!));
    const timezone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);

    const before = await capacityByMentor(question, timezone);
    const mentorId = shown.find((id) => before.has(id));
    expect(mentorId, `a shown mentor among ${shown.join(', ')}`).toBeDefined();
    const { mentor, capacity: capacityBefore } = before.get(mentorId!)!;

    const card = page.locator(`[data-testid="mentor-card"][data-mentor-id="${mentorId}"]`);
    await card.getByTestId('request-session').click();
    // The keyboard lands in the note field, and on the confirmation once sent.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('request-note');
    await card.getByTestId('request-note').fill('Could we talk about moving from the classroom to a product team?');
    const answered = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/session-requests' && r.request().method() === 'POST',
    );
    await card.getByTestId('confirm-request').click();
    const response = await answered;
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: number };
    expect(Number.isInteger(id)).toBe(true);

    const confirmation = card.getByTestId('notice-success');
    await confirmation.waitFor();
    expect(await confirmation.textContent()).toContain(mentor.name);
    expect(await card.getByTestId('request-session').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain(mentor.name);

    const mine = await (await page.request.get(`${engine.url}/api/session-requests?role=mentee`)).json();
    expect((mine as { items: Array<{ id: number }> }).items.find((r) => r.id === id)).toMatchObject({
      state: 'requested',
      mentorId,
    });
    // Waiting for an answer, the request spends none of the mentor's capacity.
    const after = await capacityByMentor(question, timezone);
    expect(after.get(mentorId!)?.capacity).toBe(capacityBefore);
    await shoot(page, 'session-requested');
  });
});
