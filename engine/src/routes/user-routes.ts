import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../auth/authorize-request.js';
import type { User } from '../db/user-repository.js';
import { isValidTimezone } from '../domain/mentor-validation.js';
import { AppError } from '../errors.js';
import { NOT_BLANK } from '../validator-compiler.js';
import { RoleSchema } from './auth-routes.js';
import { errorResponses, Nullable, RowId } from './schemas.js';

const UserSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(RoleSchema),
  timeZone: Type.String(),
  department: Nullable(Type.String()),
  careerStartYear: Nullable(Type.Integer()),
  disabled: Type.Boolean(),
  hasPassword: Type.Boolean({ description: 'False for users who sign in through single sign-on only' }),
  mentorId: Nullable(Type.String({ description: 'The mentor profile a mentor user speaks for' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK }),
  roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 5, uniqueItems: true }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone; UTC when absent' }),
  department: Nullable(Type.String({ maxLength: 200 })),
  careerStartYear: Nullable(Type.Integer({ minimum: 1900, maximum: 2200, description: 'Never shown to other users' })),
  password: Nullable(
    Type.String({ minLength: 10, maxLength: 1024, description: 'Absent or null: single sign-on only' }),
  ),
  mentorId: Nullable(Type.String({ minLength: 1, maxLength: 128, description: 'A mentor profile id' })),
};

function dto(u: User) {
  return { ...u, createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString() };
}

function checkTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isValidTimezone(timeZone)) {
    throw new AppError('VALIDATION_FAILED', { detail: 'timeZone must be an IANA time zone such as "Europe/Berlin"' });
  }
}

/** Admins manage users: list, create, change roles and details, disable. */
const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const users = () => app.engine().users;

  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users by id, with their roles',
        querystring: Type.Object(
          {
            offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ total: Type.Integer(), items: Type.Array(UserSchema) }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const page = await users().list(request.query);
      return { total: page.total, items: page.items.map(dto) };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (a mentor user may be linked to a mentor profile by its id)',
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 320 }),
            name: fields.name,
            roles: fields.roles,
            timeZone: Type.Optional(fields.timeZone),
            department: Type.Optional(fields.department),
            careerStartYear: Type.Optional(fields.careerStartYear),
            password: Type.Optional(fields.password),
            mentorId: Type.Optional(fields.mentorId),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      checkTimeZone(request.body.timeZone);
      return reply.status(201).send(dto(await users().create(request.body, actorOf(request))));
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Change a user's roles, details or password, or disable them (which ends their sessions)",
        params: Type.Object({ id: RowId() }),
        body: Type.Object(
          {
            name: Type.Optional(fields.name),
            roles: Type.Optional(fields.roles),
            timeZone: Type.Optional(fields.timeZone),
            department: Type.Optional(fields.department),
            careerStartYear: Type.Optional(fields.careerStartYear),
            password: Type.Optional(fields.password),
            mentorId: Type.Optional(fields.mentorId),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      checkTimeZone(request.body.timeZone);
      return dto(await users().update(request.params.id, request.body, actorOf(request)));
    },
  );
};

export default userRoutes;
