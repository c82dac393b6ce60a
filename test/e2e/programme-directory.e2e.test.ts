import { describe, expect, it } from 'vitest';
import { api, shoot, signInAs, useDashboard } from './dashboard-helpers.js';

const dashboard = useDashboard();

interface SessionList {
  items: Array<{ mentorId: string; state: string }>;
}

describe('the mentor directory and the programme view', () => {
  it('a mentee finds a mentor in the directory by words, and requests a session', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'mentee');
    await page.goto(`${engine.url}/directory`);
    // Without words: every active mentor, by name, twenty a page.
    await page.getByTestId('directory-mentor').first().waitFor();
    expect(await page.getByTestId('directory-mentor').count()).toBe(20);
    expect(await page.getByTestId('directory-total').textContent()).toContain('by name');

    await page.getByTestId('directory-q').fill('negotiating a salary offer');
    await page.getByTestId('directory-submit').click();
    await page.getByText('best match for your words first').waitFor();
    const first = page.getByTestId('directory-mentor').first();
    const mentorId = await first.getAttribute('data-id');
    // The words rank as a question on the Ask page does.
    const matched = await api<{ matches: Array<{ mentor: { id: string } }> }>(engine, 'POST', '/api/match', {
      text: 'negotiating a salary offer',
      k: 5,
    });
    expect(matched.matches[0]?.mentor.id).toBe(mentorId);

    await first.getByTestId('directory-request').click();
    await first.getByTestId('request-form').waitFor();
    await first.getByTestId('slot-none').check();
    await first.getByTestId('confirm-request').click();
    await first.getByTestId('notice-success').waitFor();
    await shoot(page, 'directory-requested');
    const mine = (await (
      await page.context().request.get(`${engine.url}/api/session-requests?role=mentee`)
    ).json()) as SessionList;
    expect(mine.items.map((r) => [r.mentorId, r.state])).toContainEqual([mentorId, 'requested']);
  });

  it('a coordinator reads the funnel, the rates and the per-mentor load, and downloads the CSV', async () => {
    const { engine, page } = dashboard;
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/programme`);
    await page.getByTestId('programme-funnel').waitFor();
    // The request of the test before is in this period's funnel.
    const funnel = await page.getByTestId('programme-funnel').locator('table').textContent();
    expect(funnel).toMatch(/Requested a session\s*[1-9]/);
    expect(await page.getByTestId('programme-mentor').count()).toBe(25);
    await shoot(page, 'programme');
    await page.getByTestId('programme-all-mentors').click();
    expect(await page.getByTestId('programme-mentor').count()).toBeGreaterThan(25);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('programme-csv').click()]);
    const csv = await (await download.createReadStream()).toArray();
    const lines = Buffer.concat(csv).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'mentor_id,name,active,capacity_per_month,capacity,served,requested,accepted,completed,capacity_used',
    );
    expect(lines.length).toBeGreaterThan(25);
  });
});
