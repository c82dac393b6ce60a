import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, loginCookie, TEST_PASSWORD } from '../../../test/support/auth-helpers.js';
import { skipPostgresServer, startPostgresServer, type PostgresServer } from '../../../test/support/postgres-server.js';
import { makeTempDir, removeDir, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

describe.skipIf(skipPostgresServer)('sessions of two engines sharing a PostgreSQL server', () => {
  let server: PostgresServer;
  let one: TestApp;
  let two: TestApp;
  let keys: string | undefined;
  beforeAll(async () => {
    server = await startPostgresServer();
    const url = await server.createDatabase();
    // One deployment: the engines share the keys of personal text (docs/privacy.md) as they share the database.
    keys = makeTempDir('mm-text-keys-');
    one = await startTestApp({ env: { DATABASE_URL: url, TEXT_KEY_DIR: keys }, signedIn: false });
    two = await startTestApp({ env: { DATABASE_URL: url, TEXT_KEY_DIR: keys }, signedIn: false });
  }, 180_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await server?.stop();
    if (keys) removeDir(keys);
  });

  const me = (h: TestApp, cookie: string) => h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });

  it('a session opened on one engine is good on the other, and signing out everywhere on one ends it on both', async () => {
    const user = await createTestUser(one.app, ['mentee'], 'shared@example.org');
    const phone = await loginCookie(one.app, user.user.email);
    const laptop = await loginCookie(two.app, user.user.email);
    for (const [h, cookie] of [
      [one, laptop],
      [two, phone],
    ] as const) {
      expect((await me(h, cookie)).json().email).toBe('shared@example.org');
    }
    const out = await two.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: { cookie: laptop } });
    expect(out.json().revoked).toBe(2);
    for (const h of [one, two])
      for (const cookie of [phone, laptop]) expect((await me(h, cookie)).statusCode).toBe(401);
  });

  it('an admin disabling a user on one engine signs them out on the other at once', async () => {
    const admin = await createTestUser(one.app, ['admin'], 'boss@example.org');
    const user = await createTestUser(one.app, ['coordinator'], 'leaving@example.org');
    const cookie = await loginCookie(two.app, user.user.email);
    const disabled = await one.app.inject({
      method: 'PATCH',
      url: `/api/users/${user.user.id}`,
      headers: { authorization: `Bearer ${admin.token}` },
      payload: { disabled: true },
    });
    expect(disabled.json().disabled).toBe(true);
    expect((await me(two, cookie)).statusCode).toBe(401);
    const token = await two.app.inject({
      method: 'GET',
      url: '/api/mentors',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(token.json().code).toBe('UNAUTHORIZED');
  });

  it('twenty sign-ins at once across both engines each get their own session, each recorded', async () => {
    const user = await createTestUser(one.app, ['researcher'], 'busy@example.org');
    const cookies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => loginCookie(i % 2 ? one.app : two.app, user.user.email, TEST_PASSWORD)),
    );
    expect(new Set(cookies).size).toBe(20);
    const checks = await Promise.all(cookies.map((c, i) => me(i % 2 ? two : one, c)));
    expect(checks.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const created = await one.app.engine().audit.list({ entity: 'session', actor: String(user.user.id), limit: 100 });
    expect(created.filter((e) => e.action === 'session.created')).toHaveLength(20);
  });
});
