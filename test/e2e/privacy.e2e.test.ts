import { describe, expect, it } from 'vitest';
import { api, shoot, signInAs, useDashboard } from './dashboard-helpers.js';

const dashboard = useDashboard();

describe('privacy in the dashboard', () => {
  it('a mentor reads on My profile the question a mentee sent them, and reports from it', async () => {
    const { engine, page } = dashboard;
    const request = page.context().request;
    await signInAs(page, engine, 'mentor');
    const { mentorId } = (await (await request.get(`${engine.url}/api/auth/me`)).json()) as { mentorId: string };
    await page.context().clearCookies();

    await signInAs(page, engine, 'mentee');
    const question = 'How do I tell my manager I want to move into data science?';
    const asked = await (await request.post(`${engine.url}/api/match`, { data: { text: question, k: 3 } })).json();
    const sent = await request.post(`${engine.url}/api/session-requests`, {
      data: { mentorId, requestId: asked.requestId, note: 'Thursdays suit me' },
    });
    expect(sent.status()).toBe(201);
    await page.context().clearCookies();

    await signInAs(page, engine, 'mentor');
    await page.goto(`${engine.url}/profile`);
    const item = page.getByTestId('received-request').first();
    await item.waitFor();
    expect(await item.textContent()).toContain(question);
    expect(await item.textContent()).toContain('Thursdays suit me');
    await item.getByTestId('report-open').click();
    await item.getByTestId('report-text').fill('Did not come to the session twice');
    await item.getByTestId('report-send').click();
    await item.getByTestId('notice-success').waitFor();
    await shoot(page, 'profile-session-requests');
    const reports = await api<{ items: Array<{ text: string; sessionRequestId: number | null }> }>(
      engine,
      'GET',
      '/api/conduct/reports',
    );
    expect(reports.items[0]).toMatchObject({
      text: 'Did not come to the session twice',
      sessionRequestId: (await sent.json()).id,
    });
  });

  it("hides recent questions' texts in the Weights lab until an admin allows them on Users", async () => {
    const { engine, page } = dashboard;
    await api(engine, 'POST', '/api/match', { text: 'Should I take a team lead role or stay an engineer?', k: 3 });
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/weights`);
    await page.getByTestId('recent-hidden').waitFor();
    expect(await page.getByTestId('recent-question').count()).toBe(0);

    await page.context().clearCookies();
    await signInAs(page, engine, 'admin');
    await page.goto(`${engine.url}/users`);
    const toggle = page.getByTestId('privacy-question-texts');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await expect
      .poll(() => api<{ coordinatorsSeeQuestionTexts: boolean }>(engine, 'GET', '/api/settings/privacy'))
      .toEqual({
        coordinatorsSeeQuestionTexts: true,
      });

    await page.context().clearCookies();
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/weights`);
    await page.getByTestId('recent-question').first().waitFor();
    expect(await page.getByTestId('recent-question').allTextContents()).toContain(
      'Should I take a team lead role or stay an engineer?',
    );
  });

  it('a user downloads their data and deletes their account from Account', async () => {
    const { engine, page } = dashboard;
    const password = 'leaving the programme';
    const user = await api<{ id: number; email: string }>(engine, 'POST', '/api/users', {
      email: 'leaver@test.local',
      name: 'Leaver',
      roles: ['mentee'],
      password,
    });
    const request = page.context().request;
    expect((await request.post(`${engine.url}/api/auth/login`, { data: { email: user.email, password } })).ok()).toBe(
      true,
    );
    const { version } = await (await request.get(`${engine.url}/api/conduct`)).json();
    expect((await request.post(`${engine.url}/api/conduct/accept`, { data: { version } })).ok()).toBe(true);

    await page.goto(`${engine.url}/account`);
    const download = page.waitForEvent('download');
    await page.getByTestId('data-export').click();
    expect((await download).suggestedFilename()).toBe('my-data.json');

    await page.getByTestId('delete-confirm').fill(user.email);
    await shoot(page, 'account-your-data');
    await page.getByTestId('delete-account').click();
    await page.waitForURL((url) => url.pathname === '/signin');
    expect((await request.get(`${engine.url}/api/auth/me`)).status()).toBe(401);
    const users = await api<{ items: Array<{ email: string }> }>(engine, 'GET', '/api/users?limit=1000');
    expect(users.items.some((u) => u.email === user.email)).toBe(false);
  });
});
