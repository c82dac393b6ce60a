import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import { ImportQuery, MentorCreate, MentorIdParams, MentorPatch, errorResponses } from './schemas.js';
import { toMentorDto } from './mentor-dto.js';
import type { ImportFormat } from '../services/import-service.js';

const importContentTypes = ['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain', 'application/octet-stream'];

/** Picks the import format from ?format=, else from the content type. */
function importFormat(query: { format?: ImportFormat }, contentType: string | undefined): ImportFormat {
  if (query.format) return query.format;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/json') return 'json';
  return 'jsonl';
}

const mentorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Import bodies stay streams: a 10k-row file is parsed, embedded and written batch by batch.
  app.addContentTypeParser(importContentTypes, (_request, payload, done) => done(null, payload));

  app.get(
    '/mentors',
    {
      schema: {
        tags: ['mentors'],
        summary: 'List mentors, paged and filtered',
        querystring: Type.Object(
          {
            offset: Type.Integer({ minimum: 0, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            q: Type.Optional(Type.String({ maxLength: 200, description: 'Text search in name, headline and bio' })),
            skill: Type.Optional(Type.String({ maxLength: 80 })),
            language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$' })),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('Mentor')), total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer() }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { offset, limit } = request.query;
      const page = await app.engine().mentors.list(request.query);
      return { items: page.items.map(toMentorDto), total: page.total, offset, limit };
    },
  );

  app.post(
    '/mentors',
    {
      schema: {
        tags: ['mentors'],
        summary: 'Create a mentor (embedded and indexed before the response)',
        body: MentorCreate,
        response: { 201: Type.Ref('Mentor'), ...errorResponses(409, 413, 415) },
      },
    },
    async (request, reply) => {
      const mentor = await app.engine().mentors.create(request.body);
      return reply.status(201).send(toMentorDto(mentor));
    },
  );

  app.get(
    '/mentors/:id',
    { schema: { tags: ['mentors'], summary: 'One mentor', params: MentorIdParams, response: { 200: Type.Ref('Mentor'), ...errorResponses(404) } } },
    async (request) => toMentorDto(await app.engine().mentors.get(request.params.id)),
  );

  app.patch(
    '/mentors/:id',
    {
      schema: {
        tags: ['mentors'],
        summary: 'Update a mentor; re-embeds only when the embedded text changed',
        params: MentorIdParams,
        body: MentorPatch,
        response: { 200: Type.Ref('Mentor'), ...errorResponses(404, 413, 415) },
      },
    },
    async (request) => toMentorDto(await app.engine().mentors.update(request.params.id, request.body)),
  );

  app.delete(
    '/mentors/:id',
    {
      schema: { tags: ['mentors'], summary: 'Delete a mentor', params: MentorIdParams, response: { 204: Type.Null(), ...errorResponses(404) } },
    },
    async (request, reply) => {
      await app.engine().mentors.delete(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/mentors/import',
    {
      schema: {
        tags: ['mentors'],
        summary: 'Bulk import (CSV, JSON Lines or a JSON array), idempotent by id; per-row errors never abort the others',
        description: 'Send the file as the body. Format from ?format= or the content type (text/csv, application/x-ndjson, application/json).',
        querystring: ImportQuery,
        response: { 200: Type.Ref('ImportResult'), ...errorResponses(413, 415) },
      },
    },
    async (request) => {
      const format = importFormat(request.query, request.headers['content-type']);
      return app.engine().imports.importStream(request.body as Readable | unknown, format);
    },
  );

  app.get(
    '/mentors/export',
    {
      schema: {
        tags: ['mentors'],
        summary: 'Export all mentors as JSON Lines (the import format)',
        response: { 200: Type.Unknown({ description: 'application/x-ndjson stream' }) },
      },
    },
    async (_request, reply) => {
      reply.type('application/x-ndjson');
      return reply.send(Readable.from(app.engine().mentors.exportJsonLines()));
    },
  );

  app.post(
    '/jobs/import',
    {
      schema: {
        tags: ['jobs', 'mentors'],
        summary: 'Bulk import as a background job; poll /api/jobs/{id} for progress',
        querystring: ImportQuery,
        response: { 202: Type.Object({ jobId: Type.String() }), ...errorResponses(413, 415) },
      },
    },
    async (request, reply) => {
      const format = importFormat(request.query, request.headers['content-type']);
      const engine = app.engine();
      // The upload is read whole first so the job can report progress against a known size.
      const data = await engine.imports.readBody(request.body as Readable | unknown);
      const job = engine.jobs.start('import', (report) => engine.imports.importBuffer(data, format, report));
      return reply.status(202).send({ jobId: job.id });
    },
  );
};

export default mentorRoutes;
