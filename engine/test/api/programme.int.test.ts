import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../src/db/schema.js';
import { gini } from '../../src/evaluation/metrics.js';
import { createTestUser, sessionCookieFor } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { skipPostgresServer, startPostgresServer } from '../../../test/support/postgres-server.js';

const thisYear = new Date().getUTCFullYear();

const at = (day: number, hour = 9) => new Date(Date.UTC(2025, 2, day, hour));
const plusHours = (d: Date, h: number) => new Date(d.getTime() + h * 3_600_000);

/** The same numbers from the embedded database and from a PostgreSQL server, whose planner and clock differ. */
const backends = [
  { name: 'PGlite', start: async () => ({ env: {}, stop: async () => {} }) },
  ...(skipPostgresServer
    ? []
    : [
        {
          name: 'a PostgreSQL server',
          start: async () => {
            const server = await startPostgresServer();
            return { env: { DATABASE_URL: await server.createDatabase() }, stop: () => server.stop() };
          },
        },
      ]),
];

const MARCH = '/api/programme?from=2025-03-01&to=2025-03-31';

describe.each(backends)('GET /api/programme on $name', ({ start }) => {
  let harness: TestApp;
  const cookies = { coordinator: '', researcher: '', admin: '', mentee: '' };
  const menteeNames = ['Zelda Quill', 'Yorick Plum'];
  const menteeEmails: string[] = [];
  let stopBackend: (() => Promise<void>) | undefined;

  /**
   * March 2025: two mentees, Sales (career from 2020) and Finance (2018), three questions and nine session
   * requests with four mentors. m1 is linked to a Finance user who started in 1995; m2 has no user and five years'
   * experience, so its start year is approximated from the profile (written this year).
   */
  beforeAll(async () => {
    const backend = await start();
    stopBackend = backend.stop;
    harness = await startTestApp({ signedIn: false, env: backend.env });
    const { app } = harness;
    const engine = app.engine();
    const coordinator = await createTestUser(app, ['coordinator']);
    cookies.coordinator = await sessionCookieFor(app, coordinator.user.id);
    cookies.researcher = await sessionCookieFor(app, (await createTestUser(app, ['researcher'])).user.id);
    cookies.admin = await sessionCookieFor(app, (await createTestUser(app, ['admin'])).user.id);
    const sales = await createTestUser(app, ['mentee']);
    const finance = await createTestUser(app, ['mentee']);
    cookies.mentee = await sessionCookieFor(app, sales.user.id);
    await engine.repositories.users.update(sales.user.id, {
      name: menteeNames[0]!,
      department: 'Sales',
      careerStartYear: 2020,
    });
    await engine.repositories.users.update(finance.user.id, {
      name: menteeNames[1]!,
      department: 'Finance',
      careerStartYear: 2018,
    });
    menteeEmails.push(sales.user.email, finance.user.email);

    const capacities = { m1: 4, m2: 3, m3: 2, m4: 1 };
    for (const [id, capacityPerMonth] of Object.entries(capacities)) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/mentors',
        headers: { cookie: cookies.coordinator },
        payload: mentor(id, { name: `Mentor ${id}`, capacityPerMonth, yearsExperience: id === 'm2' ? 5 : 10 }),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const mentorUser = await createTestUser(app, ['mentor']);
    await engine.repositories.users.update(mentorUser.user.id, { department: 'Finance', careerStartYear: 1995 });
    await engine.repositories.users.linkMentor(mentorUser.user.id, 'm1');

    const db = engine.database.db;
    const rowId = async (externalId: string) =>
      Number(
        (await db.selectFrom('mentors').select('id').where('external_id', '=', externalId).executeTakeFirstOrThrow())
          .id,
      );
    const rows = { m1: await rowId('m1'), m2: await rowId('m2'), m3: await rowId('m3'), m4: await rowId('m4') };

    // Questions: two from Sales, one from Finance, each shown all four mentors; one in February, outside.
    const questions = [
      { user: sales.user.id, at: at(3) },
      { user: sales.user.id, at: at(4) },
      { user: finance.user.id, at: at(5) },
      { user: finance.user.id, at: new Date(Date.UTC(2025, 1, 20)) },
    ];
    for (const q of questions) {
      const { id } = await db
        .insertInto('mentee_requests')
        .values({
          text: 'a question',
          filters: JSON.stringify({}),
          config_version: null,
          created_at: q.at,
          user_id: q.user,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('served_matches')
        .values(
          Object.values(rows).map((mentorId, i) => ({
            request_id: id,
            mentor_id: mentorId,
            rank: i + 1,
            score: 1 - i / 10,
            breakdown: JSON.stringify({}),
            config_version: null,
            propensity: null,
          })),
        )
        .execute();
    }

    type Seed = [
      mentee: number,
      mentor: number,
      state: SessionState,
      answerHours: number | null,
      rating?: [number, 'yes' | 'partly' | 'no'],
    ];
    const seeds: Seed[] = [
      [sales.user.id, rows.m1, 'completed', 2, [5, 'yes']],
      [sales.user.id, rows.m1, 'completed', 4, [4, 'yes']],
      [finance.user.id, rows.m1, 'completed', 6, [3, 'partly']],
      [sales.user.id, rows.m2, 'completed', 8, [5, 'yes']],
      [finance.user.id, rows.m2, 'completed', 1, [2, 'no']],
      [sales.user.id, rows.m2, 'no_show', 3],
      [finance.user.id, rows.m3, 'declined', 5],
      [sales.user.id, rows.m3, 'expired', null],
      [sales.user.id, rows.m4, 'requested', null],
    ];
    for (const [i, [userId, mentorId, state, answerHours, rating]] of seeds.entries()) {
      const createdAt = at(10 + i);
      const { id } = await db
        .insertInto('session_requests')
        .values({
          user_id: userId,
          mentor_id: mentorId,
          request_id: null,
          note: 'a private note',
          state,
          created_at: createdAt,
          expires_at: plusHours(createdAt, 72),
          answered_at: answerHours === null ? null : plusHours(createdAt, answerHours),
          length_minutes: 30,
          slot_start: null,
          mentee_time_zone: null,
          decline_reason: null,
          cancel_reason: null,
          cancelled_by: null,
          video_link: null,
          ended_at: null,
          // What the sessions core charges an accepted session: its slot's month (none here: the acceptance's).
          capacity_month: answerHours !== null && state !== 'declined' ? '2025-03-01' : null,
          expiry_warning_sent_at: null,
          reminder_sent_at: null,
          feedback_prompt_sent_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (rating) {
        await db
          .insertInto('session_feedback')
          .values([
            {
              session_request_id: id,
              author_role: 'mentee',
              helpfulness: rating[0],
              right_person: rating[1],
              comment: 'a private comment',
            },
            // The mentor's view of the same session: not the mentee's satisfaction.
            { session_request_id: id, author_role: 'mentor', helpfulness: 1, right_person: 'no', comment: null },
          ])
          .execute();
      }
    }
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
    await stopBackend?.();
  });

  const get = (who: keyof typeof cookies, url: string) =>
    harness.app.inject({ method: 'GET', url, headers: { cookie: cookies[who] } });

  it('counts the funnel, the rates and satisfaction of the period', async () => {
    const res = await get('coordinator', MARCH);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json();
    expect(view.period).toEqual({ from: '2025-03-01', to: '2025-03-31', months: 1 });
    expect(view.departments).toEqual(expect.arrayContaining(['Finance', 'Sales']));
    expect(view.funnel).toEqual({ asked: 3, requested: 9, accepted: 6, completed: 5, rated: 5 });
    // Answered after 2, 4, 6, 8, 1, 3 and 5 hours.
    expect(view.medianHoursToAnswer).toBeCloseTo(4);
    expect(view.acceptanceRate).toBeCloseTo(6 / 8);
    expect(view.noShowRate).toBeCloseTo(1 / 6);
    expect(view.satisfaction).toEqual({
      ratings: 5,
      meanHelpfulness: 3.8,
      rightPersonYesShare: 0.6,
      withheld: false,
    });
  });

  it('counts exposure on requests and shows, and the mix of pairs', async () => {
    const view = (await get('coordinator', MARCH)).json();
    expect(view.exposure).toMatchObject({ activeMentors: 4, neverRequested: 0, neverRequestedShare: 0, servedGini: 0 });
    expect(view.exposure.requestsGini).toBeCloseTo(gini([3, 3, 2, 1]));
    // m1 (1995) is 23 and 25 years from its mentees; m2, approximated at this year less five, is not.
    const m2Start = thisYear - 5;
    const crossWithM2 = [2020, 2018, 2020].filter((y) => Math.abs(y - m2Start) >= 15).length;
    expect(view.crossGenerational).toEqual({ pairs: 6, known: 6, approximated: 3, share: (3 + crossWithM2) / 6 });
    // Only m1 names a department: two Sales pairs cross, the Finance pair does not.
    expect(view.crossDepartment).toEqual({ pairs: 6, known: 3, share: 2 / 3 });
  });

  it("measures each mentor's load against their capacity", async () => {
    const view = (await get('coordinator', MARCH)).json();
    const byId = Object.fromEntries(view.mentors.map((m: { mentorId: string }) => [m.mentorId, m]));
    expect(byId.m1).toMatchObject({
      name: 'Mentor m1',
      capacity: 4,
      served: 3,
      requested: 3,
      accepted: 3,
      completed: 3,
      capacityUsed: 0.75,
    });
    expect(byId.m2).toMatchObject({ capacity: 3, requested: 3, accepted: 3, completed: 2, capacityUsed: 1 });
    expect(byId.m3).toMatchObject({ requested: 2, accepted: 0, capacityUsed: 0 });
    expect(byId.m4).toMatchObject({ requested: 1, accepted: 0 });
  });

  it("narrows to one department's mentees and withholds means of too few ratings", async () => {
    const view = (await get('coordinator', `${MARCH}&department=Sales`)).json();
    expect(view.department).toBe('Sales');
    expect(view.funnel).toEqual({ asked: 2, requested: 6, accepted: 4, completed: 3, rated: 3 });
    expect(view.satisfaction).toEqual({ ratings: 3, meanHelpfulness: null, rightPersonYesShare: null, withheld: true });
  });

  it('names no mentee and shows none of their words', async () => {
    const body = (await get('admin', MARCH)).body;
    for (const text of [...menteeNames, ...menteeEmails, 'a private note', 'a private comment', 'a question']) {
      expect(body).not.toContain(text);
    }
  });

  it('exports the per-mentor table as CSV', async () => {
    const res = await get('coordinator', `${MARCH}&format=csv`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('programme-2025-03-01-2025-03-31.csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'mentor_id,name,active,capacity_per_month,capacity,served,requested,accepted,completed,capacity_used',
    );
    expect(lines).toContain('m1,Mentor m1,true,4,4,3,3,3,3,0.75');
    expect(lines).toHaveLength(5);
  });

  it('gives researchers the numbers without mentor names', async () => {
    const res = await get('researcher', MARCH);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().mentors.every((m: { name: string | null }) => m.name === null)).toBe(true);
    expect(res.body).not.toContain('Mentor m1');
    const csv = await get('researcher', `${MARCH}&format=csv`);
    expect(csv.body).toContain('m1,,true,4,4,3,3,3,3,0.75');
  });

  it('is not for mentees', async () => {
    expect((await get('mentee', MARCH)).statusCode).toBe(403);
  });

  it('refuses a day that does not exist and a period that ends before it starts', async () => {
    const impossible = await get('coordinator', '/api/programme?from=2025-02-30&to=2025-03-31');
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().message).toContain('from must be a day as YYYY-MM-DD');
    const backwards = await get('coordinator', '/api/programme?from=2025-03-31&to=2025-03-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().message).toContain('must be on or before');
    expect((await get('coordinator', '/api/programme?from=March')).statusCode).toBe(400);
  });
});
