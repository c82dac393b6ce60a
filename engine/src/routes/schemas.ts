import { Type, type Static, type TSchema } from 'typebox';
import { MentorCreate, MentorFieldsSchema, MentorId, MentorPatch } from '../domain/mentor-schema.js';
import { Nullable, StringEnum } from '../shared/schema-types.js';
import { MatchRulesSchema, WeightsSchema } from '../matching/weight-config-schema.js';
import { FACTOR_NAMES } from '../matching/weights.js';
import { AppError } from '../errors.js';
import { describeSchemaError } from '../validator-compiler.js';
import type { FastifySchemaValidationError } from 'fastify';
import { EvaluationRunResultSchema } from '../evaluation/result-schema.js';
import { IMPORT_ROW_ERROR_CODES } from '../services/import-service.js';

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    error: Type.String(),
    message: Type.String({ description: 'What was wrong and what was expected' }),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'ErrorResponse', title: 'ErrorResponse' },
);

/**
 * Numbers the database stores as a PostgreSQL integer (configuration versions, offsets) end at 2³¹ − 1 and
 * bigint ids at JavaScript's safe integers: a larger one is refused by the schema, not by the database.
 */
export const INT32_MAX = 2_147_483_647;
export const VersionNumber = (options: { description?: string } = {}) =>
  Type.Integer({ minimum: 1, maximum: INT32_MAX, ...options });
export const RowId = () => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** Every route answers these with the error shape; routes add their specific ones. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [400, 401, 403, 500, ...statuses]) out[s] = Type.Ref('ErrorResponse');
  return out;
}

// Defined beside the domain's schemas, which use them too; routes keep importing them from here.
export { Nullable, StringEnum };

export const Mentor = Type.Object(
  {
    id: MentorId,
    ...MentorFieldsSchema.properties,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Mentor', title: 'Mentor' },
);
export type MentorDto = Static<typeof Mentor>;

export const MentorIdParams = Type.Object({ id: MentorId }, { additionalProperties: false });

export const ImportRowError = Type.Object(
  {
    row: Type.Integer({ description: '1-based row number in the file (header excluded for CSV)' }),
    id: Type.Optional(Type.String()),
    code: StringEnum(IMPORT_ROW_ERROR_CODES),
    message: Type.String(),
  },
  { $id: 'ImportRowError', title: 'ImportRowError' },
);

export const ImportResult = Type.Object(
  {
    rows: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    failed: Type.Integer(),
    errors: Type.Array(Type.Ref('ImportRowError')),
    warnings: Type.Array(Type.String(), {
      description:
        "Remarks that failed no row: a column that is not a mentor field, or a row's email that could not be linked to its mentor",
    }),
  },
  { $id: 'ImportResult', title: 'ImportResult' },
);

export const ImportQuery = Type.Object(
  { format: Type.Optional(StringEnum(['csv', 'jsonl', 'json'])) },
  { additionalProperties: false },
);

export const Job = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    state: StringEnum(['running', 'done', 'failed']),
    progress: Type.Object({ done: Type.Number(), total: Nullable(Type.Number()), stage: Type.String() }),
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(Type.Ref('ErrorResponse')),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'Job', title: 'Job' },
);

const Factor = Type.Object({
  name: StringEnum(FACTOR_NAMES),
  value: Type.Number({ description: 'The signal in [0, 1]' }),
  weight: Type.Number(),
  contribution: Type.Number({ description: 'value × weight / sum of weights; contributions add up to the score' }),
});

export const Explanation = Type.Object(
  {
    factors: Type.Array(Factor),
    evidence: Type.Array(
      Type.Object({
        kind: Type.Literal('passage'),
        text: Type.String({ description: 'Exactly mentor.bio.slice(start, end)' }),
        start: Type.Integer(),
        end: Type.Integer(),
        similarity: Type.Number(),
      }),
    ),
    terms: Type.Array(
      Type.Object({
        term: Type.String(),
        questionStart: Type.Integer(),
        questionEnd: Type.Integer(),
        field: StringEnum(['bio', 'headline', 'skills']),
        skillIndex: Type.Optional(Type.Integer()),
        mentorStart: Type.Integer(),
        mentorEnd: Type.Integer(),
      }),
    ),
    skills: Type.Array(
      Type.Object({
        skill: Type.String(),
        key: Type.String(),
        questionStart: Type.Integer(),
        questionEnd: Type.Integer(),
        skillIndex: Type.Integer(),
        mentorSkill: Type.String(),
      }),
    ),
    reasons: Type.Array(Type.String()),
    reasonFactors: Type.Array(StringEnum(FACTOR_NAMES), {
      description: 'The factors the reasons speak of, in the order they do',
    }),
  },
  { $id: 'Explanation', title: 'Explanation' },
);

export const Match = Type.Object(
  {
    rank: Type.Integer(),
    mentor: Type.Ref('Mentor'),
    score: Type.Number({ description: 'Weighted score in [0, 1]' }),
    explanation: Type.Ref('Explanation'),
  },
  { $id: 'Match', title: 'Match' },
);

/**
 * Weight configuration routes answer a problem inside `weights` or `rules` (of the body, or of its `draft`) as 422
 * CONFIG_INVALID, as they answer what only the service can check (no positive weight); the rest of a body that
 * fails its schema stays a 400.
 */
export function configSchemaErrors(errors: FastifySchemaValidationError[], context: string): Error {
  const first = errors[0];
  if (context === 'body' && first && /^(\/draft)?\/(weights|rules)(\/|$)/.test(first.instancePath)) {
    const problems = errors.map((e) => describeSchemaError(e, ''));
    return new AppError('CONFIG_INVALID', { detail: problems.join('; ') }, { problems });
  }
  // Fastify attaches the errors themselves; the error handler words them.
  return new Error('the request does not match its schema');
}

const ConfigEvent = Type.Object({
  id: Type.Integer(),
  action: Type.String(),
  actor: Type.String(),
  detail: Type.Unknown(),
  at: Type.String({ format: 'date-time' }),
});

export const WeightConfigDto = Type.Object(
  {
    version: Type.Integer(),
    name: Type.String(),
    status: StringEnum(['draft', 'active', 'archived']),
    weights: WeightsSchema,
    rules: MatchRulesSchema,
    basedOn: Nullable(Type.Integer()),
    note: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedBy: Type.String(),
    updatedAt: Type.String({ format: 'date-time' }),
    activatedBy: Nullable(Type.String()),
    activatedAt: Nullable(Type.String({ format: 'date-time' })),
    events: Type.Optional(Type.Array(ConfigEvent)),
  },
  { $id: 'WeightConfig', title: 'WeightConfig' },
);

/** Defined with the evaluation, whose result types derive from it. */
export const EvaluationResult = EvaluationRunResultSchema;

// Every schema that a route references by $id lives here and is added once at the root: a route plugin
// that called addSchema itself would get Fastify's default validator (coercing types, silently dropping
// unknown properties) instead of the strict one from validator-compiler.ts.
export const sharedSchemas = [
  ErrorResponse,
  Mentor,
  MentorCreate,
  MentorPatch,
  ImportRowError,
  ImportResult,
  Job,
  Explanation,
  Match,
  WeightConfigDto,
  EvaluationResult,
];
