import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, Nullable, StringEnum, VersionNumber } from './schemas.js';
import { predictionsExport, resultsToCsv } from '../evaluation/results-format.js';
import { AppError } from '../errors.js';

const RunParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

const evaluationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/evaluation/datasets',
    {
      schema: {
        tags: ['evaluation'],
        summary:
          'Labelled datasets the engine knows; one whose files are missing is not available and says how to get them',
        response: {
          200: Type.Array(
            Type.Object({
              name: Type.String(),
              kind: Type.String(),
              available: Type.Boolean({ description: 'Every file the dataset needs is in its folder' }),
              howToGet: Nullable(Type.String(), {
                description: 'When not available: the files it needs, where they go and where the data comes from',
              }),
            }),
          ),
          ...errorResponses(),
        },
      },
    },
    async () =>
      app
        .engine()
        .evaluation.datasets()
        .map(({ name, kind, available, howToGet }) => ({ name, kind, available, howToGet })),
  );

  app.post(
    '/evaluation/runs',
    {
      schema: {
        tags: ['evaluation'],
        summary:
          'Start an evaluation run as a job; poll /api/jobs/{id}; the finished job holds the result and its runId',
        body: Type.Object(
          {
            dataset: Type.String({ minLength: 1, maxLength: 100 }),
            configs: Type.Array(Type.Union([VersionNumber(), StringEnum(['active', 'research'])]), {
              minItems: 1,
              maxItems: 10,
              uniqueItems: true,
              description:
                'Stored versions, "active", or "research" (the gold-standard preset, see docs/evaluation.md)',
            }),
            baselines: Type.Optional(Type.Boolean({ default: true })),
            seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
            bootstrapSamples: Type.Optional(Type.Integer({ minimum: 10, maximum: 10_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ jobId: Type.String() }), ...errorResponses(404, 429) },
      },
    },
    async (request, reply) => {
      const evaluation = app.engine().evaluation;
      // Unknown datasets and configurations are refused now, not as a failed job later.
      await evaluation.scorers(request.body.configs, false);
      evaluation.requireDataset(request.body.dataset);
      const job = evaluation.start(request.body);
      return reply.status(202).send({ jobId: job.id });
    },
  );

  app.get(
    '/evaluation/runs/:id',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'The result of a finished run, the same one its job holds',
        params: RunParams,
        response: { 200: Type.Ref('EvaluationResult'), ...errorResponses(404) },
      },
    },
    async (request) => ({ runId: request.params.id, ...app.engine().evaluation.get(request.params.id).result }),
  );

  app.get(
    '/evaluation/runs/:id/export',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'Download a finished run: metrics as JSON or CSV, or the per-mentor score export (predictions)',
        params: RunParams,
        querystring: Type.Object(
          {
            format: StringEnum(['json', 'csv', 'predictions'], { default: 'json' }),
            config: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const run = app.engine().evaluation.get(request.params.id);
      const { format, config } = request.query;
      if (format === 'csv') {
        return reply
          .type('text/csv')
          .header('content-disposition', `attachment; filename="evaluation-${request.params.id}.csv"`)
          .send(resultsToCsv(run.result));
      }
      reply.header(
        'content-disposition',
        `attachment; filename="${format === 'predictions' ? 'predictions' : 'evaluation'}-${request.params.id}.json"`,
      );
      if (format === 'predictions') {
        const name = config ?? run.result.configs[0]!.name;
        const scores = run.scores.get(name);
        if (!scores)
          throw new AppError('EVALUATION_CONFIG_NOT_FOUND', {
            id: request.params.id,
            config: name,
            names: [...run.scores.keys()].join(', '),
          });
        return predictionsExport(scores);
      }
      return run.result;
    },
  );
};

export default evaluationRoutes;
