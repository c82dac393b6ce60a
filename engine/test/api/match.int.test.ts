import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mentor, startTestApp, type MentorBody, type TestApp } from '../../../test/support/app-harness.js';
import { createTestUser } from '../../../test/support/auth-helpers.js';

let harness: TestApp;
let app: FastifyInstance;

const seed: MentorBody[] = [
  mentor('neg', {
    headline: 'Compensation consultant',
    bio: 'I spent twelve years as a recruiter. I negotiated hundreds of salary offers and compensation packages. I teach people how to negotiate a raise.',
    skills: ['negotiation', 'compensation'],
    languages: ['en', 'es'],
  }),
  mentor('neg-es', {
    headline: 'HR director',
    bio: 'As an HR director I set salary bands. Candidates who negotiate their salary offer well get better compensation.',
    skills: ['negotiation'],
    languages: ['es'],
    timezone: 'America/Mexico_City',
  }),
  mentor('neg-off', {
    headline: 'Retired negotiator',
    bio: 'I negotiated salary offers and compensation for thirty years and now I am retired.',
    skills: ['negotiation'],
    active: false,
  }),
  mentor('data', {
    headline: 'Data engineer',
    bio: 'I build data pipelines with Python and Spark. I moved from physics into data engineering.',
    skills: ['python', 'data'],
  }),
  mentor('nurse', {
    headline: 'Nurse manager',
    bio: 'Twenty years on hospital wards. I moved from nursing into health informatics.',
    skills: ['healthcare'],
    languages: ['de', 'en'],
  }),
  mentor('design', {
    headline: 'Product designer',
    bio: 'I design mobile apps and run user research. Portfolio reviews are my favourite.',
    skills: ['design'],
    languages: ['fr'],
  }),
  mentor('founder', {
    headline: 'Founder',
    bio: 'I founded two startups and raised seed funding. I can help you pitch investors.',
    skills: ['fundraising'],
    capacityPerMonth: 0,
  }),
];

beforeAll(async () => {
  harness = await startTestApp();
  app = harness.app;
  for (const m of seed)
    expect((await app.inject({ method: 'POST', url: '/api/mentors', payload: m })).statusCode).toBe(201);
  // These tests read question texts back as a coordinator, which an admin must allow (privacy.int.test.ts).
  const privacy = { coordinatorsSeeQuestionTexts: true };
  expect((await app.inject({ method: 'PATCH', url: '/api/settings/privacy', payload: privacy })).statusCode).toBe(200);
});
afterAll(() => harness?.close());

interface MatchDto {
  rank: number;
  score: number;
  mentor: MentorBody;
  explanation: {
    factors: Array<{ name: string; value: number; weight: number; contribution: number }>;
    evidence: Array<{ kind: string; text: string; start: number; end: number; similarity: number }>;
    terms: Array<{
      term: string;
      field: string;
      mentorStart: number;
      mentorEnd: number;
      questionStart: number;
      questionEnd: number;
    }>;
    reasons: string[];
  };
}

async function match(body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/match', payload: { k: 10, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    requestId: number;
    configVersion: number;
    candidates: number;
    eligible: number;
    matches: MatchDto[];
  };
}

const salary = 'How do I negotiate my salary offer and compensation?';

