import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { configSchemaErrors, errorResponses, Nullable, StringEnum, VersionNumber } from './schemas.js';
import { WeightConfigInput } from '../matching/weight-config-schema.js';
import { MetricResultSchema } from '../evaluation/result-schema.js';
import { AppError } from '../errors.js';
import { toMentorDto } from './mentor-dto.js';
import type { MatchRequest, MatchResult } from '../services/match-service.js';
import { NOT_BLANK } from '../validator-compiler.js';
import type { AdmissionGate } from '../admission-control.js';

const language = Type.String({ pattern: '^[a-z]{2,3}$' });
const hour = Type.Number({ minimum: 0, maximum: 24 });

const MatchFilters = Type.Object(
  {
    languages: Type.Optional(
      Type.Array(language, { maxItems: 20, description: 'Languages the mentee speaks; mentors must share one' }),
    ),
    requiredLanguages: Type.Optional(
      Type.Array(language, { maxItems: 20, description: 'Languages the mentor must speak, every one' }),
    ),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "The mentee's IANA time zone" })),
    availability: Type.Optional(
      Type.Object(
        { startHour: hour, endHour: hour, required: Type.Optional(Type.Boolean()) },
        { additionalProperties: false, description: "The mentee's free hours, local time" },
      ),
    ),
    minCapacity: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100, description: 'Minimum free sessions left this month' }),
    ),
  },
  { additionalProperties: false },
);

const DiffSummary = Type.Object(
  { up: Type.Integer(), down: Type.Integer(), new: Type.Integer(), dropped: Type.Integer(), unchanged: Type.Integer() },
  { description: 'How many mentors each kind of change concerns' },
);

const MatchBody = Type.Object(
  {
    text: Type.String({
      minLength: 1,
      maxLength: 5000,
      pattern: NOT_BLANK,
      description: "The mentee's problem in free text",
    }),
    k: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    filters: Type.Optional(MatchFilters),
    menteeYearsExperience: Type.Optional(Type.Integer({ minimum: 0, maximum: 70 })),
    exclude: Type.Optional(
      Type.Array(Type.String({ maxLength: 128 }), { maxItems: 200, description: 'Mentor ids never to propose' }),
    ),
  },
  { additionalProperties: false },
);

const MatchResponse = Type.Object({
  requestId: Nullable(Type.Integer()),
  configVersion: Nullable(Type.Integer()),
  candidates: Type.Integer({ description: 'Mentors retrieved before ranking' }),
  eligible: Type.Integer({ description: 'Candidates that passed the hard rules' }),
  matches: Type.Array(Type.Ref('Match')),
  confidence: Type.Object(
    {
      value: Type.Number({ description: '0 to 1: half the agreement, half the margin (saturating at 0.1)' }),
      margin: Type.Number({ description: 'Score of the best mentor minus that of the fifth' }),
      agreement: Type.Number({
        description: 'Share of the five closest by meaning that are also among the five closest by shared words',
      }),
      low: Type.Boolean({ description: 'No profile is clearly about this question: show the mentee a warning' }),
    },
    { description: 'How clearly the best candidates are about the question (docs/evaluation.md, calibration)' },
  ),
  timings: Type.Object({
    embedMs: Type.Number(),
    retrieveMs: Type.Number(),
    rankMs: Type.Number(),
    totalMs: Type.Number(),
  }),
});

const RankedBrief = Type.Object({
  configVersion: Nullable(Type.Integer()),
  matches: Type.Array(Type.Ref('Match')),
});

const PreviewBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 5000, pattern: NOT_BLANK }),
    k: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    filters: Type.Optional(MatchFilters),
    draft: Type.Optional(WeightConfigInput),
    draftVersion: Type.Optional(VersionNumber()),
    dataset: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Also score both configurations on this labelled dataset (GET /api/evaluation/datasets)',
      }),
    ),
  },
  { additionalProperties: false },
);

const DiffEntry = Type.Object({
  externalId: Type.String(),
  activeRank: Nullable(Type.Integer()),
  draftRank: Nullable(Type.Integer()),
  activeScore: Nullable(Type.Number()),
  draftScore: Nullable(Type.Number()),
  change: StringEnum(['up', 'down', 'new', 'dropped', 'unchanged']),
  moved: Type.Integer(),
});

