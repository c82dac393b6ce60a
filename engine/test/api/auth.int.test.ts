import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, loginCookie, TEST_PASSWORD, type TestUser } from '../../../test/support/auth-helpers.js';
import { makeTempDir, removeDir, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let mentee: TestUser;
let coordinator: TestUser;
beforeAll(async () => {
  harness = await startTestApp({ signedIn: false });
  mentee = await createTestUser(harness.app, ['mentee'], 'Mentee@Example.org');
  coordinator = await createTestUser(harness.app, ['coordinator'], 'coordinator@example.org');
});
afterAll(() => harness?.close());

const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
  harness.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });
const me = (headers: Record<string, string>) => harness.app.inject({ method: 'GET', url: '/api/auth/me', headers });

describe('sign-in', () => {
  it('sets an HTTP-only, SameSite=Lax session cookie for the whole site, and answers who signed in', async () => {
    const res = await login('mentee@EXAMPLE.org', TEST_PASSWORD);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      id: mentee.user.id,
      email: 'Mentee@Example.org',
      name: 'Test mentee',
      roles: ['mentee'],
    });
    const cookie = res.cookies.find((c) => c.name === 'mm_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 24 * 3600 });
    // Over plain http (this request) the cookie cannot be Secure, or the browser would drop it.
    expect(cookie.secure).toBeUndefined();
    expect(cookie.value).toMatch(/^mms_[\w-]{43}$/);
    const who = await me({ cookie: `mm_session=${cookie.value}` });
    expect(who.statusCode).toBe(200);
    expect(who.json().id).toBe(mentee.user.id);
  });

  it('stores only a digest of the cookie token', async () => {
    const cookie = await loginCookie(harness.app, mentee.user.email);
    const token = cookie.split('=')[1]!;
    const db = harness.app.engine().database.db;
    const rows = await sql<{ token_hash: Uint8Array }>`select token_hash from sessions`.execute(db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) expect(Buffer.from(r.token_hash).toString()).not.toContain(token);
  });

  it('answers an unknown email and a wrong password alike, in a similar time', async () => {
    const unknown = await login('nobody@example.org', 'wrong password', '10.1.0.1');
    const wrong = await login(mentee.user.email, 'wrong password', '10.1.0.2');
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
      expect(res.cookies).toEqual([]);
    }
    expect(unknown.json().message).toBe(wrong.json().message);
    // Each verifies one argon2id hash; the medians of a few tries differ by far less than a hash takes.
    const time = async (email: string, i: number) => {
      const start = performance.now();
      await login(email, 'wrong password', `10.2.${i}.1`);
      return performance.now() - start;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      unknownTimes.push(await time(`nobody${i}@example.org`, i));
      wrongTimes.push(await time(coordinator.user.email, 100 + i));
    }
    const [u, w] = [median(unknownTimes), median(wrongTimes)];
    expect(Math.min(u, w), `unknown ${u} ms, wrong ${w} ms`).toBeGreaterThan(10);
    expect(Math.abs(u - w) / Math.max(u, w), `unknown ${u} ms, wrong ${w} ms`).toBeLessThan(0.5);
  });

  it('refuses a disabled user with the same answer', async () => {
    const gone = await createTestUser(harness.app, ['mentee'], 'gone@example.org');
    await harness.app.engine().repositories.users.update(gone.user.id, { disabled: true });
    const res = await login('gone@example.org', TEST_PASSWORD, '10.3.0.1');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('INVALID_CREDENTIALS');
  });

  it("limits one account's failures without stopping other users, and says when to try again", async () => {
    const victim = await createTestUser(harness.app, ['mentee'], 'victim@example.org');
    const codes: number[] = [];
    // From many addresses, so that only the account's limit applies.
    for (let i = 0; i < 15; i++) codes.push((await login(victim.user.email, `guess ${i}`, `10.4.${i}.1`)).statusCode);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(10)).toEqual(Array(5).fill(429));
    const limited = await login(victim.user.email, TEST_PASSWORD, '10.4.99.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', details: { scope: 'account' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800);
    // Another user signs in from the attacker's last address.
    expect((await login(coordinator.user.email, TEST_PASSWORD, '10.4.14.1')).statusCode).toBe(200);
  });

  it('limits one address trying many accounts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 101; i++)
      codes.push((await login(`spray${i}@example.org`, 'password1', '10.5.0.1')).statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(100);
    expect(codes[100]).toBe(429);
    expect((await login(coordinator.user.email, TEST_PASSWORD, '10.5.0.1')).statusCode).toBe(429);
    expect((await login(coordinator.user.email, TEST_PASSWORD, '10.5.0.2')).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('sign-out ends the session and clears the cookie; the old cookie no longer signs in', async () => {
    const cookie = await loginCookie(harness.app, mentee.user.email);
    const out = await harness.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'mm_session')).toMatchObject({ value: '', path: '/' });
    const res = await me({ cookie });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it("sign-out everywhere ends every one of the user's sessions and no one else's", async () => {
    const phone = await loginCookie(harness.app, mentee.user.email);
    const laptop = await loginCookie(harness.app, mentee.user.email);
    const other = await loginCookie(harness.app, coordinator.user.email);
    const res = await harness.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: { cookie: phone } });
    expect(res.statusCode).toBe(200);
    expect(res.json().revoked).toBeGreaterThanOrEqual(2);
    expect((await me({ cookie: laptop })).statusCode).toBe(401);
    expect((await me({ cookie: other })).statusCode).toBe(200);
  });

  it('a session past its idle or absolute expiry is refused', async () => {
    const db = harness.app.engine().database.db;
    const idle = await loginCookie(harness.app, mentee.user.email);
    await sql`update sessions set idle_expires_at = now() - interval '1 second' where revoked_at is null and user_id = ${mentee.user.id}`.execute(
      db,
    );
    expect((await me({ cookie: idle })).statusCode).toBe(401);
    const old = await loginCookie(harness.app, mentee.user.email);
    await sql`update sessions set expires_at = now() - interval '1 second' where revoked_at is null and user_id = ${mentee.user.id}`.execute(
      db,
    );
    expect((await me({ cookie: old })).statusCode).toBe(401);
  });

  it('a disabled user is signed out at once', async () => {
    const later = await createTestUser(harness.app, ['mentee'], 'later@example.org');
    const cookie = await loginCookie(harness.app, later.user.email);
    await harness.app.engine().repositories.users.update(later.user.id, { disabled: true });
    expect((await me({ cookie })).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${later.token}` })).json().code).toBe('UNAUTHORIZED');
  });

  it('survives a restart of the engine (sessions are in the database)', async () => {
    const dataDir = makeTempDir();
    try {
      let app = await startTestApp({ dataDir, signedIn: false });
      await createTestUser(app.app, ['researcher'], 'stays@example.org');
      const cookie = await loginCookie(app.app, 'stays@example.org');
      await app.close();
      app = await startTestApp({ dataDir, signedIn: false });
      try {
        const res = await app.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
        expect(res.statusCode).toBe(200);
        expect(res.json().email).toBe('stays@example.org');
      } finally {
        await app.close();
      }
    } finally {
      removeDir(dataDir);
    }
  });
});

describe('API tokens', () => {
  it('are shown once, listed without their secret, and stop working when revoked', async () => {
    const cookie = await loginCookie(harness.app, coordinator.user.email);
    const created = await harness.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { cookie },
      payload: { name: 'nightly import' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, token } = created.json() as { id: number; token: string };
    expect(token).toMatch(/^mmt_/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await harness.app.inject({ method: 'GET', url: '/api/mentors', headers: bearer })).statusCode).toBe(200);

    const listed = await harness.app.inject({ method: 'GET', url: '/api/auth/tokens', headers: { cookie } });
    expect(listed.body).not.toContain(token);
    const item = (listed.json().items as Array<{ id: number; lastUsedAt: string | null }>).find((t) => t.id === id);
    expect(item?.lastUsedAt).not.toBeNull();

    // Another user cannot revoke it.
    const menteeCookie = await loginCookie(harness.app, mentee.user.email);
    const foreign = await harness.app.inject({
      method: 'DELETE',
      url: `/api/auth/tokens/${id}`,
      headers: { cookie: menteeCookie },
    });
    expect(foreign.statusCode).toBe(404);
    const revoked = await harness.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: { cookie } });
    expect(revoked.statusCode).toBe(204);
    const after = await harness.app.inject({ method: 'GET', url: '/api/mentors', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('UNAUTHORIZED');
  });
});

describe('roles', () => {
  it('a signed-in user without the route’s role gets 403 FORBIDDEN naming the roles it needs', async () => {
    const res = await harness.app.inject({
      method: 'GET',
      url: '/api/mentors',
      headers: { authorization: `Bearer ${mentee.token}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(res.json().message).toContain('coordinator');
  });

  it('questions are answered without signing in while ANONYMOUS_QUESTIONS is on (the default on loopback)', async () => {
    const res = await harness.app.inject({ method: 'POST', url: '/api/match', payload: { text: 'negotiate a raise' } });
    expect(res.statusCode).toBe(200);
  });

  it('with ANONYMOUS_QUESTIONS=false a question needs a signed-in mentee', async () => {
    const closed = await startTestApp({ env: { ANONYMOUS_QUESTIONS: 'false' }, signedIn: false });
    try {
      const ask = (headers: Record<string, string> = {}) =>
        closed.app.inject({ method: 'POST', url: '/api/match', payload: { text: 'negotiate a raise' }, headers });
      expect((await ask()).json().code).toBe('UNAUTHENTICATED');
      const asker = await createTestUser(closed.app, ['mentee']);
      expect((await ask({ authorization: `Bearer ${asker.token}` })).statusCode).toBe(200);
    } finally {
      await closed.close();
    }
  });
});
