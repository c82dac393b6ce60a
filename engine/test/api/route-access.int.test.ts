import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/audit/audit-entry.js';
import { ROLES } from '../../src/auth/roles.js';
import { accessFor, actingRole, ROUTE_POLICY } from '../../src/auth/route-policy.js';
import { createTestUser, sessionCookieFor } from '../../../test/support/auth-helpers.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let routes: Array<{ method: string; route: string }>;
const userIds = new Map<string, number>();

beforeAll(async () => {
  harness = await startTestApp({ signedIn: false });
  for (const role of ROLES) userIds.set(role, (await createTestUser(harness.app, [role])).user.id);
  const doc = (await harness.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => ({ method: m.toUpperCase(), route: path.replace(/\{(\w+)\}/g, ':$1') })),
  );
});
afterAll(() => harness?.close());

/** A value for each kind of path parameter that passes no schema check the test depends on. */
const sample = (route: string) => route.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? '999999' : '1'));

async function call(method: string, route: string, cookie: string | null, id?: string) {
  return harness.app.inject({
    method: method as 'GET',
    url: id === undefined ? sample(route) : route.replace(':id', encodeURIComponent(id)),
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
    headers: cookie === null ? {} : { cookie },
  });
}

describe('the access table against every route in the OpenAPI document', () => {
  it('lists every route, and only routes that exist', () => {
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes
      .filter((r) => accessFor(r.method, r.route) === undefined)
      .map((r) => `${r.method} ${r.route}`);
    expect(missing, 'routes missing from auth/route-policy.ts').toEqual([]);
    const documented = new Set(routes.map((r) => `${r.method} ${r.route}`));
    // The API's own documents are not in it: OpenAPI leaves itself and the Swagger UI out.
    const undocumented = Object.keys(ROUTE_POLICY).filter(
      (key) => !documented.has(key) && !key.startsWith('GET /api/docs') && key !== 'GET /api/openapi.json',
    );
    expect(undocumented, 'table entries for routes that do not exist').toEqual([]);
  });

  it('lets each role, no session and an expired session call exactly what the table says', async () => {
    const db = harness.app.engine().database.db;
    const problems: string[] = [];
    for (const { method, route } of routes) {
      const access = accessFor(method, route)!;
      const open =
        'public' in access || (access.anonymous === 'questions' && harness.app.engine().config.anonymousQuestions);

      const anonymous = await call(method, route, null);
      const expired = await sessionCookieFor(harness.app, userIds.get('admin')!);
      await sql`update sessions set expires_at = now() - interval '1 second' where revoked_at is null and user_id = ${userIds.get('admin')!}`.execute(
        db,
      );
      const stale = await call(method, route, expired);
      for (const [who, res] of [
        ['no session', anonymous],
        ['an expired session', stale],
      ] as const) {
        const ok = ![401, 403].includes(res.statusCode);
        if (open !== ok || (!open && res.json().code !== 'UNAUTHENTICATED'))
          problems.push(`${method} ${route} with ${who}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }

      for (const role of ROLES) {
        const allowed = open || actingRole(access, [role]) !== null;
        const res = await call(method, route, await sessionCookieFor(harness.app, userIds.get(role)!));
        const ok = ![401, 403].includes(res.statusCode);
        if (allowed !== ok || (!allowed && res.json().code !== 'FORBIDDEN'))
          problems.push(`${method} ${route} as ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("lets a mentor linked to a profile call exactly what the table's row-level rules say with that profile's id", async () => {
    const { app } = harness;
    await app.engine().mentors.create(mentor('linked-1'), cliActor());
    const linked = await createTestUser(app, ['mentor']);
    await app.engine().users.update(linked.user.id, { mentorId: 'linked-1' }, cliActor());
    const cookie = await sessionCookieFor(app, linked.user.id);
    const withId = routes.filter((r) => r.route.includes(':id'));
    const problems: string[] = [];
    const granted: string[] = [];
    for (const { method, route } of withId) {
      const access = accessFor(method, route)!;
      const row = { user: { mentorId: 'linked-1' }, params: { id: 'linked-1' } };
      const allowed = 'public' in access || actingRole(access, ['mentor'], row) !== null;
      if (allowed && actingRole(access, ['mentor']) === null) granted.push(`${method} ${route}`);
      const res = await call(method, route, cookie, 'linked-1');
      if (allowed !== ![401, 403].includes(res.statusCode))
        problems.push(`${method} ${route} as its mentor: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(problems).toEqual([]);
    // What the row-level rules grant beyond the mentor role: reading and editing their profile, not deleting it.
    expect(granted.sort()).toEqual(['GET /api/mentors/:id', 'PATCH /api/mentors/:id']);
  });
});
