import { describe, expect, it } from 'vitest';
import type { SessionDetails } from '../../src/db/notification-repository.js';
import { NOTIFICATION_KINDS } from '../../src/notifications/notification-kinds.js';
import { formatTime, renderNotification } from '../../src/notifications/notification-text.js';
import { backoffMs, describeSendError } from '../../src/notifications/outbox-worker.js';
import { buildSessionInvite } from '../../src/notifications/session-invite.js';

const session: SessionDetails = {
  id: 7,
  state: 'accepted',
  menteeId: 1,
  menteeName: 'Bo',
  menteeEmail: 'bo@example.org',
  mentorId: 'm-ada',
  mentorName: 'Ada',
  mentorUserId: 2,
  mentorEmail: 'ada@example.org',
  mentorTimeZone: 'America/New_York',
  menteeTimeZone: 'Europe/London',
  lengthMinutes: 15,
  slotStart: new Date('2026-12-08T09:30:00Z'),
  videoLink: null,
  declineReason: null,
  cancelReason: null,
  cancelledBy: null,
  expiresAt: new Date('2026-12-10T09:30:00Z'),
};
const mentee = { id: 1, timeZone: 'Asia/Tokyo' };
const mentor = { id: 2, timeZone: 'America/New_York' };

describe('notification texts', () => {
  it('has a title and a body for every kind, and names the other side', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const text = renderNotification(kind, {}, session, mentee, 'https://mm.example.org');
      expect(text.title, kind).not.toBe('Notification');
      expect(text.body.length, kind).toBeGreaterThan(20);
    }
    expect(renderNotification('session_reminder', {}, session, mentee, '').title).toContain('Ada');
    expect(renderNotification('session_reminder', {}, session, mentor, '').title).toContain('Bo');
  });

  it("shows times in the reader's zone", () => {
    expect(formatTime(session.slotStart!, 'Asia/Tokyo')).toBe('Tuesday 8 December at 18:30 (GMT+9)');
    expect(formatTime(session.slotStart!, 'America/Los_Angeles')).toBe('Tuesday 8 December at 01:30 (GMT-8)');
    expect(formatTime(session.slotStart!, 'Not/AZone')).toBe('Tuesday 8 December at 09:30 (UTC)');
    expect(renderNotification('session_reminder', {}, session, mentee, '').title).toBe(
      'Reminder: your session with Ada at 18:30',
    );
  });

  it('gives the mentor their own words for an accepted session, should they be sent one', () => {
    const theirs = renderNotification('request_accepted', {}, session, mentor, '');
    expect(theirs.title).toBe('Your session with Bo is scheduled');
    expect(theirs.body).toContain('Tuesday 8 December at 04:30');
    expect(renderNotification('request_accepted', {}, session, mentee, '').title).toBe(
      'Ada accepted your session request',
    );
  });

  it('words a decline kindly, with or without a note', () => {
    const plain = renderNotification('request_declined', {}, session, mentee, '');
    expect(plain.body).toContain('not your question');
    const noted = renderNotification('request_declined', { reason: ' Away this month ' }, session, mentee, '');
    expect(noted.body).toContain('"Away this month"');
  });

  it('offers only well-formed next mentors after an expiry', () => {
    const text = renderNotification(
      'request_expired',
      { nextMentors: [{ mentorId: 'm 1', name: 'Grace' }, { mentorId: 3 }, 'x'] },
      session,
      mentee,
      'https://mm.example.org/',
    );
    expect(text.body).toContain('- Grace');
    expect(text.link).toBe('https://mm.example.org/directory');
    expect(text.body.match(/^- /gm)).toHaveLength(1);
  });

  it('reads a session whose accounts are gone', () => {
    const gone = { ...session, menteeId: null, menteeName: null };
    expect(renderNotification('session_cancelled', {}, gone, mentor, '').title).toBe(
      'Your session with A mentee was cancelled',
    );
  });
});

describe('session invite', () => {
  it('writes the slot in UTC with its length, and a cancellation replaces it', () => {
    const ics = buildSessionInvite(session);
    expect(ics).toMatch(/^METHOD:REQUEST$/m);
    expect(ics).toMatch(/^DTSTART:20261208T093000Z$/m);
    expect(ics).toMatch(/^DURATION:PT15M$/m);
    expect(ics).toContain('ATTENDEE');
    const cancel = buildSessionInvite({ ...session, state: 'cancelled' });
    expect(cancel).toMatch(/^METHOD:CANCEL$/m);
    expect(cancel).toMatch(/^UID:session-7@mentormatch$/m);
    expect(ics).toMatch(/^UID:session-7@mentormatch$/m);
  });

  it('refuses a session without a slot', () => {
    expect(() => buildSessionInvite({ ...session, slotStart: null })).toThrow(/no slot/);
  });
});

describe('outbox retries', () => {
  it('doubles the delay up to the cap, with half of it random', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 0.5)).toBe(6000);
    expect(backoffMs(30, 1000, 60_000, () => 1)).toBe(60_000);
  });

  it('keeps addresses out of the recorded error', () => {
    const err = Object.assign(new Error("Can't send mail"), {
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.1.1 <ana.b@example.org>: Recipient address rejected',
    });
    expect(describeSendError(err)).toBe('EENVELOPE 550: 550 5.1.1 <<address>>: Recipient address rejected');
    expect(describeSendError(new Error('connect ECONNREFUSED 127.0.0.1:25'))).toBe(
      'ERROR: connect ECONNREFUSED 127.0.0.1:25',
    );
  });
});