function toMatchDto(r: MatchResult) {
  return r.matches.map((m) => ({
    rank: m.rank,
    mentor: toMentorDto(m.mentor),
    score: m.score,
    explanation: m.explanation,
  }));
}

function toRequest(body: Static<typeof MatchBody> | Static<typeof PreviewBody>): MatchRequest {
  return { ...body } as MatchRequest;
}

const matchRoutes: FastifyPluginAsyncTypebox<{ admission: AdmissionGate }> = async (app, opts) => {
  app.post(
    '/match',
    {
      schema: {
        tags: ['match'],
        summary: 'Ranked mentors for a free-text problem, each with a per-factor score breakdown, evidence and reasons',
        body: MatchBody,
        response: { 200: MatchResponse, ...errorResponses(413, 415, 503) },
      },
    },
    async (request) => {
      const p = request.principal;
      const askedBy = p?.kind === 'user' ? p.user.id : null;
      const result = await opts.admission.run(() => app.engine().matcher.match(toRequest(request.body), { askedBy }));
      return { ...result, matches: toMatchDto(result) };
    },
  );

  app.post(
    '/match/preview',
    {
      schemaErrorFormatter: configSchemaErrors,
      schema: {
        tags: ['match', 'configs'],
        summary: 'The same request under the active configuration and a draft, side by side, with the diff',
        description: 'Give the draft inline (`draft`) or as a stored version (`draftVersion`). Nothing is recorded.',
        body: PreviewBody,
        response: {
          200: Type.Object({
            active: RankedBrief,
            draft: RankedBrief,
            diff: Type.Object({ entries: Type.Array(DiffEntry), summary: DiffSummary }),
            metrics: Type.Optional(
              Type.Object({
                dataset: Type.String(),
                active: Type.Array(MetricResultSchema),
                draft: Type.Array(MetricResultSchema),
              }),
            ),
          }),
          ...errorResponses(404, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request) => {
      const engine = app.engine();
      const { draft, draftVersion, dataset, ...rest } = request.body;
      if ((draft === undefined) === (draftVersion === undefined)) {
        const detail =
          draft === undefined
            ? 'give the draft configuration inline (draft) or as a stored version (draftVersion)'
            : 'give draft or draftVersion, not both';
        throw new AppError('VALIDATION_FAILED', { detail });
      }
      const config =
        draftVersion !== undefined
          ? await engine.configs.resolve(draftVersion)
          : { version: null, ...engine.configs.validate(draft ?? { weights: {} }) };
      const result = await engine.matcher.preview(toRequest(rest), config);
      const metrics =
        dataset === undefined
          ? undefined
          : { dataset, ...(await engine.evaluation.compareConfigs(dataset, await engine.configs.getActive(), config)) };
      return {
        ...(metrics ? { metrics } : {}),
        active: { configVersion: result.active.configVersion, matches: toMatchDto(result.active) },
        draft: { configVersion: result.draft.configVersion, matches: toMatchDto(result.draft) },
        diff: result.diff,
      };
    },
  );

  app.get(
    '/requests/recent',
    {
      schema: {
        tags: ['match'],
        summary: 'Recent mentee questions (samples for the weights lab)',
        description:
          "Each question's text is null unless an admin lets coordinators read question texts (PATCH /api/settings/privacy).",
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.Integer(),
              text: Nullable(Type.String({ description: "Null: hidden by the programme's privacy setting" })),
              configVersion: Nullable(Type.Integer()),
              createdAt: Type.String({ format: 'date-time' }),
            }),
          ),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const engine = app.engine();
      const { coordinatorsSeeQuestionTexts } = await engine.settings.privacy();
      return (await engine.matcher.recentRequests(request.query.limit)).map((r) => ({
        id: r.id,
        text: coordinatorsSeeQuestionTexts ? r.text : null,
        configVersion: r.configVersion,
        createdAt: new Date(r.createdAt).toISOString(),
      }));
    },
  );
};

export default matchRoutes;
