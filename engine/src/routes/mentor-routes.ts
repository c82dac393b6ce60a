import { Type } from 'typebox';
import { actorOf } from '../auth/authorize-request.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import { ImportQuery, INT32_MAX, MentorIdParams, errorResponses } from './schemas.js';
import { MentorCreate, MentorPatch } from '../domain/mentor-schema.js';
import { toMentorDto } from './mentor-dto.js';
import type { ImportFormat } from '../services/import-service.js';
import { AppError } from '../errors.js';

// Not text/plain: a page on another site may send that without the browser asking this engine first.
const importContentTypes = [
  'text/csv',
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/octet-stream',
];
/** Import routes' accepted types, as the error for any other type lists them. */
const importAccepts = ['application/json', ...importContentTypes];

const importBody = Type.Unknown({
  description: 'The file: CSV with a header row, JSON Lines (one mentor per line), or a JSON array of mentors',
});

/** Picks the import format from ?format=, else from the content type. */
function importFormat(query: { format?: ImportFormat }, contentType: string | undefined): ImportFormat {
  if (query.format) return query.format;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/json') return 'json';
  return 'jsonl';
}

export interface MentorRoutesOptions {
  /** Largest import file; other bodies keep the server's (smaller) limit. */
  importBodyLimit: number;
}

/** The import routes take files as raw bodies; the other mentor routes keep answering 415 for anything but JSON. */
const importRoutes: FastifyPluginAsyncTypebox<MentorRoutesOptions> = async (scope, { importBodyLimit }) => {
  scope.addContentTypeParser(importContentTypes, { bodyLimit: importBodyLimit }, (request, payload, done) => {
    // The stream is read, and its rows parsed, up to the limit; a body announced as larger is refused unread.
    const announced = Number(request.headers['content-length']);
    if (announced > importBodyLimit) done(new AppError('BODY_TOO_LARGE', { limit: importBodyLimit }), undefined);
    else done(null, payload);
  });

  scope.post(
    '/mentors/import',
    {
      config: { accepts: importAccepts, importFile: true },
      bodyLimit: importBodyLimit,
      schema: {
        tags: ['mentors'],
        summary:
          'Bulk import (CSV, JSON Lines or a JSON array), idempotent by id; per-row errors never abort the others',
        description:
          'Send the file as the body. Format from ?format= or the content type (text/csv, application/x-ndjson, application/json).',
        querystring: ImportQuery,
        consumes: importAccepts,
        body: importBody,
        response: { 200: Type.Ref('ImportResult'), ...errorResponses(413, 415) },
      },
    },
    async (request) => {
      const format = importFormat(request.query, request.headers['content-type']);
      const { imports } = scope.engine();
      return imports.importRows(await imports.readRows(request.body, format), undefined, undefined, actorOf(request));
    },
  );

  scope.post(
    '/jobs/import',
    {
      config: { accepts: importAccepts, importFile: true },
      bodyLimit: importBodyLimit,
      schema: {
        tags: ['jobs', 'mentors'],
        summary: 'Bulk import as a background job; poll /api/jobs/{id} for progress',
        querystring: ImportQuery,
        consumes: importAccepts,
        body: importBody,
        response: { 202: Type.Object({ jobId: Type.String() }), ...errorResponses(413, 415) },
      },
    },
    async (request, reply) => {
      const format = importFormat(request.query, request.headers['content-type']);
      const engine = scope.engine();
      // Read before the job starts: a file that cannot be read is refused in this response, and the job
      // reports progress against a known number of rows.
      const rows = await engine.imports.readRows(request.body, format);
      const actor = actorOf(request);
      const job = engine.jobs.start('import', (report, signal) =>
        engine.imports.importRows(rows, report, signal, actor),
      );
      return reply.status(202).send({ jobId: job.id });
    },
  );
};

const mentorRoutes: FastifyPluginAsyncTypebox<MentorRoutesOptions> = async (app, opts) => {
  await app.register(importRoutes, opts);

  app.get(
    '/mentors',
    {
      schema: {
        tags: ['mentors'],
        summary: 'List mentors, paged and filtered',
        querystring: Type.Object(
          {
            offset: Type.Integer({ minimum: 0, maximum: INT32_MAX, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            q: Type.Optional(Type.String({ maxLength: 200, description: 'Text search in name, headline and bio' })),
            skill: Type.Optional(Type.String({ maxLength: 80 })),
            language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$' })),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('Mentor')),
            total: Type.Integer(),
            offset: Type.Integer(),
            limit: Type.Integer(),
          }),
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
      const mentor = await app.engine().mentors.create(request.body, actorOf(request));
      return reply.status(201).send(toMentorDto(mentor));
    },
  );

  app.get(
    '/mentors/:id',
    {
      schema: {
        tags: ['mentors'],
        summary: 'One mentor',
        params: MentorIdParams,
        response: { 200: Type.Ref('Mentor'), ...errorResponses(404) },
      },
    },
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
        response: { 200: Type.Ref('Mentor'), ...errorResponses(404, 409, 413, 415) },
      },
    },
    async (request) =>
      toMentorDto(await app.engine().mentors.update(request.params.id, request.body, actorOf(request))),
  );

  app.delete(
    '/mentors/:id',
    {
      schema: {
        tags: ['mentors'],
        summary: 'Delete a mentor',
        params: MentorIdParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await app.engine().mentors.delete(request.params.id, actorOf(request));
      return reply.status(204).send(null);
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
};

export default mentorRoutes;
