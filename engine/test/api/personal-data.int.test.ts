import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, sessionCookieFor, type TestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let admin: TestUser;
let adminCookie: string;

beforeAll(async () => {
  harness = await startTestApp({ signedIn: false });
  admin = await createTestUser(harness.app, ['admin']);
  adminCookie = await sessionCookieFor(harness.app, admin.user.id);
  const coordinator = await createTestUser(harness.app, ['coordinator']);
  const cookie = await sessionCookieFor(harness.app, coordinator.user.id);
  for (const id of ['d-1', 'd-2']) {
    const res = await harness.app.inject({
      method: 'POST',
      url: '/api/mentors',
      headers: { cookie },
      payload: mentor(id),
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(() => harness?.close());

const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object) =>
  harness.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

async function mentee() {
  const user = await createTestUser(harness.app, ['mentee']);
  const cookie = await sessionCookieFor(harness.app, user.user.id);
  const asked = await call(cookie, 'POST', '/api/match', { text: 'How do I ask for a promotion?', k: 2 });
  expect(asked.statusCode, asked.body).toBe(200);
  const requestId = asked.json().requestId as number;
  const session = await call(cookie, 'POST', '/api/session-requests', { mentorId: 'd-1', requestId, note: 'Fridays' });
  expect(session.statusCode, session.body).toBe(201);
  return { ...user, cookie, requestId };
}

describe('GET /api/me/export', () => {
  it("answers the user's own account, questions, session requests and tokens, and is audited", async () => {
    const me = await mentee();
    const other = await mentee(); // Somebody else, whose questions must not appear.
    const report = await call(me.cookie, 'POST', '/api/conduct/reports', { userId: other.user.id, text: 'Spam' });
    expect(report.statusCode, report.body).toBe(201);
    const res = await call(me.cookie, 'GET', '/api/me/export');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    const data = res.json();
    expect(data.user).toMatchObject({ id: me.user.id, email: me.user.email, roles: ['mentee'] });
    expect(data.questions).toEqual([
      expect.objectContaining({ id: me.requestId, text: 'How do I ask for a promotion?' }),
    ]);
    expect(data.sessionRequests).toEqual([
      expect.objectContaining({
        requestId: me.requestId,
        mentorId: 'd-1',
        note: 'Fridays',
        state: 'requested',
        rating: null,
      }),
    ]);
    expect(data.apiTokens).toEqual([expect.objectContaining({ name: 'test', revokedAt: null })]);
    expect(res.body).not.toContain(me.token);
    expect(data.mentorProfile).toBeNull();
    expect(data.reportsMade).toEqual([
      expect.objectContaining({ reportedUserId: other.user.id, text: 'Spam', handledAt: null }),
    ]);
    expect(data.conductAcceptances).toEqual([
      { version: harness.app.engine().conduct.version, acceptedAt: expect.any(String) },
    ]);

    const audit = (await call(adminCookie, 'GET', `/api/audit?entity=user&actor=${me.user.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'user.exported', entityId: String(me.user.id) });
  });

  it('a mentor user gets the profile they speak for', async () => {
    const m = await createTestUser(harness.app, ['mentor']);
    const link = await call(adminCookie, 'PATCH', `/api/users/${m.user.id}`, { roles: ['mentor'], mentorId: 'd-2' });
    expect(link.statusCode, link.body).toBe(200);
    const data = (await call(await sessionCookieFor(harness.app, m.user.id), 'GET', '/api/me/export')).json();
    expect(data.mentorProfile).toMatchObject({ id: 'd-2', name: 'Mentor d-2' });
  });
});

describe('DELETE /api/me', () => {
  it("keeps a mentee's history only as counts and ends their sessions and tokens", async () => {
    const me = await mentee();
    const unconfirmed = await call(me.cookie, 'DELETE', '/api/me', { confirmEmail: 'someone@else.org' });
    expect([unconfirmed.statusCode, unconfirmed.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await call(me.cookie, 'GET', '/api/auth/me')).statusCode).toBe(200);
    const res = await call(me.cookie, 'DELETE', '/api/me', { confirmEmail: me.user.email.toUpperCase() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ anonymisedQuestions: 1, anonymisedSessionRequests: 1 });
    expect(res.cookies.find((c) => c.name === 'mm_session')?.value).toBe('');

    expect((await call(me.cookie, 'GET', '/api/auth/me')).statusCode).toBe(401);
    const byToken = await harness.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${me.token}` },
    });
    expect(byToken.statusCode).toBe(401);
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: me.user.email, password: me.password },
    });
    expect(login.statusCode).toBe(401);

    const db = harness.app.engine().database.db;
    const question = await db
      .selectFrom('mentee_requests')
      .select(['text', 'user_id'])
      .where('id', '=', me.requestId)
      .executeTakeFirstOrThrow();
    expect(question).toEqual({ text: '', user_id: null });
    const sessions = await db
      .selectFrom('session_requests')
      .select(['note', 'user_id'])
      .where('request_id', '=', me.requestId)
      .execute();
    expect(sessions).toEqual([{ note: null, user_id: null }]);

    const audit = (await call(adminCookie, 'GET', `/api/audit?entity=user`)).json();
    const entry = audit.items.find((i: { action: string }) => i.action === 'user.deleted');
    expect(entry).toMatchObject({
      entityId: String(me.user.id),
      changes: { anonymisedQuestions: { after: 1 }, anonymisedSessionRequests: { after: 1 } },
    });
    expect(JSON.stringify(entry)).not.toContain(me.user.email);
  });

  it("deactivates and anonymises a mentor's profile", async () => {
    const m = await createTestUser(harness.app, ['mentor']);
    const link = await call(adminCookie, 'PATCH', `/api/users/${m.user.id}`, { roles: ['mentor'], mentorId: 'd-1' });
    expect(link.statusCode, link.body).toBe(200);
    const res = await call(await sessionCookieFor(harness.app, m.user.id), 'DELETE', '/api/me', {
      confirmEmail: m.user.email,
    });
    expect(res.statusCode, res.body).toBe(200);
    const profile = harness.app.engine().search.mentorByExternalId('d-1')!;
    expect(profile).toMatchObject({ active: false, name: 'Former mentor', headline: '', skills: [], location: null });
    expect(profile.bio).not.toContain('mentor d-1');
    // The profile stays (served matches and sessions refer to it) and takes no new session requests.
    const asker = await createTestUser(harness.app, ['mentee']);
    const session = await call(await sessionCookieFor(harness.app, asker.user.id), 'POST', '/api/session-requests', {
      mentorId: 'd-1',
    });
    expect(session.json().code).toBe('MENTOR_INACTIVE');
  });

  it('refuses the last enabled admin (409 LAST_ADMIN) and deletes nothing', async () => {
    const res = await call(adminCookie, 'DELETE', '/api/me', { confirmEmail: admin.user.email });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().code).toBe('LAST_ADMIN');
    expect((await call(adminCookie, 'GET', '/api/auth/me')).statusCode).toBe(200);
  });
});
