import { Type, type Static, type TSchema } from 'typebox';
import { MENTOR_LIMITS } from '../domain/mentor-validation.js';

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

/** Every route answers these with the error shape; routes add their specific ones. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [400, 500, ...statuses]) out[s] = Type.Ref('ErrorResponse');
  return out;
}

const id = Type.String({ pattern: MENTOR_LIMITS.id.source, description: 'Stable external id' });

export const Mentor = Type.Object(
  {
    id,
    name: Type.String(),
    headline: Type.String(),
    bio: Type.String(),
    skills: Type.Array(Type.String()),
    languages: Type.Array(Type.String()),
    timezone: Type.String(),
    location: Type.Union([Type.String(), Type.Null()]),
    yearsExperience: Type.Integer(),
    capacityPerMonth: Type.Integer(),
    active: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Mentor', title: 'Mentor' },
);
export type MentorDto = Static<typeof Mentor>;

const mentorFields = {
  name: Type.String({ minLength: 1, maxLength: MENTOR_LIMITS.nameMax }),
  headline: Type.String({ maxLength: MENTOR_LIMITS.headlineMax }),
  bio: Type.String({ minLength: 1, maxLength: MENTOR_LIMITS.bioMax }),
  skills: Type.Array(Type.String({ minLength: 1, maxLength: MENTOR_LIMITS.skillMax }), { maxItems: MENTOR_LIMITS.skillsMax }),
  languages: Type.Array(Type.String({ pattern: MENTOR_LIMITS.language.source }), { maxItems: MENTOR_LIMITS.languagesMax }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
  location: Type.Union([Type.String({ maxLength: MENTOR_LIMITS.locationMax }), Type.Null()]),
  yearsExperience: Type.Integer({ minimum: 0, maximum: MENTOR_LIMITS.yearsMax }),
  capacityPerMonth: Type.Integer({ minimum: 0, maximum: MENTOR_LIMITS.capacityMax }),
  active: Type.Boolean(),
};

export const MentorCreate = Type.Object(
  {
    id,
    name: mentorFields.name,
    headline: Type.Optional(mentorFields.headline),
    bio: mentorFields.bio,
    skills: Type.Optional(mentorFields.skills),
    languages: Type.Optional(mentorFields.languages),
    timezone: mentorFields.timezone,
    location: Type.Optional(mentorFields.location),
    yearsExperience: mentorFields.yearsExperience,
    capacityPerMonth: Type.Optional(mentorFields.capacityPerMonth),
    active: Type.Optional(mentorFields.active),
  },
  { $id: 'MentorCreate', title: 'MentorCreate', additionalProperties: false },
);

export const MentorPatch = Type.Object(
  {
    name: Type.Optional(mentorFields.name),
    headline: Type.Optional(mentorFields.headline),
    bio: Type.Optional(mentorFields.bio),
    skills: Type.Optional(mentorFields.skills),
    languages: Type.Optional(mentorFields.languages),
    timezone: Type.Optional(mentorFields.timezone),
    location: Type.Optional(mentorFields.location),
    yearsExperience: Type.Optional(mentorFields.yearsExperience),
    capacityPerMonth: Type.Optional(mentorFields.capacityPerMonth),
    active: Type.Optional(mentorFields.active),
  },
  { $id: 'MentorPatch', title: 'MentorPatch', additionalProperties: false, minProperties: 1 },
);

export const MentorIdParams = Type.Object({ id }, { additionalProperties: false });

export const ImportRowError = Type.Object(
  {
    row: Type.Integer({ description: '1-based row number in the file (header excluded for CSV)' }),
    id: Type.Optional(Type.String()),
    code: Type.String(),
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
  },
  { $id: 'ImportResult', title: 'ImportResult' },
);
export type ImportResultDto = Static<typeof ImportResult>;

export const ImportQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl'), Type.Literal('json')])) },
  { additionalProperties: false },
);

export const Job = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
    progress: Type.Object({ done: Type.Number(), total: Type.Union([Type.Number(), Type.Null()]), stage: Type.String() }),
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(Type.Ref('ErrorResponse')),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Job', title: 'Job' },
);

export const sharedSchemas = [ErrorResponse, Mentor, MentorCreate, MentorPatch, ImportRowError, ImportResult, Job];
