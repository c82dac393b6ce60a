import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/audit/audit-entry.js';
import { createTestUser, sessionCookieFor, type TestUser } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let coordinator: TestUser;
/** A mentor user linked to the profile "own-1". */
let mentorUser: TestUser;
let mentorCookie: string;

beforeAll(async () => {
  harness = await startTestApp({ signedIn: false });
  coordinator = await createTestUser(harness.app, ['coordinator']);
  for (const id of ['own-1', 'other-1']) {
    const res = await as(coordinator, 'POST', '/api/mentors', mentor(id));
    expect(res.statusCode, res.body).toBe(201);
  }
  mentorUser = await createTestUser(harness.app, ['mentor']);
  await harness.app.engine().users.update(mentorUser.user.id, { mentorId: 'own-1' }, cliActor());
  mentorCookie = await sessionCookieFor(harness.app, mentorUser.user.id);
});
afterAll(() => harness?.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
function as(who: TestUser | string, method: Method, url: string, payload?: unknown) {
  const headers = typeof who === 'string' ? { cookie: who } : { authorization: `Bearer ${who.token}` };
  return harness.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as string }) });
}

const profile = async (id: string) => (await as(coordinator, 'GET', `/api/mentors/${id}`)).json();

describe('a signed-in mentor and their own profile', () => {
  it('reads and edits it, with the session cookie or an API token, and the audit log names them as mentor', async () => {
    const read = await as(mentorCookie, 'GET', '/api/mentors/own-1');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id: 'own-1', name: 'Mentor own-1' });

    const patched = await as(mentorCookie, 'PATCH', '/api/mentors/own-1', { headline: 'Staff engineer' });
    expect(patched.statusCode, patched.body).toBe(200);
    const byToken = await as(mentorUser, 'PATCH', '/api/mentors/own-1', { capacityPerMonth: 4, active: false });
    expect(byToken.statusCode, byToken.body).toBe(200);
    expect(await profile('own-1')).toMatchObject({ headline: 'Staff engineer', capacityPerMonth: 4, active: false });

    const [entry] = (await harness.app.engine().audit.list({ entity: 'mentor', limit: 10 })).filter(
      (e) => e.entityId === 'own-1',
    );
    expect(entry).toMatchObject({ action: 'mentor.updated', actor: { userId: mentorUser.user.id, role: 'mentor' } });
  });

  it("another mentor's id in the URL is 403 FORBIDDEN, whether that mentor exists or not", async () => {
    const before = await profile('other-1');
    for (const id of ['other-1', 'no-such-mentor']) {
      for (const [method, payload] of [
        ['GET', undefined],
        ['PATCH', { headline: 'Hijacked' }],
      ] as const) {
        const res = await as(mentorCookie, method, `/api/mentors/${id}`, payload);
        expect(res.statusCode, `${method} ${id}: ${res.body}`).toBe(403);
        expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
        expect(res.json().message).toMatch(/is for coordinator or mentor \(their own profile\)/);
      }
    }
    expect(await profile('other-1')).toEqual(before);
  });

  it('the id as the router decodes it is the one compared: an encoded own id is theirs, a prefix is not', async () => {
    expect((await as(mentorCookie, 'GET', '/api/mentors/%6Fwn-1')).statusCode).toBe(200);
    expect((await as(mentorCookie, 'GET', '/api/mentors/own-')).statusCode).toBe(403);
    expect((await as(mentorCookie, 'GET', '/api/mentors/own-1x')).statusCode).toBe(403);
  });

  it("a body naming another profile's id is refused and changes neither profile", async () => {
    const own = await profile('own-1');
    const other = await profile('other-1');
    const res = await as(mentorCookie, 'PATCH', '/api/mentors/own-1', { id: 'other-1', headline: 'Hijacked' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.json().message).toMatch(/unknown property "id"/);
    expect(await profile('own-1')).toEqual(own);
    expect(await profile('other-1')).toEqual(other);
  });

  it('may not delete it, list, create, import or export mentors', async () => {
    for (const [method, url, payload] of [
      ['DELETE', '/api/mentors/own-1', undefined],
      ['GET', '/api/mentors', undefined],
      ['GET', '/api/mentors/export', undefined],
      ['POST', '/api/mentors', mentor('own-2')],
      ['POST', '/api/mentors/import', [mentor('own-1', { headline: 'Imported' })]],
      ['POST', '/api/jobs/import', [mentor('own-1', { headline: 'Imported' })]],
    ] as const) {
      const res = await as(mentorCookie, method, url, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await as(coordinator, 'GET', '/api/mentors/own-1')).statusCode).toBe(200);
    expect((await as(coordinator, 'GET', '/api/mentors/own-2')).statusCode).toBe(404);
  });

  it('a mentor user linked to no profile, and a mentee, reach no profile at all', async () => {
    const unlinked = await createTestUser(harness.app, ['mentor']);
    const mentee = await createTestUser(harness.app, ['mentee']);
    for (const who of [unlinked, mentee]) {
      for (const id of ['own-1', 'other-1']) {
        expect((await as(who, 'GET', `/api/mentors/${id}`)).statusCode).toBe(403);
      }
    }
  });
});
