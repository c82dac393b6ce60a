import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

/** Refusals of the session routes: who may act on a session, who reads its words, and input that is no 500. */
let clock: Date;
let h: TestApp;
let app: FastifyInstance;

const as = (user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, ...(payload ? { payload } : {}) });

const answer = (r: { statusCode: number; json(): { code?: string } }) => [r.statusCode, r.json().code];

async function mentorWithUser(id: string): Promise<TestUser> {
  const created = await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor(id) });
  expect(created.statusCode).toBe(201);
  const user = await createTestUser(app, ['mentor']);
  await app.engine().repositories.users.linkMentor(user.user.id, id);
  return user;
}

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));

describe('session routes: access and bad input', () => {
  let own: TestUser;
  let otherMentor: TestUser;
  let mentee: TestUser;

  beforeAll(async () => {
    clock = new Date('2026-03-02T08:00:00Z'); // a Monday
    h = await startTestApp({ now: () => clock });
    app = h.app;
    own = await mentorWithUser('acc-1');
    otherMentor = await mentorWithUser('acc-2');
    mentee = await createTestUser(app, ['mentee']);
    const put = await as(own, 'PUT', '/api/me/availability', {
      timeZone: 'UTC',
      awayUntil: null,
      videoLink: null,
      windows: weekdays('09:00', '17:00'),
    });
    expect(put.statusCode).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lets no other mentor, mentee or staff member act on a session that is not theirs', async () => {
    const s = (await as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-1', note: 'private' })).json();
    const stranger = await createTestUser(app, ['mentee']);
    const staffMentor = await createTestUser(app, ['mentor', 'coordinator']);
    for (const action of ['accept', 'decline']) {
      const r = await as(otherMentor, 'POST', `/api/session-requests/${s.id}/${action}`, {});
      expect(answer(r)).toEqual([404, 'SESSION_REQUEST_NOT_FOUND']);
      // A coordinator who is also a mentor reads it, but answers only for their own profile.
      const staff = await as(staffMentor, 'POST', `/api/session-requests/${s.id}/${action}`, {});
      expect(answer(staff)).toEqual([403, 'TRANSITION_NOT_YOURS']);
    }
    expect(answer(await as(otherMentor, 'GET', `/api/session-requests/${s.id}`))).toEqual([
      404,
      'SESSION_REQUEST_NOT_FOUND',
    ]);
    expect(answer(await as(otherMentor, 'GET', `/api/session-requests/${s.id}/invite.ics`))).toEqual([
      404,
      'SESSION_REQUEST_NOT_FOUND',
    ]);
    expect(answer(await as(stranger, 'POST', `/api/session-requests/${s.id}/withdraw`))).toEqual([
      404,
      'SESSION_REQUEST_NOT_FOUND',
    ]);
    expect((await as(otherMentor, 'GET', '/api/session-requests?role=mentor')).json().items).toEqual([]);
    expect((await as(otherMentor, 'GET', '/api/me/session-requests')).json().items).toEqual([]);
    // Nothing moved.
    expect((await as(mentee, 'GET', `/api/session-requests/${s.id}`)).json().state).toBe('requested');
    await as(mentee, 'POST', `/api/session-requests/${s.id}/withdraw`);
  });

  it("shows coordinators the facts of a session, not the parties' note and reasons", async () => {
    const coordinator = await createTestUser(app, ['coordinator']);
    const declined = (await as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-1', note: 'my note' })).json();
    await as(own, 'POST', `/api/session-requests/${declined.id}/decline`, { reason: 'On leave until May' });
    expect((await as(mentee, 'GET', `/api/session-requests/${declined.id}`)).json().declineReason).toBe(
      'On leave until May',
    );
    expect((await as(coordinator, 'GET', `/api/session-requests/${declined.id}`)).json()).toMatchObject({
      role: 'coordinator',
      state: 'declined',
      note: null,
      declineReason: null,
    });

    const cancelled = (await as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-1' })).json();
    await as(own, 'POST', `/api/session-requests/${cancelled.id}/accept`, {});
    await as(mentee, 'POST', `/api/session-requests/${cancelled.id}/cancel`, { reason: 'A family matter' });
    expect((await as(own, 'GET', `/api/session-requests/${cancelled.id}`)).json().cancelReason).toBe('A family matter');
    expect((await as(coordinator, 'GET', `/api/session-requests/${cancelled.id}`)).json()).toMatchObject({
      cancelledBy: 'mentee',
      cancelReason: null,
    });

    // A coordinator's own cancellation reads back with the reason they gave.
    const byStaff = (await as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-1' })).json();
    await as(own, 'POST', `/api/session-requests/${byStaff.id}/accept`, {});
    const staffCancel = await as(coordinator, 'POST', `/api/session-requests/${byStaff.id}/cancel`, {
      reason: 'The mentor left the programme',
    });
    expect(staffCancel.json()).toMatchObject({
      cancelledBy: 'coordinator',
      cancelReason: 'The mentor left the programme',
    });
  });

  it("erases the reasons a mentee gave for cancelling when they delete their account, keeping the mentor's", async () => {
    const leaving = await createTestUser(app, ['mentee']);
    const mine = (await as(leaving, 'POST', '/api/session-requests', { mentorId: 'acc-1' })).json();
    await as(own, 'POST', `/api/session-requests/${mine.id}/accept`, {});
    await as(leaving, 'POST', `/api/session-requests/${mine.id}/cancel`, { reason: 'My health, sorry' });
    const theirs = (await as(leaving, 'POST', '/api/session-requests', { mentorId: 'acc-2' })).json();
    await as(otherMentor, 'POST', `/api/session-requests/${theirs.id}/accept`, {});
    await as(otherMentor, 'POST', `/api/session-requests/${theirs.id}/cancel`, { reason: 'Double-booked' });

    const deleted = await app.inject({
      method: 'DELETE',
      url: '/api/me',
      headers: { authorization: `Bearer ${leaving.token}` },
      payload: { confirmEmail: leaving.user.email },
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect((await as(own, 'GET', `/api/session-requests/${mine.id}`)).json().cancelReason).toBeNull();
    expect((await as(otherMentor, 'GET', `/api/session-requests/${theirs.id}`)).json().cancelReason).toBe(
      'Double-booked',
    );
  });

  it('answers dates beyond the booking horizon with a 4xx, never a 500', async () => {
    const slots = (query: string) => as(mentee, 'GET', `/api/mentors/acc-1/slots?${query}`);
    // Beyond the booking horizon either way (366 days), even where the database holds the date.
    for (const from of ['9999-12-31T00:00:00Z', '0001-01-01T00:00:00Z', '2027-03-04T08:00:00Z']) {
      expect(answer(await slots(`from=${from}&days=28`)), from).toEqual([400, 'VALIDATION_FAILED']);
    }
    // Free slots end where booking does: none offered that a request would refuse.
    const last = (await slots('from=2027-03-01T08:00:00Z&days=7')).json().slots.map((x: { start: string }) => x.start);
    expect(last.at(0)).toBe('2027-03-01T09:00:00.000Z');
    // The horizon ends on Wednesday 3 March 2027 at 08:00, before that day's window opens.
    expect(last.at(-1)).toBe('2027-03-02T16:30:00.000Z');

    const far = { start: '9999-12-31T23:45:00Z', lengthMinutes: 30 };
    const create = await as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-1', slot: far });
    expect(answer(create)).toEqual([400, 'SLOT_INVALID']);
    const s = (await as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-1' })).json();
    const proposed = await as(own, 'POST', `/api/session-requests/${s.id}/accept`, { slot: far });
    expect(answer(proposed)).toEqual([400, 'SLOT_INVALID']);
    // A year ahead is still a slot the mentor may propose.
    const nextYear = { start: '2027-03-01T10:00:00Z', lengthMinutes: 30 };
    expect((await as(own, 'POST', `/api/session-requests/${s.id}/accept`, { slot: nextYear })).json().state).toBe(
      'accepted',
    );

    const away = (awayUntil: string) =>
      as(otherMentor, 'PUT', '/api/me/availability', { timeZone: 'UTC', awayUntil, videoLink: null, windows: [] });
    expect(answer(await away('0000-01-01'))).toEqual([400, 'VALIDATION_FAILED']);
    expect(answer(await away('2026-02-30'))).toEqual([400, 'VALIDATION_FAILED']);
    expect((await away('9999-12-31')).statusCode).toBe(200);
  });

  it('refuses dates no Date or database holds wherever a date is read: a leap second, year 0, year 10000', async () => {
    const researcher = await createTestUser(app, ['researcher']);
    for (const at of ['2026-06-30T23:59:60Z', '0000-12-31T23:00:00Z', '9999-12-31T23:00:00-05:00']) {
      const q = encodeURIComponent(at);
      expect(answer(await as(mentee, 'GET', `/api/mentors/acc-1/slots?from=${q}`)), at).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
      const slot = { start: at, lengthMinutes: 30 };
      expect(answer(await as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-2', slot })), at).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
      for (const bound of ['since', 'until']) {
        const outcomes = await as(researcher, 'GET', `/api/evaluation/outcomes?${bound}=${q}`);
        expect(answer(outcomes), `${bound} ${at}`).toEqual([400, 'VALIDATION_FAILED']);
      }
    }
    expect((await as(researcher, 'GET', '/api/evaluation/outcomes?since=0001-01-01T00:00:00Z')).statusCode).toBe(200);
    expect((await as(researcher, 'GET', '/api/evaluation/outcomes?until=9999-12-31T23:00:00Z')).statusCode).toBe(200);
  });

  it('refuses malformed ids, lengths not offered, unknown time zones and huge notes with stable codes', async () => {
    for (const id of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999']) {
      expect(answer(await as(mentee, 'GET', `/api/session-requests/${id}`)), id).toEqual([400, 'VALIDATION_FAILED']);
      expect(answer(await as(own, 'POST', `/api/session-requests/${id}/accept`, {})), id).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    expect(answer(await as(mentee, 'GET', '/api/session-requests/2147483648'))).toEqual([
      404,
      'SESSION_REQUEST_NOT_FOUND',
    ]);
    const request = (body: Record<string, unknown>) =>
      as(mentee, 'POST', '/api/session-requests', { mentorId: 'acc-2', ...body });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ slot: { start: '2026-03-01T09:00:00Z', lengthMinutes: 30 } }, 400, 'SLOT_INVALID'],
      [{ slot: { start: '2026-03-03T09:00:00Z', lengthMinutes: 45 } }, 400, 'SLOT_INVALID'],
      [{ slot: { start: '2026-03-03T09:00:00Z', lengthMinutes: 20 } }, 400, 'VALIDATION_FAILED'],
      [{ slot: { start: '2026-03-03T09:07:00Z', lengthMinutes: 30 } }, 400, 'SLOT_INVALID'],
      [{ slot: { start: '2026-02-30T09:00:00Z', lengthMinutes: 30 } }, 400, 'VALIDATION_FAILED'],
      [{ timeZone: 'Mars/Olympus' }, 400, 'VALIDATION_FAILED'],
      [{ timeZone: '+01:00' }, 400, 'VALIDATION_FAILED'],
      [{ note: 'x'.repeat(2001) }, 400, 'VALIDATION_FAILED'],
      [{ note: 'a\u0000b' }, 400, 'VALIDATION_FAILED'],
      [{ requestId: 99_999_999_999 }, 404, 'REQUEST_NOT_FOUND'],
      [{ mentorId: '../../x' }, 404, 'MENTOR_NOT_FOUND'],
    ];
    for (const [body, status, code] of cases) {
      expect(answer(await request(body)), JSON.stringify(body).slice(0, 80)).toEqual([status, code]);
    }
    expect(answer(await as(mentee, 'GET', '/api/mentors/acc-1/slots?timeZone=Mars/Olympus'))).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
    expect(answer(await as(mentee, 'GET', '/api/session-requests?state=lost'))).toEqual([400, 'VALIDATION_FAILED']);
  });
});
