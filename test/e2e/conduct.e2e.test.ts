import { describe, expect, it } from 'vitest';
import { api, apiResponse, shoot, signInAs, useDashboard } from './dashboard-helpers.js';

const dashboard = useDashboard();

describe('the code of conduct and reports of conduct', () => {
  it('shows a new user the code after signing in; Accept lets their changes through', async () => {
    const { engine, page } = dashboard;
    const password = 'a new user password';
    const user = await api<{ id: number; email: string }>(engine, 'POST', '/api/users', {
      email: 'newcomer@test.local',
      name: 'Newcomer',
      roles: ['mentee'],
      password,
    });
    const login = await page.context().request.post(`${engine.url}/api/auth/login`, {
      data: { email: user.email, password },
    });
    expect(login.ok()).toBe(true);
    // Before accepting, the engine refuses their writes.
    const refused = await page.context().request.post(`${engine.url}/api/auth/tokens`, { data: { name: 'x' } });
    expect([refused.status(), (await refused.json()).code]).toEqual([403, 'CONDUCT_NOT_ACCEPTED']);

    await page.goto(`${engine.url}/account`);
    const gate = page.getByTestId('conduct-gate');
    await gate.waitFor();
    expect(await page.getByTestId('conduct-text').textContent()).toContain('Keep confidences');
    await shoot(page, 'conduct-gate');
    await page.getByTestId('conduct-accept').click();
    await gate.waitFor({ state: 'detached' });
    const accepted = await page.context().request.get(`${engine.url}/api/conduct`);
    expect((await accepted.json()).acceptedAt).not.toBeNull();
    const allowed = await page.context().request.post(`${engine.url}/api/auth/tokens`, { data: { name: 'x' } });
    expect(allowed.status()).toBe(201);

    // Their report reaches the coordinators' queue, where one marks it handled.
    const reported = await page.context().request.post(`${engine.url}/api/conduct/reports`, {
      data: {
        userId: (await api<{ id: number }>(engine, 'GET', '/api/auth/me')).id,
        text: 'Shouted at me in a session',
      },
    });
    expect(reported.status()).toBe(201);
    await page.context().clearCookies();
    await signInAs(page, engine, 'coordinator');
    await page.goto(`${engine.url}/reports`);
    const reportId = (await reported.json()).id as number;
    const row = page.locator(`[data-testid="report-row"][data-id="${reportId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Shouted at me in a session');
    await shoot(page, 'conduct-reports');
    await row.getByTestId('report-handle').click();
    await row.waitFor({ state: 'detached' });
    const all = (await apiResponse(engine, 'GET', '/api/conduct/reports?status=all').then((r) => r.json())) as {
      items: Array<{ id: number; handledAt: string | null }>;
    };
    expect(all.items.find((r) => r.id === reportId)?.handledAt).not.toBeNull();
  });
});
