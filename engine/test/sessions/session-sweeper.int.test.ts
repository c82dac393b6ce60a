import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { appBackends } from '../../../test/support/app-backends.js';

let clock: Date;
let h: TestApp;
let app: FastifyInstance;

const as = (user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, ...(payload ? { payload } : {}) });

const kinds = async (userId: number) =>
  (
    await app
      .engine()
      .database.db.selectFrom('notifications')
      .select('kind')
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute()
  ).map((n) => n.kind);

for (const backend of appBackends())
  describe.skipIf(backend.skip)(`the session sweeper (${backend.name})`, () => {
    beforeAll(async () => {
      clock = new Date('2026-04-06T07:00:00Z'); // a Monday
      h = await startTestApp({ now: () => clock, env: await backend.env() });
      app = h.app;
    }, 120_000);

    afterAll(async () => {
      await h?.close();
      await backend.stop();
    });

    it('reminds both sides once before a session and asks both to rate it once after, however many sweep', async () => {
      expect((await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('sw-1') })).statusCode).toBe(201);
      const mentorUser = await createTestUser(app, ['mentor']);
      await app.engine().repositories.users.linkMentor(mentorUser.user.id, 'sw-1');
      await as(mentorUser, 'PUT', '/api/me/availability', {
        timeZone: 'UTC',
        awayUntil: null,
        videoLink: null,
        windows: [{ weekday: 1, start: '09:00', end: '10:00' }],
      });
      const mentee = await createTestUser(app, ['mentee']);
      const slot = { start: '2026-04-06T09:00:00.000Z', lengthMinutes: 30 };
      const created = await as(mentee, 'POST', '/api/session-requests', { mentorId: 'sw-1', slot });
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      expect((await as(mentorUser, 'POST', `/api/session-requests/${id}/accept`)).statusCode).toBe(200);

      const sweeper = app.engine().sessionSweeper;
      // Two hours before: too early for the default 60-minute reminder.
      expect((await sweeper.sweep(new Date('2026-04-06T07:00:00Z'))).reminded).toBe(0);
      // Two engines sweeping at once 50 minutes before: one reminder each for mentee and mentor.
      const at = new Date('2026-04-06T08:10:00Z');
      const both = await Promise.all([sweeper.sweep(at), sweeper.sweep(at)]);
      expect(both.map((c) => c.reminded).sort()).toEqual([0, 1]);
      expect(await kinds(mentee.user.id)).toEqual(['request_accepted', 'session_reminder']);
      expect((await kinds(mentorUser.user.id)).filter((k) => k === 'session_reminder')).toHaveLength(1);

      // After the slot: a rating prompt each, once, and the session can be rated.
      const after = new Date('2026-04-06T09:31:00Z');
      expect((await sweeper.sweep(after)).prompted).toBe(1);
      expect((await sweeper.sweep(after)).prompted).toBe(0);
      expect(await kinds(mentee.user.id)).toEqual(['request_accepted', 'session_reminder', 'rate_session']);
      clock = after;
      expect((await as(mentee, 'GET', `/api/session-requests/${id}`)).json().canGiveFeedback).toBe(true);
    });
  });