describe('ranking and explanations', () => {
  it('ranks the negotiation mentors first, with ranks 1..n and non-increasing scores', async () => {
    const r = await match({ text: salary });
    expect(r.matches.length).toBeGreaterThan(2);
    expect(r.matches[0]!.mentor.id).toBe('neg');
    expect(r.matches.map((m) => m.rank)).toEqual(r.matches.map((_, i) => i + 1));
    for (let i = 1; i < r.matches.length; i++) expect(r.matches[i]!.score).toBeLessThanOrEqual(r.matches[i - 1]!.score);
    expect(r.eligible).toBeLessThanOrEqual(r.candidates);
  });

  it('factor contributions add up to the score; evidence and terms point into the mentor text', async () => {
    const r = await match({ text: salary, filters: { languages: ['en', 'es'], timezone: 'Europe/Madrid' } });
    for (const m of r.matches) {
      const sum = m.explanation.factors.reduce((s, f) => s + f.contribution, 0);
      expect(sum).toBeCloseTo(m.score, 9);
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
      const weights = m.explanation.factors.reduce((s, f) => s + f.weight, 0);
      for (const f of m.explanation.factors) expect(f.contribution).toBeCloseTo((f.value * f.weight) / weights, 9);
      for (const e of m.explanation.evidence) expect(m.mentor.bio.slice(e.start, e.end)).toBe(e.text);
      for (const t of m.explanation.terms) {
        expect(t.questionEnd).toBeGreaterThan(t.questionStart);
        if (t.field === 'bio') expect(m.mentor.bio.slice(t.mentorStart, t.mentorEnd).length).toBeGreaterThan(0);
        if (t.field === 'headline')
          expect(m.mentor.headline!.slice(t.mentorStart, t.mentorEnd).length).toBeGreaterThan(0);
      }
    }
    const top = r.matches[0]!;
    expect(top.explanation.evidence.length).toBeGreaterThan(0);
    expect(top.explanation.terms.map((t) => t.term.toLowerCase()).join(' ')).toMatch(/negotiat|salary|compensation/);
  });
});

describe('skills vocabulary', () => {
  it('recognises a skill from the write that adds it; once its mentor drops it, nobody is credited with it', async () => {
    const question = 'Who can review my Terraform modules?';
    const terraform = (r: Awaited<ReturnType<typeof match>>) =>
      r.matches.flatMap((m) =>
        (
          m.explanation as MatchDto['explanation'] & { skills: Array<{ mentorSkill: string; questionStart: number }> }
        ).skills.map((s) => ({ id: m.mentor.id, ...s })),
      );
    expect(terraform(await match({ text: question }))).toEqual([]);

    const patch = (skills: string[]) => app.inject({ method: 'PATCH', url: '/api/mentors/data', payload: { skills } });
    expect((await patch(['python', 'data', 'Terraform'])).statusCode).toBe(200);
    expect(terraform(await match({ text: question }))).toEqual([
      expect.objectContaining({ id: 'data', mentorSkill: 'Terraform', questionStart: question.indexOf('Terraform') }),
    ]);

    expect((await patch(['python', 'data'])).statusCode).toBe(200);
    expect(terraform(await match({ text: question }))).toEqual([]);
  });
});

describe('hard rules', () => {
  it('inactive mentors are never returned', async () => {
    const r = await match({ text: 'retired negotiator thirty years salary offers', k: 50 });
    expect(r.matches.map((m) => m.mentor.id)).not.toContain('neg-off');
  });

  it('the mentee languages filter keeps only mentors sharing a language', async () => {
    const r = await match({ text: salary, k: 50, filters: { languages: ['es'] } });
    const ids = r.matches.map((m) => m.mentor.id);
    expect(ids.sort()).toEqual(['neg', 'neg-es']);
    const fr = await match({ text: salary, k: 50, filters: { languages: ['fr'] } });
    expect(fr.matches.map((m) => m.mentor.id)).toEqual(['design']);
    const none = await match({ text: salary, k: 50, filters: { languages: ['ja'] } });
    expect(none.matches).toEqual([]);
  });

  it('required languages must all be spoken', async () => {
    const r = await match({ text: salary, k: 50, filters: { requiredLanguages: ['en', 'es'] } });
    expect(r.matches.map((m) => m.mentor.id)).toEqual(['neg']);
  });

  it('excluded ids are never proposed', async () => {
    const r = await match({ text: salary, k: 50, exclude: ['neg', 'nobody-anyway'] });
    const ids = r.matches.map((m) => m.mentor.id);
    expect(ids).not.toContain('neg');
    expect(ids[0]).toBe('neg-es');
  });

  it('a mentor with no capacity left is filtered by minCapacity', async () => {
    const all = await match({ text: 'pitch investors seed funding startups', k: 50 });
    const ids = all.matches.map((m) => m.mentor.id);
    const withCapacity = await match({
      text: 'pitch investors seed funding startups',
      k: 50,
      filters: { minCapacity: 1 },
    });
    expect(withCapacity.matches.map((m) => m.mentor.id)).not.toContain('founder');
    // The default rules already require capacity; either way, the zero-capacity founder is never proposed.
    expect(ids.includes('founder')).toBe(false);
  });

  it('k caps the number of matches', async () => {
    expect((await match({ text: salary, k: 1 })).matches).toHaveLength(1);
  });
});

