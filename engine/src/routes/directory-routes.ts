import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, Nullable } from './schemas.js';

const DirectoryEntrySchema = Type.Object({
  id: Type.String({ description: "The mentor's public id (POST /api/session-requests takes it as mentorId)" }),
  name: Type.String(),
  headline: Type.String(),
  skills: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  timezone: Type.String(),
  department: Nullable(Type.String({ description: "The department of the mentor's user account, when linked" })),
  availableThisWeek: Type.Boolean({ description: 'Has availability on one of the next seven days and is not away' }),
  score: Nullable(Type.Number({ description: 'The match score for the words; null without words' })),
});

/** Mentees browse mentors directly: the public part of each profile, never an email. */
const directoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/directory',
    {
      schema: {
        tags: ['directory'],
        summary: 'Browse mentors: search by words, filter by skill, department, language and availability',
        description:
          'With `q`, mentors come in the order POST /api/match gives for the same words (the same index and ' +
          'ranking, at most 50 of them), among those the filters keep; without it, every active mentor the ' +
          'filters keep, by name. Pages of 20.',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 500, description: 'Words to search for; blank: none' })),
            skill: Type.Optional(Type.String({ maxLength: 80, description: "Found inside any of a mentor's skills" })),
            department: Type.Optional(Type.String({ maxLength: 200 })),
            language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$', description: 'ISO 639-1 code, e.g. en' })),
            availableThisWeek: Type.Optional(Type.Boolean()),
            page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(DirectoryEntrySchema),
            total: Type.Integer({ description: 'Mentors found, over all pages' }),
            page: Type.Integer(),
            pageSize: Type.Integer(),
          }),
          ...errorResponses(503),
        },
      },
    },
    async (request) => app.engine().directory.browse(request.query),
  );
};

export default directoryRoutes;
