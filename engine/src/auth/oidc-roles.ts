import { isRole, ROLES, type Role } from './roles.js';

/** A roles claim's value → the roles it gives; values the map lacks give none. */
export type RoleMap = Readonly<Record<string, readonly Role[]>>;

/** Each role's own name gives that role: a provider whose roles claim says "mentor" signs in a mentor. */
export const DEFAULT_ROLE_MAP: RoleMap = Object.fromEntries(ROLES.map((role) => [role, [role]]));

/**
 * OIDC_ROLE_MAP: a JSON object from claim values to a role or a list of roles, e.g.
 * `{"mentoring-staff": ["coordinator", "researcher"], "cn=mentors,ou=groups": "mentor"}`. JSON because claim
 * values may hold any character (group names with commas, colons and spaces). Answers a message on error.
 */
export function parseRoleMap(raw: string): RoleMap | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'is not valid JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'must be a JSON object from claim values to a role or a list of roles';
  }
  const entries: Array<[string, Role[]]> = [];
  for (const [value, target] of Object.entries(parsed)) {
    const roles: unknown[] = Array.isArray(target) ? target : [target];
    if (roles.length === 0 || !roles.every((r) => typeof r === 'string' && isRole(r))) {
      return `maps "${value}" to ${JSON.stringify(target)}; the roles are ${ROLES.join(', ')}`;
    }
    entries.push([value, roles as Role[]]);
  }
  // fromEntries defines each key as the map's own, "__proto__" included (an assignment would set the prototype).
  return Object.fromEntries(entries);
}

/**
 * The values of a claim: the strings of an array, or one string. A claim whose own name holds dots is read
 * whole first (Auth0's namespaced `https://example.org/roles`); otherwise the dots are a path into nested
 * objects (Keycloak's `realm_access.roles`).
 */
export function claimValues(claims: Readonly<Record<string, unknown>>, name: string): string[] {
  let value: unknown = claims[name];
  if (value === undefined && name.includes('.')) {
    value = claims;
    for (const key of name.split('.')) {
      value =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

export interface RoleMapping {
  rolesClaim: string;
  roleMap: RoleMap;
  /** The roles of a user whose claim maps to none; empty refuses them. */
  defaultRoles: readonly Role[];
}

/** The roles an ID token's claims give, in the order of ROLES; the default roles when no value maps. */
export function rolesFromClaims(claims: Readonly<Record<string, unknown>>, mapping: RoleMapping): Role[] {
  const given = new Set<Role>();
  for (const value of claimValues(claims, mapping.rolesClaim)) {
    // Own properties only: a claim value such as "constructor" is not a key of every object.
    if (!Object.hasOwn(mapping.roleMap, value)) continue;
    for (const role of mapping.roleMap[value] ?? []) given.add(role);
  }
  const roles = given.size > 0 ? given : new Set(mapping.defaultRoles);
  return ROLES.filter((role) => roles.has(role));
}
