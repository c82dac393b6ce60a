import type { User } from '../db/user-repository.js';
import type { Role } from './roles.js';

/** Who sent a request, as the credentials it carried say. */
export type Principal =
  | {
      kind: 'user';
      user: User;
      /** The session the cookie named, or the API token the Authorization header carried. */
      via: { session: number } | { apiToken: number };
    }
  /** The deprecated engine-wide API_TOKEN: no user, every role but mentee and mentor. */
  | { kind: 'engine-token' };

export const ENGINE_TOKEN_ROLES: readonly Role[] = ['coordinator', 'researcher', 'admin'];

export function rolesOf(principal: Principal): readonly Role[] {
  return principal.kind === 'user' ? principal.user.roles : ENGINE_TOKEN_ROLES;
}
