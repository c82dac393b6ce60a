import { describe, expect, it } from 'vitest';
import { accessFor, actingRole, ROUTE_POLICY } from '../../src/auth/route-policy.js';

describe('accessFor', () => {
  it('answers HEAD as GET, and a path under a /* entry as that entry', () => {
    expect(accessFor('HEAD', '/api/mentors')).toBe(ROUTE_POLICY['GET /api/mentors']);
    expect(accessFor('GET', '/api/docs/static/index.html')).toEqual({ public: true });
    expect(accessFor('POST', '/api/docs/static/index.html')).toBeUndefined();
  });

  it('has nothing for a route missing from the table, and treats the dashboard files as public', () => {
    expect(accessFor('GET', '/api/not-listed')).toBeUndefined();
    expect(accessFor('PUT', '/api/mentors/:id')).toBeUndefined();
    expect(accessFor('GET', '/mentors')).toEqual({ public: true });
    expect(accessFor('GET', '/apiary')).toEqual({ public: true });
  });
});

describe('actingRole', () => {
  it("is the first of the route's roles that the principal holds", () => {
    expect(actingRole({ roles: ['coordinator', 'researcher'] }, ['researcher', 'coordinator'])).toBe('coordinator');
    expect(actingRole({ roles: ['coordinator'] }, ['mentee'])).toBeNull();
    expect(actingRole({ public: true }, ['admin'])).toBeNull();
  });

  it("a mentor's own profile: the row-level rule grants the mentor role on their linked id only", () => {
    const access = accessFor('PATCH', '/api/mentors/:id')!;
    const row = (mentorId: string | null, id: string) => ({ user: { mentorId }, params: { id } });
    expect(actingRole(access, ['mentor'], row('m-1', 'm-1'))).toBe('mentor');
    expect(actingRole(access, ['mentor'], row('m-1', 'm-2'))).toBeNull();
    expect(actingRole(access, ['mentor'], row(null, 'null'))).toBeNull();
    expect(actingRole(access, ['mentee'], row('m-1', 'm-1'))).toBeNull();
    expect(actingRole(access, ['mentor'])).toBeNull();
    // A coordinator acts as one on any id, their own included.
    expect(actingRole(access, ['mentor', 'coordinator'], row('m-1', 'm-1'))).toBe('coordinator');
    expect(actingRole(accessFor('DELETE', '/api/mentors/:id')!, ['mentor'], row('m-1', 'm-1'))).toBeNull();
  });
});
