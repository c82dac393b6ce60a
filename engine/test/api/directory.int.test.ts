import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, sessionCookieFor } from '../../../test/support/auth-helpers.js';
import { bulkMentor, mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let mentee = '';
let mentorEmail = '';

const WORDS = 'negotiate a salary offer and compensation';

/**
 * Thirty mentors of varied topics (bulkMentor), plus two whose profiles the filters tell apart: d-1 speaks German,
 * knows Python, is linked to a Finance user and available on every weekday; d-2 is away for a month.
 */
beforeAll(async () => {
  harness = await startTestApp({ signedIn: false });
  const { app } = harness;
  const engine = app.engine();
  const coordinator = await sessionCookieFor(app, (await createTestUser(app, ['coordinator'])).user.id);
  mentee = await sessionCookieFor(app, (await createTestUser(app, ['mentee'])).user.id);
  const bodies = [
    ...Array.from({ length: 30 }, (_, i) => bulkMentor(i, 'dir')),
    mentor('d-1', {
      name: 'Dana Finance',
      skills: ['Python data pipelines', 'salary negotiation'],
      languages: ['en', 'de'],
      bio: 'I negotiated salary offers for my teams and help people with compensation questions.',
    }),
    mentor('d-2', { name: 'Away Mentor', skills: ['salary negotiation'] }),
    mentor('d-3', { name: 'Inactive Mentor', active: false }),
  ];
  for (const body of bodies) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/mentors',
      headers: { cookie: coordinator },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  const mentorUser = await createTestUser(app, ['mentor']);
  mentorEmail = mentorUser.user.email;
  await engine.repositories.users.update(mentorUser.user.id, { department: 'Finance' });
  await engine.repositories.users.linkMentor(mentorUser.user.id, 'd-1');

  const db = engine.database.db;
  const rowOf = async (id: string) =>
    Number((await db.selectFrom('mentors').select('id').where('external_id', '=', id).executeTakeFirstOrThrow()).id);
  const today = new Date();
  const inAMonth = new Date(today.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  for (const [id, awayUntil] of [
    ['d-1', null],
    ['d-2', inAMonth],
  ] as const) {
    const mentorId = await rowOf(id);
    await db
      .insertInto('mentor_schedules')
      .values({ mentor_id: mentorId, time_zone: 'Europe/Berlin', away_until: awayUntil, video_link: null })
      .execute();
    await db
      .insertInto('mentor_availability')
      .values(
        [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ mentor_id: mentorId, weekday, start_minute: 540, end_minute: 600 })),
      )
      .execute();
  }
});
afterAll(() => harness?.close());

const browse = (query: string, cookie: string | null = mentee) =>
  harness.app.inject({ method: 'GET', url: `/api/directory${query}`, headers: cookie ? { cookie } : {} });

type Entry = { id: string; score: number | null; department: string | null; availableThisWeek: boolean };
const ids = (items: Entry[]) => items.map((e) => e.id);

describe('GET /api/directory', () => {
  it('ranks the words as /match ranks the same question', async () => {
    // The directory first: /match records what it showed, which the fairness factor reads next time.
    const res = await browse(`?q=${encodeURIComponent(WORDS)}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    const match = await harness.app.inject({
      method: 'POST',
      url: '/api/match',
      headers: { cookie: mentee },
      payload: { text: WORDS, k: 50 },
    });
    expect(match.statusCode, match.body).toBe(200);
    const matched = match.json().matches as Array<{ mentor: { id: string }; score: number }>;
    expect(page.total).toBe(matched.length);
    expect(ids(page.items)).toEqual(matched.slice(0, 20).map((m) => m.mentor.id));
    expect(page.items.map((e: Entry) => e.score)).toEqual(matched.slice(0, 20).map((m) => m.score));
    expect(ids(page.items)).toContain('d-1');
  });

  it('keeps the order of the words among the mentors the filters leave', async () => {
    const all = (await browse(`?q=${encodeURIComponent(WORDS)}`)).json();
    const german = (await browse(`?q=${encodeURIComponent(WORDS)}&language=de`)).json();
    expect(ids(german.items)).toEqual(['d-1']);
    const skill = (await browse(`?q=${encodeURIComponent(WORDS)}&skill=SALARY`)).json();
    const expected = ids(all.items).filter((id) => id === 'd-1' || id === 'd-2');
    expect(ids(skill.items)).toEqual(expected);
  });

  it('lists mentors by name without words, filtered by skill, department, language and availability', async () => {
    const first = (await browse('')).json();
    // Thirty-two active mentors, by name, twenty a page; the inactive one never.
    expect(first).toMatchObject({ total: 32, page: 1, pageSize: 20 });
    const names = first.items.map((e: { name: string }) => e.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b, 'en')));
    const second = (await browse('?page=2')).json();
    expect(second.items).toHaveLength(12);
    expect([...ids(first.items), ...ids(second.items)]).not.toContain('d-3');

    expect(ids((await browse('?skill=python')).json().items)).toEqual(['d-1']);
    expect(ids((await browse('?department=finance')).json().items)).toEqual(['d-1']);
    expect(ids((await browse('?language=de')).json().items)).toEqual(['d-1']);
    const available = (await browse('?availableThisWeek=true')).json();
    expect(ids(available.items)).toEqual(['d-1']);
    expect(available.items[0]).toMatchObject({ department: 'Finance', availableThisWeek: true, score: null });
    expect((await browse('?skill=salary&availableThisWeek=true&language=en')).json().total).toBe(1);
  });

  it('shows only the public part of a profile, never an email', async () => {
    const res = await browse('?skill=python');
    expect(Object.keys(res.json().items[0]).sort()).toEqual(
      ['availableThisWeek', 'department', 'headline', 'id', 'languages', 'name', 'score', 'skills', 'timezone'].sort(),
    );
    expect(res.body).not.toContain(mentorEmail);
    expect(res.body).not.toContain('negotiated salary offers');
  });

  it('is for signed-in users only, and says what a bad filter should be', async () => {
    expect((await browse('', null)).statusCode).toBe(401);
    const bad = await browse('?language=German');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('language');
  });
});
