import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { createTestUser } from '../../../test/support/auth-helpers.js';

let harness: TestApp;
let app: FastifyInstance;

const QUESTION = 'How do I negotiate a better salary offer?';

type Factor = { name: string; value: number };
type Match = {
  mentor: { id: string };
  explanation: { factors: Factor[]; reasons: string[]; reasonFactors: string[] };
};

async function ask(): Promise<{ requestId: number; matches: Match[] }> {
  const res = await app.inject({ method: 'POST', url: '/api/match', payload: { text: QUESTION, k: 3 } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const factor = (m: Match, name: string) => m.explanation.factors.find((f) => f.name === name)!.value;

beforeAll(async () => {
  harness = await startTestApp();
  app = harness.app;
  for (const id of ['alma', 'bruno', 'chen']) {
    const body = mentor(id, {
      name: `Secret Name ${id}`,
      bio: `I negotiated salary offers for years as a recruiter (${id}) and coach people through negotiation.`,
    });
    expect((await app.inject({ method: 'POST', url: '/api/mentors', payload: body })).statusCode).toBe(201);
  }
});

afterAll(() => harness?.close());

describe('outcomes the ranker learns from', () => {
  it("shows a mentor's rating in the next match after a completed, rated session, and logs what followed", async () => {
    const first = await ask();
    expect(first.matches).toHaveLength(3);
    // Nobody has a record: every mentor gets the programme's (neutral) mean, and no reason mentions it.
    const before = first.matches.map((m) => factor(m, 'helpfulness'));
    expect(new Set(before).size).toBe(1);
    for (const m of first.matches) expect(m.explanation.reasonFactors).not.toContain('helpfulness');

    const rated = first.matches[2]!.mentor.id;
    const requested = await app.inject({
      method: 'POST',
      url: '/api/session-requests',
      payload: { mentorId: rated, requestId: first.requestId },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const sessionId: number = requested.json().id;
    // The mentor accepts and marks it done (no slot: arranged outside the product), the mentee rates it.
    const mentorUser = await createTestUser(app, ['mentor']);
    await app.engine().repositories.users.linkMentor(mentorUser.user.id, rated);
    const asMentor = { authorization: `Bearer ${mentorUser.token}` };
    for (const step of ['accept', 'complete']) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/session-requests/${sessionId}/${step}`,
        headers: asMentor,
        payload: {},
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const feedback = await app.inject({
      method: 'POST',
      url: `/api/session-requests/${sessionId}/feedback`,
      payload: { helpfulness: 5, rightPerson: 'yes', comment: 'A private comment' },
    });
    expect(feedback.statusCode, feedback.body).toBe(201);

    const second = await ask();
    const top = second.matches.find((m) => m.mentor.id === rated)!;
    const others = second.matches.filter((m) => m.mentor.id !== rated);
    expect(factor(top, 'helpfulness')).toBeGreaterThan(factor(others[0]!, 'helpfulness'));
    expect(top.explanation.reasonFactors).toContain('helpfulness');
    expect(top.explanation.reasons.join(' ')).toContain('Rated 5/5 over 1 session');
    expect(top.explanation.reasons.join(' ')).toContain('answered 1 of 1 request in time, typically within 1 minute');
    for (const m of others) expect(m.explanation.reasons.join(' ')).not.toMatch(/rated|in time/i);

    await app.engine().matcher.flushRequests();
    const log = await app.inject({ method: 'GET', url: '/api/evaluation/outcomes' });
    expect(log.statusCode, log.body).toBe(200);
    const { items, nextAfter } = log.json();
    expect(nextAfter).toBeNull();
    expect(items).toHaveLength(6);
    const row = items.find((r: { requestId: number; rank: number }) => r.requestId === first.requestId && r.rank === 3);
    expect(row).toMatchObject({ requested: true, state: 'completed', helpfulness: 5, rightPerson: 'yes' });
    expect(row.mentee).toMatch(/^user-[0-9a-f]{12}$/);
    expect(row.mentor).toMatch(/^mentor-[0-9a-f]{12}$/);
    expect(row.factors.helpfulness).toBe(before[2]);
    expect(items.filter((r: { requested: boolean }) => r.requested)).toHaveLength(1);
    // No text and no names: not the question, the comment, a mentor's name or id, nor the mentee's email.
    for (const secret of [QUESTION, 'private comment', 'Secret Name', rated, harness.harnessUser!.user.email])
      expect(log.body).not.toContain(secret);

    const page = await app.inject({ method: 'GET', url: '/api/evaluation/outcomes?limit=1' });
    expect(page.json().items).toHaveLength(3);
    expect(page.json().nextAfter).toBe(first.requestId);

    const csv = await app.inject({ method: 'GET', url: '/api/evaluation/outcomes?format=csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines).toHaveLength(7);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 4)).toEqual(['request_id', 'asked_at', 'mentee', 'mentor']);
    const cells = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    expect(cells.filter((c) => c.state === 'completed')).toEqual([
      expect.objectContaining({ rank: '3', requested: 'true', helpfulness: '5', right_person: 'yes' }),
    ]);
  });

  it('is for researchers, coordinators and admins only', async () => {
    const mentee = await createTestUser(app, ['mentee']);
    const res = await app.inject({
      method: 'GET',
      url: '/api/evaluation/outcomes',
      headers: { authorization: `Bearer ${mentee.token}` },
    });
    expect(res.statusCode).toBe(403);
    const researcher = await createTestUser(app, ['researcher']);
    const ok = await app.inject({
      method: 'GET',
      url: '/api/evaluation/outcomes',
      headers: { authorization: `Bearer ${researcher.token}` },
    });
    expect(ok.statusCode).toBe(200);
  });

  it("estimates a configuration's requests per question from the log", async () => {
    await app.engine().matcher.flushRequests();
    const res = await app.inject({ method: 'GET', url: '/api/evaluation/off-policy?config=active' });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    // Two questions, three mentors shown each (all there are, so each surely: propensity 1), one request.
    expect(report).toMatchObject({ questions: 2, impressions: 6, skipped: 0, observed: 0.5, support: 1 });
    // The active configuration again shows all three: the estimate is what was observed.
    expect(report.estimate.value).toBeCloseTo(0.5, 10);
    expect(res.body).not.toContain(QUESTION);

    expect((await app.inject({ method: 'GET', url: '/api/evaluation/off-policy?config=999' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/evaluation/off-policy?config=next' })).statusCode).toBe(400);
  });
});
