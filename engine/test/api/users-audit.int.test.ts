import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, loginCookie, type TestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let admin: TestUser;
let adminCookie: string;
beforeAll(async () => {
  harness = await startTestApp({ signedIn: false });
  admin = await createTestUser(harness.app, ['admin'], 'admin@example.org');
  adminCookie = await loginCookie(harness.app, admin.user.email);
});
afterAll(() => harness?.close());

type Method = 'GET' | 'POST' | 'PATCH';
const asAdmin = (method: Method, url: string, payload?: object) =>
  harness.app.inject({ method, url, headers: { cookie: adminCookie }, ...(payload ? { payload } : {}) });

const password = 'a long enough password';

interface AuditItem {
  actor: { kind: string; userId: number | null; email: string | null; role: string | null; osUser: string | null };
  action: string;
  entity: string;
  entityId: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
  requestId: string | null;
}

describe('admin user management', () => {
  it('creates a user who can then sign in; the email is unique whatever its case', async () => {
    const res = await asAdmin('POST', '/api/users', {
      email: 'Coach@Example.org',
      name: 'Coach',
      roles: ['coordinator', 'researcher'],
      password,
      timeZone: 'Europe/Madrid',
      department: 'People',
      careerStartYear: 1998,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      email: 'Coach@Example.org',
      roles: ['coordinator', 'researcher'],
      timeZone: 'Europe/Madrid',
      careerStartYear: 1998,
      disabled: false,
      hasPassword: true,
      mentorId: null,
    });
    expect(res.body).not.toContain(password);
    expect(await loginCookie(harness.app, 'coach@example.org', password)).toMatch(/^mm_session=/);
    const again = await asAdmin('POST', '/api/users', { email: 'coach@EXAMPLE.org', name: 'Other', roles: ['mentee'] });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('USER_ALREADY_EXISTS');
  });

  it('refuses an unknown time zone, an unknown role and an empty role list with a 400', async () => {
    for (const body of [
      { email: 'tz@example.org', name: 'Tz', roles: ['mentee'], timeZone: 'Mars/Olympus' },
      { email: 'role@example.org', name: 'Role', roles: ['superuser'] },
      { email: 'none@example.org', name: 'None', roles: [] },
    ]) {
      const res = await asAdmin('POST', '/api/users', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('links a mentor user to a mentor profile, which /api/auth/me then names', async () => {
    await harness.app.engine().mentors.create(mentor('linked-mentor'));
    const res = await asAdmin('POST', '/api/users', {
      email: 'mentor@example.org',
      name: 'Mentor',
      roles: ['mentor'],
      password,
      mentorId: 'linked-mentor',
    });
    expect(res.statusCode, res.body).toBe(201);
    const cookie = await loginCookie(harness.app, 'mentor@example.org', password);
    const who = await harness.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(who.json()).toMatchObject({ roles: ['mentor'], mentorId: 'linked-mentor' });
    const second = await asAdmin('POST', '/api/users', {
      email: 'mentor2@example.org',
      name: 'Mentor 2',
      roles: ['mentor'],
      mentorId: 'linked-mentor',
    });
    expect(second.json().code).toBe('MENTOR_ALREADY_LINKED');
  });

  it('changes roles, and disabling a user ends their sessions', async () => {
    const user = await createTestUser(harness.app, ['mentee'], 'changing@example.org');
    const cookie = await loginCookie(harness.app, user.user.email);
    const promoted = await asAdmin('PATCH', `/api/users/${user.user.id}`, { roles: ['mentee', 'mentor'] });
    expect(promoted.json().roles).toEqual(['mentee', 'mentor']);
    const me = () => harness.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect((await me()).json().roles).toEqual(['mentee', 'mentor']);
    expect((await asAdmin('PATCH', `/api/users/${user.user.id}`, { disabled: true })).json().disabled).toBe(true);
    expect((await me()).statusCode).toBe(401);
    expect((await asAdmin('PATCH', '/api/users/999999', { disabled: true })).statusCode).toBe(404);
  });

  it('keeps an enabled admin: the last one cannot demote or disable themselves', async () => {
    for (const change of [{ roles: ['mentee'] }, { disabled: true }]) {
      const res = await asAdmin('PATCH', `/api/users/${admin.user.id}`, change);
      expect(res.statusCode, JSON.stringify(change)).toBe(409);
      expect(res.json().code).toBe('LAST_ADMIN');
    }
    expect((await asAdmin('GET', '/api/auth/me')).json().roles).toEqual(['admin']);
  });

  it('lists users by id with their roles, and only to admins', async () => {
    const res = await asAdmin('GET', '/api/users?limit=2');
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBeGreaterThan(2);
    expect(res.json().items.map((u: { id: number }) => u.id)).toEqual([admin.user.id, admin.user.id + 1]);
    const coordinator = await createTestUser(harness.app, ['coordinator']);
    for (const url of ['/api/users', '/api/audit', '/api/audit/export']) {
      const refused = await harness.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${coordinator.token}` },
      });
      expect(refused.statusCode, url).toBe(403);
    }
  });
});

describe('audit log', () => {
  it('records who made each write, with the role, the request and the changed fields, never a secret', async () => {
    const created = await asAdmin('POST', '/api/users', {
      email: 'audited@example.org',
      name: 'Audited',
      roles: ['mentee'],
      password,
    });
    const id = String(created.json().id);
    await asAdmin('PATCH', `/api/users/${id}`, { name: 'Audited Again', password: 'another long password' });
    const res = await asAdmin('GET', `/api/audit?entity=user&actor=${encodeURIComponent('ADMIN@example.org')}`);
    expect(res.statusCode).toBe(200);
    const items = (res.json().items as AuditItem[]).filter((i) => i.entityId === id);
    expect(items.map((i) => i.action)).toEqual(['user.updated', 'user.created']);
    const [updated, creation] = items as [AuditItem, AuditItem];
    expect(creation.actor).toEqual({
      kind: 'user',
      userId: admin.user.id,
      email: 'admin@example.org',
      role: 'admin',
      osUser: null,
    });
    expect(creation.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(creation.changes).toMatchObject({
      email: { before: null, after: 'audited@example.org' },
      roles: { before: null, after: ['mentee'] },
      password: { before: null, after: '(secret)' },
    });
    expect(updated.changes).toEqual({
      name: { before: 'Audited', after: 'Audited Again' },
      password: { before: '(secret)', after: '(secret)' },
    });
    expect(res.body).not.toContain(password);
    expect(res.body).not.toContain('argon2');
  });

  it('records sign-outs and API tokens, and the CLI with its operating-system user', async () => {
    const user = await createTestUser(harness.app, ['researcher'], 'tokens@example.org');
    const cookie = await loginCookie(harness.app, user.user.email);
    await harness.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: { cookie } });
    const mine = (await asAdmin('GET', `/api/audit?actor=${user.user.id}`)).json().items as AuditItem[];
    expect(mine.map((i) => i.action)).toEqual(['session.revoked-all', 'session.created']);
    // createTestUser made the user and the token as the command line would.
    const cli = (await asAdmin('GET', '/api/audit?actor=cli&entity=api-token')).json().items as AuditItem[];
    expect(cli.length).toBeGreaterThan(0);
    expect(cli[0]!.actor).toMatchObject({ kind: 'cli', userId: null, role: null });
    expect(cli[0]!.actor.osUser).toBeTruthy();
    expect((await asAdmin('GET', '/api/audit?actor=nobody@example.org')).json().items).toEqual([]);
  });

  it('pages newest first, and exports the same entries as JSON Lines', async () => {
    const first = (await asAdmin('GET', '/api/audit?limit=3')).json() as {
      items: Array<{ id: number }>;
      nextBefore: number;
    };
    expect(first.items).toHaveLength(3);
    expect(first.nextBefore).toBe(first.items[2]!.id);
    const next = (await asAdmin('GET', `/api/audit?limit=3&before=${first.nextBefore}`)).json().items as Array<{
      id: number;
    }>;
    expect(next[0]!.id).toBeLessThan(first.nextBefore);

    const all = (await asAdmin('GET', '/api/audit?limit=1000')).json().items as Array<{ id: number }>;
    const exported = await asAdmin('GET', '/api/audit/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = exported.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number });
    expect(lines.map((l) => l.id)).toEqual(all.map((i) => i.id));
  });
});
