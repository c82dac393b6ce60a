import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { backends } from './backends.js';

const T = new Date('2026-03-02T09:00:00Z');
const NOW = new Date('2026-03-20T09:00:00Z');
const hours = (h: number) => new Date(T.getTime() + h * 3_600_000);

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`mentor outcomes on ${backend.name}`, () => {
    let handle: DatabaseHandle;
    let repos: Repositories;
    let mentorA: number;
    let mentorB: number;
    let q1: number;
    let q2: number;

    beforeAll(async () => {
      handle = await backend.start();
      repos = createRepositories(handle.db, handle.textCipher);
      const db = handle.db;
      const mentor = async (externalId: string) =>
        (
          await db
            .insertInto('mentors')
            .values({
              external_id: externalId,
              name: externalId,
              headline: 'H',
              bio: 'B',
              skills: [],
              languages: [],
              timezone: 'UTC',
              years_experience: 5,
              capacity_per_month: 3,
              active: true,
            } as never)
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      mentorA = await mentor('m-a');
      mentorB = await mentor('m-b');
      const user = await repos.users.create({
        email: 'mentee@example.org',
        name: 'Mentee',
        timeZone: 'UTC',
        passwordHash: null,
        roles: ['mentee'],
      });
      const question = async (userId: number | null) =>
        (
          await db
            .insertInto('mentee_requests')
            .values({
              text: 'How do I?',
              filters: JSON.stringify({}),
              config_version: null,
              created_at: T,
              user_id: userId,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      q1 = await question(user.id);
      q2 = await question(null);
      await question(user.id); // nothing served: not in the log
      const breakdown = (semantic: number) =>
        JSON.stringify({ factors: [{ name: 'semantic', value: semantic, weight: 1, contribution: semantic }] });
      await db
        .insertInto('served_matches')
        .values([
          {
            request_id: q1,
            mentor_id: mentorA,
            rank: 1,
            score: 0.8,
            breakdown: breakdown(0.8),
            config_version: null,
            propensity: null,
          },
          {
            request_id: q1,
            mentor_id: mentorB,
            rank: 2,
            score: 0.6,
            breakdown: breakdown(0.6),
            config_version: null,
            propensity: null,
          },
          {
            request_id: q2,
            mentor_id: mentorB,
            rank: 1,
            score: 0.7,
            breakdown: breakdown(0.7),
            config_version: null,
            propensity: 0.5,
          },
        ])
        .execute();

      const session = async (values: Record<string, unknown>) =>
        (
          await db
            .insertInto('session_requests')
            .values({ mentor_id: mentorA, note: null, created_at: T, expires_at: hours(72), ...values } as never)
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const completed = await session({
        request_id: q1,
        user_id: user.id,
        state: 'completed',
        answered_at: hours(2),
        ended_at: hours(50),
      });
      await session({ state: 'declined', answered_at: hours(30), ended_at: hours(30) });
      await session({ state: 'expired', ended_at: hours(72) });
      // Expired by migration 0009, before mentors could answer in the product: no ended_at, not counted.
      await session({ state: 'expired' });
      await session({ state: 'requested', expires_at: new Date(NOW.getTime() + 3_600_000) });
      await session({ state: 'requested', expires_at: new Date(NOW.getTime() - 3_600_000) });
      await session({ state: 'withdrawn', ended_at: hours(1) });
      await db
        .insertInto('session_feedback')
        .values([
          {
            session_request_id: completed,
            author_role: 'mentee',
            helpfulness: 5,
            right_person: 'yes',
            comment: 'great',
          },
          { session_request_id: completed, author_role: 'mentor', helpfulness: 2, right_person: 'no', comment: null },
        ])
        .execute();
    });
    afterAll(() => backend.stop());

    it("counts each mentor's answered, in-time and rated requests", async () => {
      const stats = await repos.mentorOutcomes.statsByMentor(NOW);
      expect(stats.has(mentorB)).toBe(false);
      expect(stats.get(mentorA)).toEqual({
        decided: 4,
        answeredInTime: 2,
        answeredWithinDay: 1,
        medianHoursToAnswer: 16,
        ratings: 1,
        meanHelpfulness: 5,
        rightPerson: { yes: 1, partly: 0, no: 0 },
      });
    });

    it('reads only the mentors asked for', async () => {
      const some = await repos.mentorOutcomes.statsByMentor(NOW, [mentorB]);
      expect(some.size).toBe(0);
      expect((await repos.mentorOutcomes.statsByMentor(NOW, [mentorA, mentorB])).get(mentorA)?.decided).toBe(4);
      expect(await repos.mentorOutcomes.statsByMentor(NOW, [])).toEqual(new Map());
    });

    it('logs every served mentor with what followed, a page of questions at a time', async () => {
      const first = await repos.mentorOutcomes.servedOutcomes({ questions: 1 });
      expect(
        first.map((r) => [r.requestId, r.rank, r.mentorExternalId, r.state, r.helpfulness, r.rightPerson]),
      ).toEqual([
        [q1, 1, 'm-a', 'completed', 5, 'yes'],
        [q1, 2, 'm-b', null, null, null],
      ]);
      expect(first[0]).toMatchObject({
        menteeEmail: 'mentee@example.org',
        score: 0.8,
        configVersion: null,
        propensity: null,
        requestedAt: T,
        answeredAt: hours(2),
      });
      expect(first[0]!.sessionRequestId).not.toBeNull();
      const second = await repos.mentorOutcomes.servedOutcomes({ questions: 10, afterRequestId: q1 });
      expect(second.map((r) => [r.requestId, r.mentorExternalId, r.menteeEmail, r.propensity])).toEqual([
        [q2, 'm-b', null, 0.5],
      ]);
      expect(await repos.mentorOutcomes.servedOutcomes({ questions: 10, since: hours(1) })).toEqual([]);
    });
  });
}
