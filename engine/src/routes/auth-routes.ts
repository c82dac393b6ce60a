import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, SESSION_COOKIE, userOf } from '../auth/authorize-request.js';
import { ROLES } from '../auth/roles.js';
import type { User } from '../db/user-repository.js';
import { AppError } from '../errors.js';
import { NOT_BLANK } from '../validator-compiler.js';
import { errorResponses, Nullable, RowId, StringEnum } from './schemas.js';

export const RoleSchema = StringEnum(ROLES);

const CurrentUser = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(RoleSchema),
  mentorId: Type.Optional(Type.String({ description: 'The mentor profile a mentor user speaks for' })),
});

const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
});

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function currentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    roles: u.roles,
    ...(u.mentorId !== null && { mentorId: u.mentorId }),
  };
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAge: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    maxAge,
  });
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
  });
}

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const auth = () => app.engine().auth;

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password: sets the session cookie',
        description:
          'A wrong email and a wrong password get the same 401 INVALID_CREDENTIALS. Failed attempts are limited per ' +
          'account and per address (429 TOO_MANY_ATTEMPTS with Retry-After).',
        body: Type.Object(
          {
            email: Type.String({ minLength: 1, maxLength: 320, pattern: NOT_BLANK }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: CurrentUser, ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const signedIn = await auth()
        .login(email, password, request.ip, request.id)
        .catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'TOO_MANY_ATTEMPTS') {
            reply.header('retry-after', String((err.details as { retryAfter: number }).retryAfter));
          }
          throw err;
        });
      setSessionCookie(request, reply, signedIn.token, signedIn.maxAgeSeconds);
      return currentUser(signedIn.user);
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends this session and clears its cookie',
        response: { 204: Type.Null(), ...errorResponses() },
      },
    },
    async (request, reply) => {
      if (request.principal !== null) await auth().logout(request.principal, actorOf(request));
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/logout-all',
    {
      schema: {
        tags: ['auth'],
        summary: "Sign out everywhere: ends every one of the user's sessions",
        response: { 200: Type.Object({ revoked: Type.Integer() }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const revoked = await auth().logoutEverywhere(userOf(request).id, actorOf(request));
      clearSessionCookie(request, reply);
      return { revoked };
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user (401 UNAUTHENTICATED without a session)',
        response: { 200: CurrentUser, ...errorResponses() },
      },
    },
    async (request) => currentUser(userOf(request)),
  );

  app.get(
    '/auth/demo-accounts',
    {
      schema: {
        tags: ['auth'],
        summary: 'The demo accounts, one per role, for the sign-in page; empty outside demo mode',
        response: {
          200: Type.Object({
            accounts: Type.Array(Type.Object({ email: Type.String(), roles: Type.Array(RoleSchema) })),
          }),
          ...errorResponses(),
        },
      },
    },
    async () => ({ accounts: app.engine().config.demoMode ? await app.engine().users.demoAccounts() : [] }),
  );

  app.get(
    '/auth/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: "The signed-in user's API tokens (never their secrets), newest first",
        response: { 200: Type.Object({ items: Type.Array(ApiTokenSchema) }), ...errorResponses() },
      },
    },
    async (request) => ({
      items: (await auth().listApiTokens(userOf(request).id)).map((t) => ({
        ...t,
        createdAt: t.createdAt.toISOString(),
        lastUsedAt: iso(t.lastUsedAt),
        revokedAt: iso(t.revokedAt),
      })),
    }),
  );

  app.post(
    '/auth/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'A new API token for automation, sent as Authorization: Bearer <token>; its secret is shown once',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 100, pattern: NOT_BLANK }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            name: Type.String(),
            token: Type.String({ description: 'The secret: shown in this answer only' }),
            createdAt: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const created = await auth().createApiToken(userOf(request).id, request.body.name.trim(), actorOf(request));
      return reply
        .status(201)
        .send({ id: created.id, name: created.name, token: created.token, createdAt: created.createdAt.toISOString() });
    },
  );

  app.delete(
    '/auth/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of your API tokens',
        params: Type.Object({ id: RowId() }),
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await auth().revokeApiToken(userOf(request).id, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  );
};

export default authRoutes;
