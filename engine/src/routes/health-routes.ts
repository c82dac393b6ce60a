import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../errors.js';
import { errorResponses, Nullable } from './schemas.js';

const Status = Type.Object(
  {
    ready: Type.Boolean(),
    model: Type.Object({ id: Type.String(), dimensions: Type.Integer() }),
    database: Type.Object({ kind: Type.String() }),
    mentors: Type.Object({ total: Type.Integer(), active: Type.Integer(), indexed: Type.Integer() }),
    index: Type.Object({
      kind: Type.String({ description: 'hnsw or exact' }),
      state: Type.String({ description: 'loading, rebuilding or ready' }),
      size: Type.Integer(),
      progress: Nullable(Type.Object({ done: Type.Number(), total: Nullable(Type.Number()), stage: Type.String() })),
      loadedFrom: Nullable(Type.String(), { description: 'snapshot, rebuild or null while loading' }),
    }),
  },
  { $id: 'EngineStatus', title: 'EngineStatus' },
);

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: { tags: ['status'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['status'],
        summary: 'Readiness: model loaded and index loaded',
        response: { 200: Type.Object({ ready: Type.Literal(true) }), ...errorResponses(503) },
      },
    },
    async () => {
      const status = await app.engine().status();
      if (!status.ready) throw new AppError('NOT_READY', { detail: `index is ${status.index.state}` });
      return { ready: true as const };
    },
  );

  app.get(
    '/status',
    {
      schema: {
        tags: ['status'],
        summary: 'Model, mentors and index state',
        response: { 200: Status, ...errorResponses(503) },
      },
    },
    async () => app.engine().status(),
  );
};

export default healthRoutes;
