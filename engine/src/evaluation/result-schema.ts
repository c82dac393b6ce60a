import { type Static, Type } from 'typebox';

/**
 * The one definition of an evaluation's result: the engine's types derive from these schemas, and the API
 * answers with them. The response serializer drops what a schema leaves out, so a field the engine added
 * beside its schema would vanish from the API silently; defined here once, it cannot.
 */

const Interval = Type.Tuple([Type.Number(), Type.Number()], { description: 'Bootstrap interval [low, high]' });

export const MetricResultSchema = Type.Object({
  name: Type.String(),
  value: Type.Number(),
  ci: Interval,
  n: Type.Integer({
    description: 'Units the value averages over: experts for pairwise metrics, queries for ranking metrics',
  }),
});
export type MetricResult = Static<typeof MetricResultSchema>;

export const ExposureResultSchema = Type.Object({
  k: Type.Integer(),
  gini: Type.Number(),
  giniCi: Interval,
  neverShown: Type.Number(),
  neverShownCi: Interval,
  lorenz: Type.Array(Type.Object({ population: Type.Number(), exposure: Type.Number() })),
});
export type ExposureResult = Static<typeof ExposureResultSchema>;

export const ConfigResultSchema = Type.Object({
  name: Type.String(),
  metrics: Type.Array(MetricResultSchema),
  versusBaseline: Type.Optional(
    Type.Object(
      { baseline: Type.String(), deltas: Type.Array(MetricResultSchema) },
      {
        // The same resampled experts or queries for both: an interval excluding 0 is a difference the data
        // supports, which two overlapping per-configuration intervals cannot show.
        description: 'This configuration minus the first one, metric by metric, with paired bootstrap intervals',
      },
    ),
  ),
  exposure: ExposureResultSchema,
});
export type ConfigResult = Static<typeof ConfigResultSchema>;

const evaluationResultProperties = {
  dataset: Type.String(),
  checksum: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  datasetOptions: Type.Record(Type.String(), Type.Unknown()),
  meta: Type.Record(
    Type.String(),
    Type.Unsafe<string | number | boolean | null>({ type: ['string', 'number', 'boolean', 'null'] }),
    { description: 'Recorded as is (model id, weight-config version, ...) so a run can be reproduced' },
  ),
  settings: Type.Object({
    seed: Type.Integer(),
    bootstrapSamples: Type.Integer(),
    level: Type.Number(),
    relevanceThreshold: Type.Number(),
    ks: Type.Array(Type.Integer()),
    ndcgK: Type.Integer(),
    exposureK: Type.Integer(),
    pairwise: Type.Object({ high: Type.Number(), low: Type.Number() }),
  }),
  counts: Type.Object({
    mentors: Type.Integer(),
    queries: Type.Integer(),
    judgments: Type.Integer(),
    judgedQueries: Type.Integer(),
    queriesWithRelevant: Type.Integer(),
    ratingExperts: Type.Integer(),
    pairs: Type.Integer(),
  }),
  configs: Type.Array(ConfigResultSchema),
};

/** What `runEvaluation` returns. */
export const EvaluationResultSchema = Type.Object(evaluationResultProperties);
export type EvaluationResult = Static<typeof EvaluationResultSchema>;

/** What a finished evaluation job holds and GET /api/evaluation/runs/{id} answers: the result and the id its exports go by. */
export const EvaluationRunResultSchema = Type.Object(
  {
    runId: Type.String({ description: 'Id for /api/evaluation/runs/{id} and its exports' }),
    ...evaluationResultProperties,
  },
  { $id: 'EvaluationResult', title: 'EvaluationResult' },
);
export type EvaluationRunResult = Static<typeof EvaluationRunResultSchema>;
