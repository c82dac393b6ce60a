/**
 * What a user may be; one user holds one or more. The database's check constraint on user_roles.role lists the
 * same names (migration 0005).
 */
export const ROLES = ['mentee', 'mentor', 'coordinator', 'researcher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
