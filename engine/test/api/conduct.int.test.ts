import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/audit/audit-entry.js';
import { createTestUser, sessionCookieFor } from '../../../test/support/auth-helpers.js';
import { makeTempDir, mentor, removeDir, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let textDir: string;
const CONDUCT = '# Our code\n\nBe kind to each other.\n';

beforeAll(async () => {
  textDir = makeTempDir();
  fs.writeFileSync(path.join(textDir, 'conduct.md'), CONDUCT);
  harness = await startTestApp({ signedIn: false, env: { CODE_OF_CONDUCT_FILE: path.join(textDir, 'conduct.md') } });
});
afterAll(async () => {
  await harness?.close();
  removeDir(textDir);
});

const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  harness.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

/** A user who has not accepted the code yet, as after their account is made. */
async function newcomer(roles: Array<'mentee' | 'mentor'> = ['mentee']) {
  const user = await harness.app
    .engine()
    .users.create({ email: `new-${Math.random().toString(36).slice(2)}@test.local`, name: 'New', roles }, cliActor());
  return { user, cookie: await sessionCookieFor(harness.app, user.id) };
}

describe('the code of conduct', () => {
  it('is shown until accepted; until then writes are refused with 403 CONDUCT_NOT_ACCEPTED, reads are not', async () => {
    const { user, cookie } = await newcomer();
    const shown = await call(cookie, 'GET', '/api/conduct');
    expect(shown.statusCode, shown.body).toBe(200);
    const { version, text, acceptedAt } = shown.json();
    expect([text, acceptedAt]).toEqual([CONDUCT, null]);
    expect(version).toMatch(/^[0-9a-f]{12}$/);

    const refused = await call(cookie, 'POST', '/api/auth/tokens', { name: 'script' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('CONDUCT_NOT_ACCEPTED');
    expect((await call(cookie, 'GET', '/api/auth/me')).statusCode).toBe(200);

    const stale = await call(cookie, 'POST', '/api/conduct/accept', { version: '000000000000' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('CONDUCT_VERSION_CHANGED');

    const accepted = await call(cookie, 'POST', '/api/conduct/accept', { version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const at = Date.parse(accepted.json().acceptedAt);
    expect(Math.abs(Date.now() - at)).toBeLessThan(60_000);
    expect((await call(cookie, 'GET', '/api/conduct')).json().acceptedAt).toBe(accepted.json().acceptedAt);
    expect((await call(cookie, 'POST', '/api/auth/tokens', { name: 'script' })).statusCode).toBe(201);

    const row = await harness.app
      .engine()
      .database.db.selectFrom('audit_log')
      .select(['action', 'changes'])
      .where('entity_id', '=', String(user.id))
      .where('action', '=', 'conduct.accepted')
      .execute();
    expect(row).toEqual([
      { action: 'conduct.accepted', changes: { conductVersion: { before: null, after: version } } },
    ]);
  });

  it('lets a user sign out before accepting', async () => {
    const { cookie } = await newcomer();
    expect((await call(cookie, 'POST', '/api/auth/logout')).statusCode).toBeLessThan(300);
  });
});

describe('reports of conduct', () => {
  it('a mentee reports the mentor of their session request; coordinators list and handle reports', async () => {
    const { app } = harness;
    const coordinator = await createTestUser(app, ['coordinator']);
    const coordinatorCookie = await sessionCookieFor(app, coordinator.user.id);
    expect((await call(coordinatorCookie, 'POST', '/api/mentors', mentor('c-1'))).statusCode).toBe(201);
    const mentorUser = await createTestUser(app, ['mentor']);
    await app.engine().repositories.users.linkMentor(mentorUser.user.id, 'c-1');
    const mentee = await createTestUser(app, ['mentee']);
    const menteeCookie = await sessionCookieFor(app, mentee.user.id);
    const session = await call(menteeCookie, 'POST', '/api/session-requests', { mentorId: 'c-1' });
    expect(session.statusCode, session.body).toBe(201);
    const sessionRequestId = session.json().id as number;

    const reported = await call(menteeCookie, 'POST', '/api/conduct/reports', {
      sessionRequestId,
      text: 'Asked me for my home address',
    });
    expect(reported.statusCode, reported.body).toBe(201);

    // Somebody who took no part in the session request cannot report from it; nor report nobody, or themselves.
    const outsider = await createTestUser(app, ['mentee']);
    const outsiderCookie = await sessionCookieFor(app, outsider.user.id);
    const notTheirs = await call(outsiderCookie, 'POST', '/api/conduct/reports', { sessionRequestId, text: 'x' });
    expect([notTheirs.statusCode, notTheirs.json().code]).toEqual([404, 'SESSION_REQUEST_NOT_FOUND']);
    expect((await call(outsiderCookie, 'POST', '/api/conduct/reports', { text: 'x' })).statusCode).toBe(400);
    const self = await call(outsiderCookie, 'POST', '/api/conduct/reports', { userId: outsider.user.id, text: 'x' });
    expect(self.statusCode).toBe(400);
    const missing = await call(outsiderCookie, 'POST', '/api/conduct/reports', { userId: 99_999_999, text: 'x' });
    expect(missing.json().code).toBe('USER_NOT_FOUND');
    // The mentor reports the mentee by id.
    const mentorCookie = await sessionCookieFor(app, mentorUser.user.id);
    const back = await call(mentorCookie, 'POST', '/api/conduct/reports', { userId: mentee.user.id, text: 'Rude' });
    expect(back.statusCode, back.body).toBe(201);

    expect((await call(menteeCookie, 'GET', '/api/conduct/reports')).statusCode).toBe(403);
    const queue = await call(coordinatorCookie, 'GET', '/api/conduct/reports');
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items).toEqual([
      expect.objectContaining({ id: back.json().id, reported: expect.objectContaining({ id: mentee.user.id }) }),
      expect.objectContaining({
        id: reported.json().id,
        text: 'Asked me for my home address',
        sessionRequestId,
        reporter: expect.objectContaining({ id: mentee.user.id, email: mentee.user.email }),
        reported: expect.objectContaining({ id: mentorUser.user.id }),
        handledAt: null,
      }),
    ]);

    const handled = await call(coordinatorCookie, 'POST', `/api/conduct/reports/${reported.json().id}/handled`);
    expect(handled.statusCode, handled.body).toBe(200);
    expect(handled.json().handledBy.id).toBe(coordinator.user.id);
    const open = (await call(coordinatorCookie, 'GET', '/api/conduct/reports?status=open')).json().items;
    expect(open.map((r: { id: number }) => r.id)).toEqual([back.json().id]);
    const all = (await call(coordinatorCookie, 'GET', '/api/conduct/reports?status=all')).json().items;
    expect(all).toHaveLength(2);
    expect((await call(coordinatorCookie, 'POST', '/api/conduct/reports/99999999/handled')).json().code).toBe(
      'REPORT_NOT_FOUND',
    );

    const audited = await app
      .engine()
      .database.db.selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'conduct-report')
      .orderBy('id')
      .execute();
    expect(audited.map((a) => a.action)).toEqual([
      'conduct-report.created',
      'conduct-report.created',
      'conduct-report.handled',
    ]);
  });
});
