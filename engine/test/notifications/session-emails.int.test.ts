import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { createTestUser, type TestUser } from '../../../test/support/auth-helpers.js';
import {
  startSmtpTestServer,
  type ReceivedEmail,
  type SmtpTestServer,
} from '../../../test/support/smtp-test-server.js';
import { formatTime } from '../../src/notifications/notification-text.js';

/** The emails of the session loop as they arrive at a real SMTP server, through the sessions API. */
describe('session emails over SMTP', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, OUTBOX_POLL_MS: '50' } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const as = (user: TestUser, url: string, payload: Record<string, unknown> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${user.token}` }, payload });
  const next = async (count: number, to: string): Promise<ReceivedEmail> => {
    const all = await smtp.waitFor(count);
    const email = all[count - 1]!;
    expect(email.to).toEqual([to]);
    return email;
  };
  const dtstart = (ics: string) => /^DTSTART:(\d{8}T\d{6}Z)$/m.exec(ics)?.[1];
  const uid = (ics: string) => /^UID:(\S+)$/m.exec(ics)?.[1];

  it('tells the mentor of a request, both sides of the accepted slot with an invite, and cancels it', async () => {
    const engine = t.app.engine();
    expect((await t.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('mail-1') })).statusCode).toBe(
      201,
    );
    const mentorUser = await createTestUser(t.app, ['mentor'], 'mail-mentor@test.local');
    await engine.repositories.users.linkMentor(mentorUser.user.id, 'mail-1');
    await engine.repositories.users.update(mentorUser.user.id, { timeZone: 'America/New_York', name: 'Ada' });
    const mentee = await createTestUser(t.app, ['mentee'], 'mail-mentee@test.local');
    await engine.repositories.users.update(mentee.user.id, { timeZone: 'Asia/Tokyo', name: 'Bo' });

    const created = await as(mentee, '/api/session-requests', { mentorId: 'mail-1', note: 'About my first talk' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as number;
    const received = await next(1, 'mail-mentor@test.local');
    expect(received.subject).toBe('New session request from Bo');
    expect(received.text).toContain(`/requests?session=${id}`);
    expect(received.calendars).toEqual([]);
    // The note is the mentee's words for the mentor's eyes in the dashboard, not for email.
    expect(received.text).not.toContain('first talk');

    const start = new Date(Date.now() + 3 * 86_400_000);
    start.setUTCHours(14, 0, 0, 0);
    const accepted = await as(mentorUser, `/api/session-requests/${id}/accept`, {
      slot: { start: start.toISOString(), lengthMinutes: 30 },
    });
    expect(accepted.statusCode).toBe(200);
    const invite = await next(2, 'mail-mentee@test.local');
    expect(invite.subject).toBe('Mentor mail-1 accepted your session request');
    expect(invite.text).toContain(formatTime(start, 'Asia/Tokyo'));
    expect(invite.calendars).toHaveLength(1);
    const request = invite.calendars[0]!;
    expect(request.method).toBe('REQUEST');
    expect(dtstart(request.content)).toBe(start.toISOString().replace(/[-:]|\.\d{3}/g, ''));
    expect(uid(request.content)).toBe(`session-${id}@mentormatch`);
    // The mentor gets the same event for their own calendar.
    const mentorCopy = await next(3, 'mail-mentor@test.local');
    expect(mentorCopy.subject).toBe('Your session with Bo is scheduled');
    expect(uid(mentorCopy.calendars[0]!.content)).toBe(uid(request.content));

    const cancelled = await as(mentee, `/api/session-requests/${id}/cancel`, { reason: 'My talk moved' });
    expect(cancelled.statusCode).toBe(200);
    const cancel = await next(4, 'mail-mentor@test.local');
    expect(cancel.subject).toBe('Your session with Bo was cancelled');
    expect(cancel.text).toContain('"My talk moved"');
    expect(cancel.text).toContain(formatTime(start, 'America/New_York'));
    expect(cancel.calendars[0]?.method).toBe('CANCEL');
    // The same event, so the mentor's calendar removes what the mentee's invite put there.
    expect(uid(cancel.calendars[0]!.content)).toBe(uid(request.content));
    expect(dtstart(cancel.calendars[0]!.content)).toBe(dtstart(request.content));
    expect(new Set(smtp.received.map((e) => e.idempotencyKey)).size).toBe(4);
  });
});
