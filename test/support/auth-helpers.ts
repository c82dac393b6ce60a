import type { FastifyInstance, InjectOptions } from 'fastify';
import { cliActor } from '../../engine/src/audit/audit-entry.js';
import { ROLES, type Role } from '../../engine/src/auth/roles.js';
import { digestOf, newSecret } from '../../engine/src/auth/secret-token.js';
import type { User } from '../../engine/src/db/user-repository.js';
import { AppError } from '../../engine/src/errors.js';

export interface TestUser {
  user: User;
  /** An API token of the user, to send as `Authorization: Bearer <token>`. */
  token: string;
  password: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * A user with these roles (made through the engine's own service, recorded as the CLI's doing) and an API token
 * of theirs. An email already taken (an engine restarted on the same database) reuses that user.
 */
export async function createTestUser(
  app: FastifyInstance,
  roles: readonly Role[],
  email = `${roles.join('-') || 'nobody'}-${Math.random().toString(36).slice(2, 8)}@test.local`,
  password = TEST_PASSWORD,
): Promise<TestUser> {
  const engine = app.engine();
  const user = await engine.users
    .create({ email, name: `Test ${roles.join(' ')}`, roles, password }, cliActor())
    .catch(async (err: unknown) => {
      if (!(err instanceof AppError && err.code === 'USER_ALREADY_EXISTS')) throw err;
      return (await engine.users.get((await engine.repositories.users.getByEmail(email))!.id))!;
    });
  // As after their first sign-in: tests of the code of conduct itself make users who have not accepted it.
  await engine.repositories.conduct.accept(user.id, engine.conduct.version);
  const { token } = await engine.auth.createApiToken(user.id, 'test', cliActor());
  return { user, token, password };
}

const HARNESS_EMAIL = 'harness@test.local';

/**
 * Makes `app.inject` send, on requests that carry no credentials of their own (no Authorization header, no
 * cookie), the API token of a user holding every role: tests written before accounts call coordinator and
 * researcher routes as they did. Tests of access itself start the app with `signedIn: false`.
 */
export async function signInByDefault(app: FastifyInstance): Promise<TestUser> {
  const harnessUser = await createTestUser(app, ROLES, HARNESS_EMAIL);
  const inject = app.inject.bind(app) as (opts?: InjectOptions | string) => unknown;
  const withToken = (opts: InjectOptions | string): InjectOptions => {
    const o = typeof opts === 'string' ? { url: opts } : opts;
    const headers = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    if (headers.authorization !== undefined || headers.cookie !== undefined || o.cookies !== undefined) return o;
    return { ...o, headers: { ...o.headers, authorization: `Bearer ${harnessUser.token}` } };
  };
  // Without arguments inject returns a chain whose options are set later: left as it is.
  (app as { inject: unknown }).inject = (opts?: InjectOptions | string) =>
    opts === undefined ? inject() : inject(withToken(opts));
  return harnessUser;
}

/** Signs in through the API and answers the session cookie's `name=value`. */
export async function loginCookie(app: FastifyInstance, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login of ${email}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'mm_session');
  if (!cookie) throw new Error('login set no session cookie');
  return `${cookie.name}=${cookie.value}`;
}

/**
 * A session cookie for the user, made straight in the database: as the login route makes one, without the
 * password hashing that makes a login take 45 ms.
 */
export async function sessionCookieFor(app: FastifyInstance, userId: number): Promise<string> {
  const token = newSecret('mms');
  const { config, repositories } = app.engine();
  await repositories.sessions.create(userId, digestOf(token), {
    idleMinutes: config.sessionIdleMinutes,
    maxHours: config.sessionMaxHours,
  });
  return `mm_session=${token}`;
}
