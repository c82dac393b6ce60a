import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from './schemas.js';

const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'State and progress of a background job (import, evaluation)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Ref('Job'), ...errorResponses(404) },
      },
    },
    // UUIDs are case-insensitive; jobs are created with lower-case ids.
    async (request) => app.engine().jobs.get(request.params.id.toLowerCase()),
  );
};

export default jobRoutes;
