import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssignmentDraftView } from '../../src/assignment/assignment-drafts.js';
import { createTestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let menteeEmail = '';
let menteeToken = '';

/** Three mentors with room for one mentee each; m-lead is everyone's best for leadership questions. */
beforeAll(async () => {
  harness = await startTestApp();
  const { app } = harness;
  const mentee = await createTestUser(app, ['mentee']);
  menteeEmail = mentee.user.email;
  menteeToken = mentee.token;
  const bodies = [
    mentor('m-lead', {
      bio: 'I lead engineering teams and coach first-time managers on leading a team and giving feedback.',
      skills: ['leadership', 'management'],
      capacityPerMonth: 1,
    }),
    mentor('m-data', {
      bio: 'I build data pipelines and analytics platforms, and teach SQL and data engineering.',
      skills: ['data engineering'],
      capacityPerMonth: 1,
    }),
    // Inactive: the matcher's hard rules keep it out of every list, however well it fits.
    mentor('m-off', {
      bio: 'I lead engineering teams and coach first-time managers on leading a team and giving feedback.',
      skills: ['leadership', 'management'],
      capacityPerMonth: 5,
      active: false,
    }),
    mentor('m-sales', {
      bio: 'I led enterprise sales teams and coach people on negotiation and sales careers.',
      skills: ['sales'],
      capacityPerMonth: 1,
    }),
  ];
  for (const body of bodies) {
    const res = await app.inject({ method: 'POST', url: '/api/mentors', payload: body });
    expect(res.statusCode, res.body).toBe(201);
  }
  // m-data's user works in Data, as mentee c does: a conflict when the programme says so.
  const dataMentor = await createTestUser(app, ['mentor']);
  await app.engine().repositories.users.update(dataMentor.user.id, { department: 'Data' });
  await app.engine().repositories.users.linkMentor(dataMentor.user.id, 'm-data');
});

afterAll(async () => {
  await harness?.close();
});

async function untilReady(id: string): Promise<AssignmentDraftView> {
  for (let i = 0; i < 200; i++) {
    const res = await harness.app.inject({ method: 'GET', url: `/api/assignments/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    const draft = res.json() as AssignmentDraftView;
    if (draft.state !== 'running') return draft;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the assignment did not finish');
}

describe('assignment API', () => {
  it('runs a cohort as a job, reviews it, re-solves with a forbid and publishes session requests', async () => {
    const { app } = harness;
    const csv = [
      'id,email,question,excluded_mentors,department,languages',
      `a,${menteeEmail},How do I lead my first team as a new manager and give feedback?,,,`,
      'b,,I want to become a better manager of people and lead a team,m-lead,,',
      'c,,How do I build data pipelines and learn SQL for analytics?,,data,',
      // Speaks only French, which no mentor does: the language rule leaves nobody.
      'd,,Comment diriger ma première équipe ?,,,fr',
      ',,,,,',
    ].join('\n');
    const started = await app.inject({
      method: 'POST',
      url: '/api/assignments',
      payload: { cohort: { format: 'csv', text: csv }, k: 3, departmentConflicts: true },
    });
    expect(started.statusCode, started.body).toBe(202);
    const draft = await untilReady((started.json() as AssignmentDraftView).id);
    expect(draft.state).toBe('ready');
    expect(draft.rowErrors).toEqual([{ row: 6, message: 'needs an id or an email' }]);
    expect(draft.totals).toMatchObject({ mentees: 4, assigned: 3, unassigned: 1 });
    expect(draft.mentees.flatMap((m) => m.mentors.map((x) => x.mentorId))).not.toContain('m-off');
    const byId = new Map(draft.mentees.map((m) => [m.menteeId, m]));
    expect(byId.get('a')!.mentors[0]).toMatchObject({ mentorId: 'm-lead', name: 'Mentor m-lead', rank: 1 });
    expect(byId.get('a')!.mentors[0]!.explanation?.factors.length).toBeGreaterThan(0);
    // b's best is m-lead, a conflict: never assigned, and said so.
    expect(byId.get('b')!.mentors[0]!.mentorId).not.toBe('m-lead');
    expect(byId.get('b')!.reason).toBe('conflict');
    expect(byId.get('d')).toMatchObject({ mentors: [], reason: 'no-candidates' });
    // c's best is m-data, of c's own department.
    expect(byId.get('c')!.mentors.map((x) => x.mentorId)).not.toContain('m-data');
    expect(byId.get('c')!.missed[0]).toMatchObject({ mentorId: 'm-data', reason: 'conflict' });

    const resolved = await app.inject({
      method: 'POST',
      url: `/api/assignments/${draft.id}/solve`,
      payload: { forbids: [{ menteeId: 'a', mentorId: 'm-lead' }] },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const again = resolved.json() as AssignmentDraftView;
    const a = again.mentees.find((m) => m.menteeId === 'a')!;
    expect(a.mentors.map((x) => x.mentorId)).not.toContain('m-lead');
    expect(a.reason).toBe('forbidden');

    const published = await app.inject({ method: 'POST', url: `/api/assignments/${draft.id}/publish` });
    expect(published.statusCode, published.body).toBe(200);
    const pairs = (published.json() as AssignmentDraftView).published!.pairs;
    expect(pairs.find((p) => p.menteeId === 'a')).toMatchObject({ problem: null });
    expect(pairs.find((p) => p.menteeId === 'a')!.sessionRequestId).toBeGreaterThan(0);
    expect(pairs.filter((p) => p.menteeId !== 'a').every((p) => p.problem === 'NO_ACCOUNT')).toBe(true);

    expect(pairs.length).toBe(3);

    const twice = await app.inject({ method: 'POST', url: `/api/assignments/${draft.id}/publish` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'ASSIGNMENT_PUBLISHED' });
  });

  it('takes a cohort file larger than the 1 MiB of other JSON bodies', async () => {
    // 12,000 rows without a question (ids of 120 characters: 1.5 MB) and one that can be assigned.
    const rows = Array.from({ length: 12_000 }, (_, i) => `${String(i).padStart(120, 'x')},`);
    const text = ['id,question', ...rows, 'z,How do I lead a team?'].join('\n');
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const res = await harness.app.inject({
      method: 'POST',
      url: '/api/assignments',
      payload: { cohort: { format: 'csv', text } },
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
    const draft = await untilReady((res.json() as AssignmentDraftView).id);
    expect(draft.totals).toMatchObject({ mentees: 1 });
    expect(draft.rowErrors).toHaveLength(100);
  });

  it("assigns mentees' open questions, their texts hidden unless an admin allows, and sends each with its question", async () => {
    const { app } = harness;
    const asked = await app.inject({
      method: 'POST',
      url: '/api/match',
      headers: { authorization: `Bearer ${menteeToken}` },
      payload: { text: 'How do I sell to enterprise customers and negotiate a deal?', k: 3 },
    });
    expect(asked.statusCode, asked.body).toBe(200);
    const questionId = (asked.json() as { requestId: number }).requestId;
    const started = await app.inject({
      method: 'POST',
      url: '/api/assignments',
      payload: { openQuestions: { days: 7 }, k: 3 },
    });
    expect(started.statusCode, started.body).toBe(202);
    const draft = await untilReady((started.json() as AssignmentDraftView).id);
    expect(draft.source).toBe('open-questions');
    const mine = draft.mentees.find((m) => m.menteeId === menteeEmail)!;
    expect(mine.question).toBeNull();
    expect(mine.mentors).toHaveLength(1);
    const published = await app.inject({ method: 'POST', url: `/api/assignments/${draft.id}/publish` });
    const pair = (published.json() as AssignmentDraftView).published!.pairs.find((p) => p.menteeId === menteeEmail)!;
    const request = await app
      .engine()
      .database.db.selectFrom('session_requests')
      .select('request_id')
      .where('id', '=', pair.sessionRequestId!)
      .executeTakeFirstOrThrow();
    expect(Number(request.request_id)).toBe(questionId);

    const both = await app.inject({
      method: 'POST',
      url: '/api/assignments',
      payload: { openQuestions: { days: 7 }, cohort: { format: 'csv', text: 'id,question\na,q' } },
    });
    expect(both.statusCode).toBe(400);
  });

  it('refuses a file with no usable row, an unknown draft, and mentees', async () => {
    const { app } = harness;
    const empty = await app.inject({
      method: 'POST',
      url: '/api/assignments',
      payload: { cohort: { format: 'jsonl', text: '{"id":"x"}' } },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toContain('mentee x has no question');
    const missing = await app.inject({ method: 'GET', url: '/api/assignments/00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ASSIGNMENT_NOT_FOUND' });
    const asMentee = await app.inject({
      method: 'POST',
      url: '/api/assignments',
      headers: { authorization: `Bearer ${menteeToken}` },
      payload: { cohort: { format: 'jsonl', text: '{"id":"x","question":"q"}' } },
    });
    expect(asMentee.statusCode).toBe(403);
  });
});
