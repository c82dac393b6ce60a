import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { type AppBackend, appBackends } from '../../../test/support/app-backends.js';

const MENTEES = 50;

/**
 * Fifty mentees request one mentor of capacity 1 and the mentor accepts every request as it arrives, all at once:
 * the database, not the engine's memory, must let exactly one session through.
 */
function capacityUnderConcurrency(backend: AppBackend) {
  describe.skipIf(backend.skip)(`capacity under concurrency (${backend.name})`, () => {
    let h: TestApp;
    beforeAll(async () => {
      h = await startTestApp({ env: await backend.env() });
    }, 180_000);
    afterAll(async () => {
      await h?.close();
      await backend.stop();
    });

    it(`${MENTEES} concurrent requests and accepts for a mentor with capacity 1: exactly one accepted`, async () => {
      const { app } = h;
      expect(
        (await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('full-1', { capacityPerMonth: 1 }) }))
          .statusCode,
      ).toBe(201);
      const mentorUser = await createTestUser(app, ['mentor']);
      await app.engine().repositories.users.linkMentor(mentorUser.user.id, 'full-1');
      const mentees: TestUser[] = [];
      for (let i = 0; i < MENTEES; i++) mentees.push(await createTestUser(app, ['mentee'], `crowd-${i}@test.local`));

      const call = (user: TestUser, url: string, payload: Record<string, unknown>) =>
        app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${user.token}` }, payload });
      const results = await Promise.all(
        mentees.map(async (m) => {
          const requested = await call(m, '/api/session-requests', { mentorId: 'full-1' });
          expect(requested.statusCode).toBe(201);
          const accepted = await call(mentorUser, `/api/session-requests/${requested.json().id}/accept`, {});
          return { status: accepted.statusCode, code: accepted.json().code as string | undefined };
        }),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409 && r.code === 'CAPACITY_FULL')).toHaveLength(MENTEES - 1);

      const db = app.engine().database.db;
      const states = await db
        .selectFrom('session_requests')
        .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
        .groupBy('state')
        .execute();
      expect(Object.fromEntries(states.map((s) => [s.state, Number(s.n)]))).toEqual({
        accepted: 1,
        requested: MENTEES - 1,
      });
      const load = await db.selectFrom('mentor_month_load').select('accepted').execute();
      expect(load.map((l) => l.accepted)).toEqual([1]);
    }, 120_000);
  });
}

for (const backend of appBackends()) capacityUnderConcurrency(backend);
