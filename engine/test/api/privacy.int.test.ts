import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.js';
import { createTestUser, sessionCookieFor } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
const cookies: Record<'mentee' | 'otherMentee' | 'coordinator' | 'admin' | 'researcher', string> = {
  researcher: '',
  mentee: '',
  otherMentee: '',
  coordinator: '',
  admin: '',
};
let menteeId: number;
let coordinatorEmail: string;

beforeAll(async () => {
  harness = await startTestApp({ signedIn: false, env: { ANONYMOUS_QUESTIONS: 'true' } });
  const { app } = harness;
  const admin = await createTestUser(app, ['admin']);
  const coordinator = await createTestUser(app, ['coordinator']);
  const mentee = await createTestUser(app, ['mentee']);
  const otherMentee = await createTestUser(app, ['mentee']);
  menteeId = mentee.user.id;
  coordinatorEmail = coordinator.user.email;
  cookies.researcher = await sessionCookieFor(app, (await createTestUser(app, ['researcher'])).user.id);
  cookies.admin = await sessionCookieFor(app, admin.user.id);
  cookies.coordinator = await sessionCookieFor(app, coordinator.user.id);
  cookies.mentee = await sessionCookieFor(app, mentee.user.id);
  cookies.otherMentee = await sessionCookieFor(app, otherMentee.user.id);
  for (const id of ['p-1', 'p-2', 'p-3']) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/mentors',
      headers: { cookie: cookies.coordinator },
      payload: mentor(id),
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(() => harness?.close());

const as = (who: keyof typeof cookies | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  harness.app.inject({
    method,
    url,
    headers: who === null ? {} : { cookie: cookies[who] },
    ...(payload ? { payload } : {}),
  });

const askedBy = async (requestId: number) => {
  const row = await harness.app
    .engine()
    .database.db.selectFrom('mentee_requests')
    .select('user_id')
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
  return row.user_id === null ? null : Number(row.user_id);
};

describe('question texts', () => {
  let menteeRequest: number;

  it('records who asked a question when signed in, and nobody when asked anonymously', async () => {
    const mine = await as('mentee', 'POST', '/api/match', { text: 'I want to lead a team of engineers', k: 2 });
    expect(mine.statusCode, mine.body).toBe(200);
    menteeRequest = mine.json().requestId;
    const anonymous = await as(null, 'POST', '/api/match', { text: 'How do I negotiate a raise?', k: 2 });
    expect(anonymous.statusCode, anonymous.body).toBe(200);
    // Reading requests back writes the ones still queued (RequestLog).
    await harness.app.engine().matcher.recentRequests(1);
    expect(await askedBy(menteeRequest)).toBe(menteeId);
    expect(await askedBy(anonymous.json().requestId)).toBeNull();
  });

  it('lets a mentee send only their own question to a mentor', async () => {
    const theirs = await as('otherMentee', 'POST', '/api/session-requests', {
      mentorId: 'p-1',
      requestId: menteeRequest,
      note: 'hello',
    });
    expect(theirs.statusCode, theirs.body).toBe(404);
    expect(theirs.json().code).toBe('REQUEST_NOT_FOUND');
    const own = await as('mentee', 'POST', '/api/session-requests', { mentorId: 'p-1', requestId: menteeRequest });
    expect(own.statusCode, own.body).toBe(201);
    const row = await harness.app
      .engine()
      .database.db.selectFrom('session_requests')
      .select(['user_id', 'request_id'])
      .where('id', '=', own.json().id)
      .executeTakeFirstOrThrow();
    expect([Number(row.user_id), Number(row.request_id)]).toEqual([menteeId, menteeRequest]);
  });

  it('shows a mentor the question only of the requests sent to them', async () => {
    const { app } = harness;
    const linked = async (mentorId: string) => {
      const user = await createTestUser(app, ['mentor']);
      await app.engine().repositories.users.linkMentor(user.user.id, mentorId);
      return sessionCookieFor(app, user.user.id);
    };
    const sentTo = await linked('p-1');
    const other = await linked('p-2');
    const mine = await harness.app.inject({
      method: 'GET',
      url: '/api/me/session-requests',
      headers: { cookie: sentTo },
    });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items).toEqual([
      expect.objectContaining({ requestId: menteeRequest, question: 'I want to lead a team of engineers', note: null }),
    ]);
    expect(mine.body).not.toContain('negotiate a raise');
    const theirs = await harness.app.inject({
      method: 'GET',
      url: '/api/me/session-requests',
      headers: { cookie: other },
    });
    expect(theirs.json().items).toEqual([]);
    // Mentees and coordinators have no such list.
    expect((await as('mentee', 'GET', '/api/me/session-requests')).statusCode).toBe(403);
    expect((await as('coordinator', 'GET', '/api/me/session-requests')).statusCode).toBe(403);
  });

  it("hides the recent questions' texts from coordinators until an admin allows them; the change is audited", async () => {
    const hidden = await as('coordinator', 'GET', '/api/requests/recent?limit=10');
    expect(hidden.statusCode, hidden.body).toBe(200);
    const items = hidden.json() as Array<{ id: number; text: string | null }>;
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.every((r) => r.text === null)).toBe(true);
    expect(hidden.body).not.toContain('lead a team');

    // The preview works on a question the coordinator types.
    const preview = await as('coordinator', 'POST', '/api/match/preview', {
      text: 'moving into management',
      k: 2,
      draft: { weights: { semantic: 1 } },
    });
    expect(preview.statusCode, preview.body).toBe(200);

    // Only admins read or change the setting, and only its known fields.
    expect((await as('coordinator', 'GET', '/api/settings/privacy')).statusCode).toBe(403);
    expect(
      (await as('coordinator', 'PATCH', '/api/settings/privacy', { coordinatorsSeeQuestionTexts: true })).statusCode,
    ).toBe(403);
    const unknown = await as('admin', 'PATCH', '/api/settings/privacy', { everyoneSeesEverything: true });
    expect(unknown.statusCode).toBe(400);
    expect((await as('admin', 'GET', '/api/settings/privacy')).json()).toEqual({ coordinatorsSeeQuestionTexts: false });

    const on = await as('admin', 'PATCH', '/api/settings/privacy', { coordinatorsSeeQuestionTexts: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toEqual({ coordinatorsSeeQuestionTexts: true });
    const shown = (await as('coordinator', 'GET', '/api/requests/recent?limit=10')).json() as Array<{
      id: number;
      text: string | null;
    }>;
    expect(shown.find((r) => r.id === menteeRequest)?.text).toBe('I want to lead a team of engineers');

    const audit = await as('admin', 'GET', '/api/audit?entity=settings');
    expect(audit.json().items).toEqual([
      expect.objectContaining({
        action: 'settings.updated',
        entityId: 'privacy',
        changes: { coordinatorsSeeQuestionTexts: { before: false, after: true } },
        actor: expect.objectContaining({ role: 'admin' }),
      }),
    ]);
    await as('admin', 'PATCH', '/api/settings/privacy', { coordinatorsSeeQuestionTexts: false });
    const again = (await as('coordinator', 'GET', '/api/requests/recent?limit=10')).json() as Array<{
      text: string | null;
    }>;
    expect(again.every((r) => r.text === null)).toBe(true);
  });
});

describe('what researchers read', () => {
  it('names the users who made and changed configurations by stable pseudonyms, never by email', async () => {
    const created = await as('coordinator', 'POST', '/api/configs', { name: 'study', weights: { semantic: 1 } });
    expect(created.statusCode, created.body).toBe(201);
    const version = created.json().version as number;
    expect((await as('coordinator', 'POST', `/api/configs/${version}/activate`)).statusCode).toBe(200);

    interface ConfigDto {
      version: number;
      createdBy: string;
      activatedBy: string | null;
      events: Array<{ actor: string }>;
    }
    const list = await as('researcher', 'GET', '/api/configs');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).not.toContain('@');
    const study = (list.json() as ConfigDto[]).find((c) => c.version === version)!;
    expect(study.createdBy).toMatch(/^user-[0-9a-f]{12}$/);
    expect(study.activatedBy).toBe(study.createdBy);
    expect(study.events.map((e) => e.actor)).toEqual([study.createdBy, study.createdBy]);
    const one = (await as('researcher', 'GET', `/api/configs/${version}`)).json() as ConfigDto;
    expect(one.createdBy).toBe(study.createdBy);

    // The same pseudonym from any engine on this database (the salt is stored there), and none from another salt.
    const { repositories } = harness.app.engine();
    expect(await new Pseudonymiser(repositories.settings).pseudonym(coordinatorEmail)).toBe(study.createdBy);
    const elsewhere = new Pseudonymiser({ getOrInit: async () => 'another salt' });
    expect(await elsewhere.pseudonym(coordinatorEmail)).not.toBe(study.createdBy);

    // Coordinators work with the people and read their emails.
    const asCoordinator = (await as('coordinator', 'GET', `/api/configs/${version}`)).json() as ConfigDto;
    expect(asCoordinator.createdBy).toBe(coordinatorEmail);
  });
});
