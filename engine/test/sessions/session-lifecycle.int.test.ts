import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { appBackends } from '../../../test/support/app-backends.js';

/** The engine on a fake clock that tests move. */
let clock: Date;
let h: TestApp;
let app: FastifyInstance;

const as = (user: TestUser, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, ...(payload ? { payload } : {}) });

async function mentorWithUser(id: string, overrides: Record<string, unknown> = {}): Promise<TestUser> {
  const created = await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor(id, overrides) });
  expect(created.statusCode).toBe(201);
  const user = await createTestUser(app, ['mentor']);
  await app.engine().repositories.users.linkMentor(user.user.id, id);
  return user;
}

const notificationsOf = (userId: number) =>
  app
    .engine()
    .database.db.selectFrom('notifications')
    .select(['kind', 'session_request_id', 'data'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();

for (const backend of appBackends())
  describe.skipIf(backend.skip)(`the session loop over HTTP (${backend.name})`, () => {
    beforeAll(async () => {
      clock = new Date('2026-03-02T08:00:00Z'); // a Monday
      h = await startTestApp({ now: () => clock, env: await backend.env() });
      app = h.app;
    }, 120_000);

    afterAll(async () => {
      await h?.close();
      await backend.stop();
    });

    it('runs request → accept → complete → feedback, with slots, invite, and every refusal in its place', async () => {
      const admin = await createTestUser(app, ['admin']);
      const settings = await as(admin, 'PUT', '/api/settings/sessions', {
        videoLinkTemplate: 'https://meet.example.org/mentormatch-{id}',
      });
      expect(settings.json()).toMatchObject({ lengthsOffered: [15, 30], expiryHours: 72, maxOpenRequests: 3 });

      const mentorUser = await mentorWithUser('life-1');
      const windows = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '12:00' }));
      const put = await as(mentorUser, 'PUT', '/api/me/availability', {
        timeZone: 'Europe/London',
        awayUntil: null,
        videoLink: null,
        windows,
      });
      expect(put.statusCode).toBe(200);
      expect((await as(mentorUser, 'GET', '/api/me/availability')).json().windows).toEqual(windows);

      const mentee = await createTestUser(app, ['mentee']);
      const slots = await as(mentee, 'GET', '/api/mentors/life-1/slots?days=2&lengthMinutes=30&timeZone=Europe/Berlin');
      expect(slots.statusCode).toBe(200);
      // Mentees read no session settings; the slots name the lengths their request may ask for.
      expect(slots.json().lengthsOffered).toEqual([15, 30]);
      const first = slots.json().slots[0];
      expect(first).toEqual({
        start: '2026-03-02T09:00:00.000Z',
        end: '2026-03-02T09:30:00.000Z',
        label: 'Mon 2 Mar, 10:00–10:30',
      });

      // A slot outside the mentor's windows is refused; a free one is taken.
      const outside = await as(mentee, 'POST', '/api/session-requests', {
        mentorId: 'life-1',
        slot: { start: '2026-03-02T15:00:00.000Z', lengthMinutes: 30 },
      });
      expect(outside.json().code).toBe('SLOT_UNAVAILABLE');
      const created = await as(mentee, 'POST', '/api/session-requests', {
        mentorId: 'life-1',
        note: 'Thirty minutes on my promotion case',
        slot: { start: first.start, lengthMinutes: 30 },
        timeZone: 'Europe/Berlin',
      });
      expect(created.statusCode).toBe(201);
      const session = created.json();
      expect(session).toMatchObject({
        state: 'requested',
        role: 'mentee',
        mentorId: 'life-1',
        slotStart: first.start,
        slotEnd: first.end,
        menteeTimeZone: 'Europe/Berlin',
        mentorTimeZone: 'Europe/London',
        videoLink: null,
        expiresAt: '2026-03-05T08:00:00.000Z',
      });
      const again = await as(mentee, 'POST', '/api/session-requests', { mentorId: 'life-1' });
      expect([again.statusCode, again.json().code]).toEqual([409, 'OPEN_REQUEST_EXISTS']);
      expect((await notificationsOf(mentorUser.user.id)).map((n) => n.kind)).toEqual(['request_received']);

      // The mentor sees it; a mentee cannot accept; a stranger cannot even read it.
      const inbox = await as(mentorUser, 'GET', '/api/session-requests?role=mentor&state=requested');
      expect(inbox.json().items.map((i: { id: number; role: string }) => [i.id, i.role])).toEqual([
        [session.id, 'mentor'],
      ]);
      expect((await as(mentee, 'POST', `/api/session-requests/${session.id}/accept`)).statusCode).toBe(403);
      const stranger = await createTestUser(app, ['mentee']);
      expect((await as(stranger, 'GET', `/api/session-requests/${session.id}`)).json().code).toBe(
        'SESSION_REQUEST_NOT_FOUND',
      );

      const accepted = await as(mentorUser, 'POST', `/api/session-requests/${session.id}/accept`, {});
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({
        state: 'accepted',
        role: 'mentor',
        videoLink: `https://meet.example.org/mentormatch-${session.id}`,
        slotStart: first.start,
      });
      const twice = await as(mentorUser, 'POST', `/api/session-requests/${session.id}/accept`, {});
      expect([twice.statusCode, twice.json().code, twice.json().details]).toEqual([
        409,
        'ILLEGAL_TRANSITION',
        { state: 'accepted' },
      ]);
      expect((await notificationsOf(mentee.user.id)).map((n) => n.kind)).toEqual(['request_accepted']);
      expect((await notificationsOf(mentorUser.user.id)).map((n) => n.kind)).toEqual([
        'request_received',
        'request_accepted',
      ]);

      // The slot is gone for everyone else.
      const taken = await as(stranger, 'POST', '/api/session-requests', {
        mentorId: 'life-1',
        slot: { start: first.start, lengthMinutes: 30 },
      });
      expect(taken.json().code).toBe('SLOT_UNAVAILABLE');
      const free = await as(stranger, 'GET', '/api/mentors/life-1/slots?days=1&lengthMinutes=30');
      expect(free.json().slots.map((s: { start: string }) => s.start)).not.toContain(first.start);

      const invite = await as(mentee, 'GET', `/api/session-requests/${session.id}/invite.ics`);
      expect(invite.statusCode).toBe(200);
      expect(invite.headers['content-type']).toContain('text/calendar');
      expect(invite.body).toContain('BEGIN:VCALENDAR');

      // Not before it has taken place: neither completion nor rating.
      const early = await as(mentorUser, 'POST', `/api/session-requests/${session.id}/complete`);
      expect(early.json().code).toBe('SESSION_NOT_OVER');
      expect(
        (
          await as(mentee, 'POST', `/api/session-requests/${session.id}/feedback`, {
            helpfulness: 5,
            rightPerson: 'yes',
          })
        ).json().code,
      ).toBe('FEEDBACK_NOT_OPEN');

      clock = new Date('2026-03-02T09:31:00Z');
      const done = await as(mentorUser, 'POST', `/api/session-requests/${session.id}/complete`);
      expect(done.json()).toMatchObject({ state: 'completed', videoLink: null, canGiveFeedback: true });
      const rated = await as(mentee, 'POST', `/api/session-requests/${session.id}/feedback`, {
        helpfulness: 5,
        rightPerson: 'yes',
        comment: 'Exactly what I needed',
      });
      expect(rated.statusCode).toBe(201);
      expect(rated.json()).toMatchObject({ feedbackGiven: true, canGiveFeedback: false });
      const ratedTwice = await as(mentee, 'POST', `/api/session-requests/${session.id}/feedback`, {
        helpfulness: 1,
        rightPerson: 'no',
      });
      expect(ratedTwice.json().code).toBe('FEEDBACK_ALREADY_GIVEN');
      const menteeFlag = await as(mentee, 'POST', `/api/session-requests/${session.id}/feedback`, {
        helpfulness: 3,
        rightPerson: 'partly',
        boundaryFlag: true,
      });
      expect([menteeFlag.statusCode, menteeFlag.json().code]).toEqual([400, 'VALIDATION_FAILED']);
      const mentorRating = await as(mentorUser, 'POST', `/api/session-requests/${session.id}/feedback`, {
        helpfulness: 4,
        rightPerson: 'partly',
        boundaryFlag: true,
      });
      expect(mentorRating.statusCode).toBe(201);
      const coordinator = await createTestUser(app, ['coordinator']);
      const read = await as(coordinator, 'GET', `/api/session-requests/${session.id}`);
      expect(read.json()).toMatchObject({ role: 'coordinator', state: 'completed', note: null, question: null });

      // Their export holds the session and their own rating.
      const exported = (await as(mentee, 'GET', '/api/me/export')).json();
      expect(exported.sessionRequests).toEqual([
        expect.objectContaining({
          id: session.id,
          state: 'completed',
          slotStart: first.start,
          rating: { helpfulness: 5, rightPerson: 'yes', comment: 'Exactly what I needed' },
        }),
      ]);

      // A mentee who deletes their account takes their comment along; the ratings stay for the mentor's record.
      const gone = await app.inject({
        method: 'DELETE',
        url: '/api/me',
        headers: { authorization: `Bearer ${mentee.token}` },
        payload: { confirmEmail: mentee.user.email },
      });
      expect(gone.statusCode, gone.body).toBe(200);
      const feedback = await app
        .engine()
        .database.db.selectFrom('session_feedback')
        .select(['author_role', 'helpfulness', 'comment'])
        .where('session_request_id', '=', session.id)
        .orderBy('author_role')
        .execute();
      expect(feedback).toEqual([
        { author_role: 'mentee', helpfulness: 5, comment: null },
        { author_role: 'mentor', helpfulness: 4, comment: null },
      ]);
    });

    it('withdraws, declines with a reason, cancels and gives the capacity back, and caps open requests', async () => {
      clock = new Date('2026-03-03T08:00:00Z');
      const mentors = await Promise.all(['cap-1', 'cap-2', 'cap-3', 'cap-4'].map((id) => mentorWithUser(id)));
      const mentee = await createTestUser(app, ['mentee']);
      const ids: number[] = [];
      for (const m of ['cap-1', 'cap-2', 'cap-3']) {
        const r = await as(mentee, 'POST', '/api/session-requests', { mentorId: m });
        ids.push(r.json().id);
      }
      const fourth = await as(mentee, 'POST', '/api/session-requests', { mentorId: 'cap-4' });
      expect([fourth.statusCode, fourth.json().code]).toEqual([409, 'TOO_MANY_OPEN_REQUESTS']);

      const withdrawn = await as(mentee, 'POST', `/api/session-requests/${ids[0]}/withdraw`);
      expect(withdrawn.json().state).toBe('withdrawn');
      const declined = await as(mentors[1]!, 'POST', `/api/session-requests/${ids[1]}/decline`, {
        reason: 'Travelling all month',
      });
      expect(declined.json()).toMatchObject({ state: 'declined', declineReason: 'Travelling all month' });
      expect((await notificationsOf(mentee.user.id)).at(-1)).toMatchObject({
        kind: 'request_declined',
        data: { reason: 'Travelling all month' },
      });

      // Accepted without a slot (arranged outside the product), then cancelled by the mentee: the month's capacity returns.
      const accepted = await as(mentors[2]!, 'POST', `/api/session-requests/${ids[2]}/accept`, {});
      expect(accepted.json()).toMatchObject({ state: 'accepted', slotStart: null });
      const load = () => app.engine().repositories.requests.acceptedSessionsInMonth(new Date('2026-03-01T00:00:00Z'));
      const rowId = (await app.engine().repositories.mentors.getRowIdsByExternalIds(['cap-3'])).get('cap-3')!;
      expect((await load()).get(rowId)).toBe(1);
      const cancelled = await as(mentee, 'POST', `/api/session-requests/${ids[2]}/cancel`, { reason: 'Solved it' });
      expect(cancelled.json()).toMatchObject({ state: 'cancelled', cancelledBy: 'mentee', cancelReason: 'Solved it' });
      expect((await load()).get(rowId)).toBeUndefined();
      const mentorInbox = await notificationsOf(mentors[2]!.user.id);
      expect(mentorInbox.map((n) => n.kind)).toEqual(['request_received', 'request_accepted', 'session_cancelled']);

      const mine = await as(mentee, 'GET', '/api/session-requests?role=mentee');
      expect(mine.json().items.map((i: { state: string }) => i.state)).toEqual(['cancelled', 'declined', 'withdrawn']);
    });

    it("limits a mentee to the programme's requests per hour, counted from the clock", async () => {
      clock = new Date('2026-03-04T08:00:00Z');
      await mentorWithUser('rate-1');
      const mentee = await createTestUser(app, ['mentee']);
      for (let i = 0; i < 10; i++) {
        const r = await as(mentee, 'POST', '/api/session-requests', { mentorId: 'rate-1' });
        expect(r.statusCode).toBe(201);
        expect((await as(mentee, 'POST', `/api/session-requests/${r.json().id}/withdraw`)).statusCode).toBe(200);
      }
      const eleventh = await as(mentee, 'POST', '/api/session-requests', { mentorId: 'rate-1' });
      expect([eleventh.statusCode, eleventh.json().code]).toEqual([429, 'REQUEST_RATE_LIMITED']);
      clock = new Date('2026-03-04T09:00:01Z');
      expect((await as(mentee, 'POST', '/api/session-requests', { mentorId: 'rate-1' })).statusCode).toBe(201);
    });

    it('withdraws and cancels what a mentee leaves behind when they delete their account', async () => {
      clock = new Date('2026-03-02T08:00:00Z');
      const [waiting, booked] = await Promise.all([mentorWithUser('left-1'), mentorWithUser('left-2')]);
      await as(booked, 'PUT', '/api/me/availability', {
        timeZone: 'UTC',
        awayUntil: null,
        videoLink: null,
        windows: [{ weekday: 4, start: '10:00', end: '11:00' }],
      });
      const mentee = await createTestUser(app, ['mentee']);
      const open = (await as(mentee, 'POST', '/api/session-requests', { mentorId: 'left-1' })).json();
      const slot = { start: '2026-03-05T10:00:00.000Z', lengthMinutes: 30 };
      const soon = (await as(mentee, 'POST', '/api/session-requests', { mentorId: 'left-2', slot })).json();
      expect((await as(booked, 'POST', `/api/session-requests/${soon.id}/accept`)).json().state).toBe('accepted');

      const gone = await as(mentee, 'DELETE', '/api/me', { confirmEmail: mentee.user.email });
      expect(gone.statusCode, gone.body).toBe(200);
      expect((await as(waiting, 'GET', `/api/session-requests/${open.id}`)).json()).toMatchObject({
        state: 'withdrawn',
        menteeName: null,
      });
      expect((await as(booked, 'GET', `/api/session-requests/${soon.id}`)).json()).toMatchObject({
        state: 'cancelled',
        cancelledBy: 'mentee',
      });
      expect((await notificationsOf(waiting.user.id)).map((n) => n.kind)).toEqual([
        'request_received',
        'request_withdrawn',
      ]);
      expect((await notificationsOf(booked.user.id)).map((n) => n.kind)).toEqual([
        'request_received',
        'request_accepted',
        'session_cancelled',
      ]);
      // The slot and the month's session are the mentor's again.
      const slots = await as(booked, 'GET', '/api/mentors/left-2/slots?from=2026-03-05T00:00:00Z&days=1');
      expect(slots.json().slots.map((s: { start: string }) => s.start)).toContain(slot.start);
      const rowId = (await app.engine().repositories.mentors.getRowIdsByExternalIds(['left-2'])).get('left-2')!;
      const load = await app.engine().repositories.requests.acceptedSessionsInMonth(new Date('2026-03-01T00:00:00Z'));
      expect(load.get(rowId)).toBeUndefined();
    });

    it('refuses a second booking of one slot: two requests for it, only the first accept books it', async () => {
      clock = new Date('2026-03-02T08:00:00Z');
      const mentorUser = await mentorWithUser('double-1', { capacityPerMonth: 5 });
      await as(mentorUser, 'PUT', '/api/me/availability', {
        timeZone: 'UTC',
        awayUntil: null,
        videoLink: 'https://video.example.org/double',
        windows: [{ weekday: 3, start: '10:00', end: '11:00' }],
      });
      const slot = { start: '2026-03-04T10:00:00.000Z', lengthMinutes: 30 };
      const [a, b] = await Promise.all([createTestUser(app, ['mentee']), createTestUser(app, ['mentee'])]);
      const ra = (await as(a, 'POST', '/api/session-requests', { mentorId: 'double-1', slot })).json();
      const rb = (await as(b, 'POST', '/api/session-requests', { mentorId: 'double-1', slot })).json();
      const answers = await Promise.all(
        [ra, rb].map((r) => as(mentorUser, 'POST', `/api/session-requests/${r.id}/accept`, {})),
      );
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(answers.find((r) => r.statusCode === 409)!.json().code).toBe('SLOT_TAKEN');
      expect(answers.find((r) => r.statusCode === 200)!.json().videoLink).toBe('https://video.example.org/double');
      // The refused accept left its request open: the mentor can still propose another time.
      const loser = answers.findIndex((r) => r.statusCode === 409);
      const proposed = await as(mentorUser, 'POST', `/api/session-requests/${[ra, rb][loser].id}/accept`, {
        slot: { start: '2026-03-04T10:30:00.000Z', lengthMinutes: 30 },
      });
      expect(proposed.json()).toMatchObject({ state: 'accepted', slotStart: '2026-03-04T10:30:00.000Z' });
    });

    it('expires an unanswered request on the fake clock and offers the mentee the next mentors', async () => {
      clock = new Date('2026-03-10T08:00:00Z');
      for (const id of ['exp-1', 'exp-2', 'exp-3']) {
        await mentorWithUser(id, { bio: `Mentor ${id} coaches negotiation of salary offers and promotions.` });
      }
      const mentee = await createTestUser(app, ['mentee']);
      const asked = await as(mentee, 'POST', '/api/match', { text: 'How do I negotiate a salary offer?', k: 10 });
      const { requestId, matches } = asked.json();
      const served = matches.map((m: { mentor: { id: string } }) => m.mentor.id);
      const picked = served.find((id: string) => id.startsWith('exp-'));
      const created = await as(mentee, 'POST', '/api/session-requests', { mentorId: picked, requestId });
      expect(created.statusCode).toBe(201);

      const sweeper = app.engine().sessionSweeper;
      expect((await sweeper.sweep(new Date('2026-03-12T21:00:00Z'))).warned).toBeGreaterThanOrEqual(1);
      expect((await sweeper.sweep(new Date('2026-03-13T08:00:01Z'))).expired).toBeGreaterThanOrEqual(1);
      // A second sweep, as another engine's, finds nothing left to do for it.
      await sweeper.sweep(new Date('2026-03-13T08:00:02Z'));
      clock = new Date('2026-03-13T08:00:03Z');
      expect((await as(mentee, 'GET', `/api/session-requests/${created.json().id}`)).json().state).toBe('expired');
      const told = (await notificationsOf(mentee.user.id)).filter((n) => n.kind === 'request_expired');
      expect(told).toHaveLength(1);
      const next = (told[0]!.data as { nextMentors: Array<{ mentorId: string }> }).nextMentors;
      expect(next.length).toBeGreaterThan(0);
      expect(next.map((m) => m.mentorId)).not.toContain(picked);
      expect(next.map((m) => m.mentorId)).toEqual(served.filter((id: string) => id !== picked).slice(0, 3));
    });

    it('keeps a mentor with open requests in /match results; only accepted sessions spend capacity', async () => {
      clock = new Date('2026-03-16T08:00:00Z');
      await mentorWithUser('busy-1', {
        capacityPerMonth: 1,
        bio: 'I coach people through negotiating their compensation with managers.',
      });
      const menteeText = 'negotiating compensation with my manager';
      for (let i = 0; i < 3; i++) {
        const m = await createTestUser(app, ['mentee']);
        expect((await as(m, 'POST', '/api/session-requests', { mentorId: 'busy-1' })).statusCode).toBe(201);
      }
      const searcher = await createTestUser(app, ['mentee']);
      const res = await as(searcher, 'POST', '/api/match', { text: menteeText, k: 50 });
      expect(res.json().matches.map((m: { mentor: { id: string } }) => m.mentor.id)).toContain('busy-1');
    });
  });
