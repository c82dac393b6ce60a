import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditRecord } from '../db/audit-repository.js';
import { errorResponses, Nullable, RowId, StringEnum } from './schemas.js';

const AuditItem = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    kind: StringEnum(['user', 'cli', 'engine-token']),
    userId: Nullable(Type.Integer()),
    email: Nullable(Type.String()),
    role: Nullable(Type.String({ description: 'The role the route allowed the user in' })),
    osUser: Nullable(Type.String({ description: 'The operating-system user who ran the CLI' })),
  }),
  action: Type.String(),
  entity: Type.String(),
  entityId: Nullable(Type.String()),
  changes: Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() }), {
    description: 'Each changed field before and after the write; secrets appear as "(secret)"',
  }),
  requestId: Nullable(Type.String()),
});

const Filter = {
  entity: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'user, session, mentor, ...' })),
  actor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 320, description: 'A user id, an email, cli or engine-token' }),
  ),
};

function item(r: AuditRecord) {
  return { ...r, at: r.at.toISOString() };
}

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const audit = () => app.engine().audit;

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first: who changed what, when, in which request',
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            before: Type.Optional(RowId()),
            ...Filter,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(AuditItem),
            nextBefore: Nullable(Type.Integer(), { description: 'Pass as `before` for the next page' }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { limit, before, entity, actor } = request.query;
      const items = await audit().list({ limit, beforeId: before, entity, actor });
      return { items: items.map(item), nextBefore: items.length === limit ? items[items.length - 1]!.id : null };
    },
  );

  app.get(
    '/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'The whole audit log (or what the filter keeps) as JSON Lines, newest first',
        querystring: Type.Object(Filter, { additionalProperties: false }),
        response: {
          200: Type.Unknown({ description: 'application/x-ndjson stream, one entry per line' }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const entries = audit().all(request.query);
      async function* lines() {
        for await (const r of entries) yield `${JSON.stringify(item(r))}\n`;
      }
      reply.header('content-disposition', 'attachment; filename="audit.jsonl"');
      return reply.type('application/x-ndjson').send(Readable.from(lines()));
    },
  );
};

export default auditRoutes;
