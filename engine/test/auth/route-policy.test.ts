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
});