describe('configurations', () => {
  /** The Authorization header of a new coordinator with this email: the history records who made each change. */
  const as = async (email: string) => ({
    authorization: `Bearer ${(await createTestUser(app, ['coordinator'], email)).token}`,
  });

  it('activating a version changes configVersion in /api/match; rollback makes a new active version', async () => {
    const [tester, editor, boss] = await Promise.all(['tester', 'editor', 'boss'].map((n) => as(`${n}@example.org`)));
    const before = await match({ text: salary });
    const active = (await app.inject({ method: 'GET', url: '/api/configs/active' })).json();
    expect(before.configVersion).toBe(active.version);
    expect(active.factors).toContain('semantic');

    const draft = await app.inject({
      method: 'POST',
      url: '/api/configs',
      headers: tester,
      payload: { name: 'lexical only', weights: { lexical: 1 }, basedOn: active.version, note: 'test' },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const version = draft.json().version;
    expect(draft.json()).toMatchObject({ status: 'draft', createdBy: 'tester@example.org', basedOn: active.version });
    expect((await match({ text: salary })).configVersion).toBe(active.version);

    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/configs/${version}`,
      headers: editor,
      payload: { weights: { lexical: 1, skills: 1 } },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ updatedBy: 'editor@example.org', weights: { lexical: 1, skills: 1 } });

    const activated = await app.inject({
      method: 'POST',
      url: `/api/configs/${version}/activate`,
      headers: boss,
    });
    expect(activated.statusCode, activated.body).toBe(200);
    expect(activated.json()).toMatchObject({ status: 'active', activatedBy: 'boss@example.org' });
    const after = await match({ text: salary });
    expect(after.configVersion).toBe(version);
    for (const f of after.matches[0]!.explanation.factors) {
      if (!['lexical', 'skills'].includes(f.name)) expect(f.contribution).toBe(0);
    }
    expect((await app.inject({ method: 'GET', url: `/api/configs/${active.version}` })).json().status).toBe('archived');

    const rolled = await app.inject({
      method: 'POST',
      url: `/api/configs/${active.version}/rollback`,
      headers: boss,
    });
    expect(rolled.statusCode, rolled.body).toBe(200);
    const rolledVersion = rolled.json().version;
    expect(rolledVersion).toBeGreaterThan(version);
    expect(rolled.json()).toMatchObject({ status: 'active', weights: active.weights });
    expect((await match({ text: salary })).configVersion).toBe(rolledVersion);

    const list = (await app.inject({ method: 'GET', url: '/api/configs' })).json() as Array<{
      version: number;
      status: string;
    }>;
    expect(list.filter((c) => c.status === 'active').map((c) => c.version)).toEqual([rolledVersion]);
  });

  it('edits of a draft write only what they name: two at once both land, and the history says what each changed', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/configs',
      payload: { name: 'edited twice', weights: { semantic: 1 } },
    });
    const version = created.json().version;
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => as(`${n}@example.org`)));
    const [weights, rules] = await Promise.all([
      app.inject({
        method: 'PATCH',
        url: `/api/configs/${version}`,
        headers: a,
        payload: { weights: { semantic: 1, lexical: 0.5 } },
      }),
      app.inject({
        method: 'PATCH',
        url: `/api/configs/${version}`,
        headers: b,
        payload: { rules: { fairnessTolerance: 3 } },
      }),
    ]);
    expect([weights.statusCode, rules.statusCode]).toEqual([200, 200]);
    await app.inject({ method: 'PATCH', url: `/api/configs/${version}`, headers: c, payload: { name: 'renamed' } });
    const stored = (await app.inject({ method: 'GET', url: `/api/configs/${version}` })).json();
    expect(stored).toMatchObject({
      name: 'renamed',
      weights: { semantic: 1, lexical: 0.5 },
      rules: { fairnessTolerance: 3 },
    });
    const listed = (await app.inject({ method: 'GET', url: '/api/configs' })).json() as Array<{
      version: number;
      events: Array<{ action: string; actor: string; detail: { changed: string[] } }>;
    }>;
    const edits = listed.find((c) => c.version === version)!.events.filter((e) => e.action === 'edited');
    // The two concurrent edits may land in either order.
    expect(edits.map((e) => [e.actor, e.detail.changed]).sort()).toEqual([
      ['a@example.org', ['weights']],
      ['b@example.org', ['rules']],
      ['c@example.org', ['name']],
    ]);
  });

  it('preview answers both rankings and their diff, and records nothing', async () => {
    const recentBefore = (await app.inject({ method: 'GET', url: '/api/requests/recent?limit=100' })).json().length;
    const res = await app.inject({
      method: 'POST',
      url: '/api/match/preview',
      payload: { text: salary, k: 5, draft: { weights: { fairness: 1 } } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.draft.configVersion).toBeNull();
    expect(body.active.matches.length).toBeGreaterThan(0);
    const ids = new Set([...body.active.matches, ...body.draft.matches].map((m: MatchDto) => m.mentor.id));
    expect(new Set(body.diff.entries.map((e: { externalId: string }) => e.externalId))).toEqual(ids);
    for (const e of body.diff.entries) {
      const activeRank = body.active.matches.find((m: MatchDto) => m.mentor.id === e.externalId)?.rank ?? null;
      expect(e.activeRank).toBe(activeRank);
      if (e.activeRank === null) expect(e.change).toBe('new');
      else if (e.draftRank === null) expect(e.change).toBe('dropped');
      else expect(e.change).toBe(e.draftRank < e.activeRank ? 'up' : e.draftRank > e.activeRank ? 'down' : 'unchanged');
    }
    const total = Object.values(body.diff.summary as Record<string, number>).reduce((s, n) => s + n, 0);
    expect(total).toBe(body.diff.entries.length);

    const stored = await app.inject({
      method: 'POST',
      url: '/api/match/preview',
      payload: { text: salary, k: 5, draftVersion: 1 },
    });
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json().draft.configVersion).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/api/requests/recent?limit=100' })).json().length).toBe(
      recentBefore,
    );
  });
});

describe('requests and sessions', () => {
  it('records served matches and accepts a session request for a proposed mentor', async () => {
    const text = 'Unique question about negotiating a compensation package 7f3a';
    const r = await match({ text, k: 3 });
    expect(r.requestId).toBeGreaterThan(0);

    const recent = (await app.inject({ method: 'GET', url: '/api/requests/recent?limit=5' })).json();
    expect(recent[0]).toMatchObject({ id: r.requestId, text, configVersion: r.configVersion });
    expect(Number.isNaN(Date.parse(recent[0].createdAt))).toBe(false);

    const served = await app
      .engine()
      .database.db.selectFrom('served_matches')
      .select(['rank', 'score', 'config_version', 'propensity'])
      .where('request_id', '=', r.requestId)
      .orderBy('rank')
      .execute();
    expect(served.map((s) => s.rank)).toEqual(r.matches.map((m) => m.rank));
    // Each served mentor's probability of being shown (exploration among near-ties) is logged.
    for (const s of served) {
      expect(s.propensity).toBeGreaterThan(0);
      expect(s.propensity).toBeLessThanOrEqual(1);
    }
    expect(served.map((s) => s.score)).toEqual(r.matches.map((m) => m.score));
    expect(served.every((s) => s.config_version === r.configVersion)).toBe(true);

    const session = await app.inject({
      method: 'POST',
      url: '/api/session-requests',
      payload: { mentorId: r.matches[0]!.mentor.id, requestId: r.requestId, note: 'Thanks!' },
    });
    expect(session.statusCode, session.body).toBe(201);
    expect(session.json().id).toBeGreaterThan(0);
    const bare = await app.inject({ method: 'POST', url: '/api/session-requests', payload: { mentorId: 'data' } });
    expect(bare.statusCode).toBe(201);
  });

  it('recent requests honour the limit', async () => {
    for (let i = 0; i < 3; i++) await match({ text: `question ${i}`, k: 1 });
    const recent = (await app.inject({ method: 'GET', url: '/api/requests/recent?limit=2' })).json();
    expect(recent).toHaveLength(2);
    expect(recent[0].text).toBe('question 2');
  });
});
