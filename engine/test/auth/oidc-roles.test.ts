import { describe, expect, it } from 'vitest';
import { claimValues, DEFAULT_ROLE_MAP, parseRoleMap, rolesFromClaims } from '../../src/auth/oidc-roles.js';

describe('parseRoleMap (OIDC_ROLE_MAP)', () => {
  it('maps claim values with any characters to one role or several', () => {
    expect(parseRoleMap('{"cn=mentors,ou=groups": "mentor", "staff": ["coordinator", "researcher"]}')).toEqual({
      'cn=mentors,ou=groups': ['mentor'],
      staff: ['coordinator', 'researcher'],
    });
  });

  it('says what is wrong with a map it cannot use', () => {
    expect(parseRoleMap('staff:coordinator')).toBe('is not valid JSON');
    expect(parseRoleMap('["mentor"]')).toMatch(/must be a JSON object/);
    expect(parseRoleMap('{"staff": "boss"}')).toBe(
      'maps "staff" to "boss"; the roles are mentee, mentor, coordinator, researcher, admin',
    );
    expect(parseRoleMap('{"staff": []}')).toMatch(/maps "staff" to \[\]/);
    expect(parseRoleMap('{"staff": ["mentor", 3]}')).toMatch(/maps "staff"/);
  });

  it('keeps a value named __proto__ as a value', () => {
    const map = parseRoleMap('{"__proto__": "admin"}');
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(
      rolesFromClaims({ roles: ['__proto__'] }, { rolesClaim: 'roles', roleMap: map as never, defaultRoles: [] }),
    ).toEqual(['admin']);
  });
});

describe('claimValues', () => {
  it('reads an array, a single string, and nothing else', () => {
    expect(claimValues({ roles: ['a', 2, 'b', null] }, 'roles')).toEqual(['a', 'b']);
    expect(claimValues({ roles: 'mentor' }, 'roles')).toEqual(['mentor']);
    expect(claimValues({ roles: { mentor: true } }, 'roles')).toEqual([]);
    expect(claimValues({}, 'roles')).toEqual([]);
  });

  it('follows a dotted path into nested objects, after a claim whose own name has the dots', () => {
    const claims = {
      realm_access: { roles: ['mentor'] },
      'https://example.org/roles': ['admin'],
      https: { 'example.org/roles': ['nope'] },
    };
    expect(claimValues(claims, 'realm_access.roles')).toEqual(['mentor']);
    expect(claimValues(claims, 'https://example.org/roles')).toEqual(['admin']);
    expect(claimValues(claims, 'realm_access.groups')).toEqual([]);
    expect(claimValues({ realm_access: ['x'] }, 'realm_access.0')).toEqual([]);
  });
});

describe('rolesFromClaims', () => {
  const mapping = {
    rolesClaim: 'groups',
    roleMap: { staff: ['coordinator', 'researcher'], mentors: ['mentor'], admins: ['admin', 'coordinator'] },
    defaultRoles: ['mentee'],
  } as const;

  it('unites the roles of every mapped value, in the order of the role list, each once', () => {
    expect(rolesFromClaims({ groups: ['admins', 'mentors', 'staff', 'unknown'] }, mapping)).toEqual([
      'mentor',
      'coordinator',
      'researcher',
      'admin',
    ]);
  });

  it('gives the default roles when no value maps, and none when the default is none', () => {
    expect(rolesFromClaims({ groups: ['unknown'] }, mapping)).toEqual(['mentee']);
    expect(rolesFromClaims({}, mapping)).toEqual(['mentee']);
    expect(rolesFromClaims({ groups: ['unknown'] }, { ...mapping, defaultRoles: [] })).toEqual([]);
  });

  it('maps only the values the map names, not what every object has', () => {
    expect(
      rolesFromClaims({ groups: ['constructor', 'toString', '__proto__'] }, { ...mapping, defaultRoles: [] }),
    ).toEqual([]);
  });

  it('by default maps each role name to itself, and is exact about case', () => {
    const byName = { rolesClaim: 'roles', roleMap: DEFAULT_ROLE_MAP, defaultRoles: [] };
    expect(rolesFromClaims({ roles: ['admin', 'mentee'] }, byName)).toEqual(['mentee', 'admin']);
    expect(rolesFromClaims({ roles: ['Admin'] }, byName)).toEqual([]);
  });
});
