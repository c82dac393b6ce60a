import { Readable } from 'node:stream';
import { type Static, Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OFF_POLICY_MAX_QUESTIONS } from '../services/off-policy-estimate.js';
import { outcomesCsv } from '../services/outcome-log.js';
import { errorResponses, Nullable, RowId, StringEnum } from './schemas.js';

const OutcomeRow = Type.Object(
  {
    requestId: Type.Integer({ description: 'The question (mentee request) the mentor was served for' }),
    askedAt: Type.String({ format: 'date-time' }),
    mentee: Nullable(Type.String({ description: 'Pseudonym of the mentee; null when asked anonymously' })),
    mentor: Type.String({ description: 'Pseudonym of the mentor' }),
    rank: Type.Integer(),
    score: Type.Number(),
    configVersion: Nullable(Type.Integer()),
    propensity: Nullable(
      Type.Number({ description: 'Probability of showing this mentor at this rank; null unless logged' }),
    ),
    factors: Type.Record(Type.String(), Type.Number(), { description: 'Each factor’s signal as served, by name' }),
    requested: Type.Boolean({ description: 'The mentee asked this mentor for a session for this question' }),
    state: Nullable(Type.String({ description: 'The state the session request reached; null when none was sent' })),
    requestedAt: Nullable(Type.String({ format: 'date-time' })),
    answeredAt: Nullable(Type.String({ format: 'date-time' })),
    helpfulness: Nullable(Type.Integer({ minimum: 1, maximum: 5, description: "The mentee's rating" })),
    rightPerson: Type.Unsafe<'yes' | 'partly' | 'no' | null>({
      type: ['string', 'null'],
      enum: ['yes', 'partly', 'no', null],
      description: 'Whether the mentee found the mentor the right person for the question',
    }),
  },
  { additionalProperties: false },
);

const OutcomePageSchema = Type.Object({
  items: Type.Array(OutcomeRow),
  nextAfter: Nullable(Type.Integer(), { description: 'Pass as `after` for the next page' }),
});
type OutcomePage = Static<typeof OutcomePageSchema>;

const OffPolicyReportSchema = Type.Object(
  {
    configVersion: Nullable(Type.Integer()),
    reward: Type.Literal('requests per question'),
    questions: Type.Integer({ description: 'Logged questions the estimate uses' }),
    impressions: Type.Integer({ description: 'Mentors shown for them' }),
    skipped: Type.Integer({
      description: 'Logged questions without propensities (served before they were logged) or text',
    }),
    observed: Nullable(Type.Number({ description: 'Requests per question the logging configurations got' })),
    estimate: Nullable(
      Type.Object({
        value: Type.Number({ description: 'Requests per question expected under this configuration' }),
        ci: Type.Tuple([Type.Number(), Type.Number()], { description: '95% bootstrap interval over questions' }),
        effectiveQuestions: Type.Number({ description: 'Kish’s effective number of questions behind the estimate' }),
      }),
    ),
    support: Nullable(
      Type.Number({
        description: 'Share of the configuration’s answers on mentors the log showed for the same question (0–1)',
      }),
    ),
  },
  { additionalProperties: false },
);

const outcomeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/evaluation/outcomes',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'The outcome log: every mentor served for a question, its rank and score, and what happened next',
        description:
          'One row per served match, by question then rank, with pseudonyms instead of people and no text. JSON ' +
          'pages through the questions (`after`: the previous page’s `nextAfter`); `format=csv` downloads every ' +
          'row the period keeps.',
        querystring: Type.Object(
          {
            format: StringEnum(['json', 'csv'], { default: 'json' }),
            since: Type.Optional(Type.String({ format: 'date-time', description: 'Questions asked from then on' })),
            until: Type.Optional(Type.String({ format: 'date-time', description: 'Questions asked before then' })),
            after: Type.Optional(RowId()),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Questions per page (JSON)' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: OutcomePageSchema,
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const { format, after, limit } = request.query;
      const filter = {
        since: request.query.since === undefined ? undefined : new Date(request.query.since),
        until: request.query.until === undefined ? undefined : new Date(request.query.until),
      };
      const log = app.engine().outcomeLog;
      if (format === 'csv') {
        reply.header('content-disposition', 'attachment; filename="outcomes.csv"');
        // A stream is sent as it is, never through the JSON schema's serializer, which types `send` alone.
        const csv = Readable.from(outcomesCsv(log.all(filter))) as unknown as OutcomePage;
        return reply.type('text/csv; charset=utf-8').send(csv);
      }
      return log.page({ ...filter, after, questions: limit });
    },
  );

  app.get(
    '/evaluation/off-policy',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'A configuration’s requests per question, estimated from the outcome log before it is activated',
        description:
          `The newest ${OFF_POLICY_MAX_QUESTIONS} logged questions are asked again under the configuration (not ` +
          'recorded); the logged propensities and requests give a self-normalised inverse-propensity estimate. It ' +
          'can only speak for mentors the logging configurations showed: `support` says how much of the ' +
          'configuration’s answers falls on them; the rest is extrapolated. Questions are asked against today’s ' +
          'mentors.',
        querystring: Type.Object(
          {
            config: Type.String({
              pattern: '^(active|[1-9][0-9]*)$',
              default: 'active',
              description: '`active` or a stored configuration version',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: OffPolicyReportSchema, ...errorResponses() },
      },
    },
    async (request) => {
      const { config } = request.query;
      const configs = app.engine().configs;
      const draft = config === 'active' ? await configs.getActive() : await configs.resolve(Number(config));
      return app.engine().offPolicy.estimate(draft);
    },
  );
};

export default outcomeRoutes;
