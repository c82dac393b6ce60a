import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/audit/audit-entry.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../../test/support/smtp-test-server.js';
import { startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { createTestUser } from '../../../test/support/auth-helpers.js';
import { sessionFixture, type SessionFixture } from './notification-fixtures.js';

async function tokenOf(t: TestApp, userId: number): Promise<string> {
  const engine = t.app.engine();
  await engine.repositories.conduct.accept(userId, engine.conduct.version);
  return (await engine.auth.createApiToken(userId, 'test', cliActor())).token;
}

describe('notification routes, emails kept in the outbox (no SMTP_URL)', () => {
  let t: TestApp;
  let s: SessionFixture;
  let mentee: string;
  let mentor: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  beforeAll(async () => {
    t = await startTestApp();
    const engine = t.app.engine();
    s = await sessionFixture(engine.database, engine.repositories);
    mentee = await tokenOf(t, s.menteeId);
    mentor = await tokenOf(t, s.mentorUserId);
    await engine.repositories.transaction((trx) =>
      engine.notifier.notify(trx, [
        { kind: 'request_received', userId: s.mentorUserId, sessionRequestId: s.sessionRequestId },
        { kind: 'request_accepted', userId: s.menteeId, sessionRequestId: s.sessionRequestId },
        { kind: 'session_reminder', userId: s.menteeId, sessionRequestId: s.sessionRequestId },
      ]),
    );
  });
  afterAll(() => t.close());

  it("lists a user's own notifications, newest first, in their time zone", async () => {
    const res = await t.app.inject({ url: '/api/notifications', headers: as(mentee) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.unread).toBe(2);
    expect(body.items.map((n: { kind: string }) => n.kind)).toEqual(['session_reminder', 'request_accepted']);
    expect(body.items[1]).toMatchObject({
      sessionRequestId: s.sessionRequestId,
      title: 'Ada Mentor accepted your session request',
      readAt: null,
    });
    expect(body.items[1].body).toContain('15:00 (BST)');
    const theirs = (await t.app.inject({ url: '/api/notifications', headers: as(mentor) })).json();
    expect(theirs.items).toHaveLength(1);
    expect(theirs.items[0].title).toBe('New session request from Bo Mentee');
  });

  it("marks one read, refuses another user's as missing, and marks all read", async () => {
    const items = (await t.app.inject({ url: '/api/notifications', headers: as(mentee) })).json().items;
    const stranger = await t.app.inject({
      method: 'POST',
      url: `/api/notifications/${items[0].id}/read`,
      headers: as(mentor),
    });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('NOTIFICATION_NOT_FOUND');
    const one = await t.app.inject({
      method: 'POST',
      url: `/api/notifications/${items[0].id}/read`,
      headers: as(mentee),
    });
    expect(one.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/notifications', headers: as(mentee) })).json().unread).toBe(1);
    const all = await t.app.inject({ method: 'POST', url: '/api/notifications/read-all', headers: as(mentee) });
    expect(all.json()).toEqual({ marked: 1 });
    const after = (await t.app.inject({ url: '/api/notifications', headers: as(mentee) })).json();
    expect(after.unread).toBe(0);
    expect(after.items.every((n: { readAt: string | null }) => n.readAt !== null)).toBe(true);
  });

  it('shows admins the kept emails with their invites, and nobody else', async () => {
    const res = await t.app.inject({ url: '/api/outbox' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(3);
    expect(items.every((e: { sentAt: string | null }) => e.sentAt === null)).toBe(true);
    const accepted = items.find((e: { subject: string }) => e.subject === 'Ada Mentor accepted your session request');
    expect(accepted).toMatchObject({ to: 'bo@example.org', attempts: 0, lastError: null });
    expect(accepted.invite).toContain('METHOD:REQUEST');
    expect((await t.app.inject({ url: '/api/outbox', headers: as(mentee) })).statusCode).toBe(403);
  });

  it("puts a user's inbox and emails in their export, and deletes the emails with the account", async () => {
    const exported = await t.app.inject({ url: '/api/me/export', headers: as(mentee) });
    expect(exported.statusCode).toBe(200);
    const data = exported.json();
    expect(data.notifications.map((n: { kind: string }) => n.kind).sort()).toEqual([
      'request_accepted',
      'session_reminder',
    ]);
    expect(data.emails).toHaveLength(2);
    expect(data.emails[0].body).toContain('Hello Bo Mentee');
    const engine = t.app.engine();
    // The mentor's email, sent 40 days ago, goes in the worker's purge; sent today, it would stay.
    const [theirs] = await engine.repositories.outbox.toAddress('ada@example.org', 1);
    await engine.repositories.outbox.markSent(theirs!.id);
    expect(await engine.repositories.outbox.purgeSent(30)).toBe(0);
    await sql`update email_outbox set sent_at = now() - interval '40 days' where id = ${theirs!.id}`.execute(
      engine.database.db,
    );
    expect(await engine.repositories.outbox.purgeSent(30)).toBe(1);
    expect(await engine.repositories.outbox.list(10)).toHaveLength(2);
    await engine.personalData.deleteAccount(s.menteeId, cliActor());
    expect(await engine.repositories.outbox.list(10)).toEqual([]);
    expect(await engine.repositories.notifications.listFor(s.mentorUserId, 10)).toHaveLength(1);
  });
});

describe('notification routes with SMTP_URL outside demo mode', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, OUTBOX_POLL_MS: '50', SEED_DEMO_MENTORS: '0' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it("sends the outbox through the app's worker and keeps the outbox closed to admins", async () => {
    const engine = t.app.engine();
    const s = await sessionFixture(engine.database, engine.repositories);
    await engine.repositories.transaction((trx) =>
      engine.notifier.notify(trx, [
        { kind: 'request_received', userId: s.mentorUserId, sessionRequestId: s.sessionRequestId },
      ]),
    );
    const [email] = await smtp.waitFor(1);
    expect(email!.to).toEqual(['ada@example.org']);
    expect(email!.subject).toBe('New session request from Bo Mentee');
    const admin = await createTestUser(t.app, ['admin']);
    const res = await t.app.inject({ url: '/api/outbox', headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('OUTBOX_NOT_READABLE');
  });
});
