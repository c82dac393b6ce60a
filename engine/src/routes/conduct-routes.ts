import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, userOf } from '../auth/authorize-request.js';
import type { ConductReport } from '../db/conduct-repository.js';
import type { ConductStatus } from '../conduct/conduct-service.js';
import { NOT_BLANK } from '../validator-compiler.js';
import { errorResponses, Nullable, RowId, StringEnum } from './schemas.js';

const ConductSchema = Type.Object({
  version: Type.String({ description: 'A digest of the text: it changes when the text does' }),
  text: Type.String({ description: 'Markdown' }),
  acceptedAt: Nullable(Type.String({ format: 'date-time', description: 'Null until you accept this version' })),
});

const Party = Type.Object({
  id: Nullable(Type.Integer()),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
});

const ReportSchema = Type.Object({
  id: Type.Integer(),
  reporter: Party,
  reported: Party,
  sessionRequestId: Nullable(Type.Integer()),
  text: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  handledAt: Nullable(Type.String({ format: 'date-time' })),
  handledBy: Party,
});

const conductDto = (s: ConductStatus) => ({ ...s, acceptedAt: s.acceptedAt?.toISOString() ?? null });
const reportDto = (r: ConductReport) => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  handledAt: r.handledAt?.toISOString() ?? null,
});

/** The code of conduct every user accepts, and reports of conduct that coordinators handle. */
const conductRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const conduct = () => app.engine().conduct;

  app.get(
    '/conduct',
    {
      schema: {
        tags: ['conduct'],
        summary: 'The code of conduct, and when you accepted it',
        response: { 200: ConductSchema, ...errorResponses() },
      },
    },
    async (request) => conductDto(await conduct().status(userOf(request).id)),
  );

  app.post(
    '/conduct/accept',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Accept the code of conduct (the version you were shown); until then your writes are refused',
        body: Type.Object({ version: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: ConductSchema, ...errorResponses(409) },
      },
    },
    async (request) => conductDto(await conduct().accept(userOf(request).id, request.body.version, actorOf(request))),
  );

  app.post(
    '/conduct/reports',
    {
      schema: {
        tags: ['conduct'],
        summary: "Report a user's conduct, by their id or a session request you took part in",
        body: Type.Object(
          {
            userId: Type.Optional(RowId()),
            sessionRequestId: Type.Optional(RowId()),
            text: Type.String({ minLength: 1, maxLength: 5000, pattern: NOT_BLANK }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.Integer() }), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const id = await conduct().report(userOf(request).id, request.body, actorOf(request));
      return reply.status(201).send({ id });
    },
  );

  app.get(
    '/conduct/reports',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Reports of conduct, newest first',
        querystring: Type.Object(
          {
            status: StringEnum(['open', 'all'], { default: 'open' }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(ReportSchema) }), ...errorResponses() },
      },
    },
    async (request) => ({
      items: (await conduct().listReports({ open: request.query.status === 'open', limit: request.query.limit })).map(
        reportDto,
      ),
    }),
  );

  app.post(
    '/conduct/reports/:id/handled',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Mark a report handled (audited)',
        params: Type.Object({ id: RowId() }, { additionalProperties: false }),
        response: { 200: ReportSchema, ...errorResponses(404) },
      },
    },
    async (request) => reportDto(await conduct().markHandled(request.params.id, userOf(request).id, actorOf(request))),
  );
};

export default conductRoutes;
