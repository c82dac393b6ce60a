import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { COHORT_LIMITS } from '../assignment/cohort-file.js';
import { MAX_MENTORS_PER_MENTEE } from '../assignment/solve-assignment.js';
import { Nullable, StringEnum } from '../shared/schema-types.js';
import { errorResponses } from './schemas.js';
import { AppError } from '../errors.js';

const REASONS = ['capacity', 'fairness', 'conflict', 'forbidden', 'no-candidates'] as const;

/** A string enum or null, as one typed `enum` (see schema-types.ts for why not an anyOf). */
function NullableEnum<const T extends readonly string[]>(values: T) {
  return Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null] });
}

const Pair = Type.Object(
  { menteeId: Type.String({ minLength: 1, maxLength: 320 }), mentorId: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

const Settings = Type.Object(
  {
    mentorsPerMentee: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_MENTORS_PER_MENTEE, default: 1 })),
    objective: Type.Optional(
      StringEnum(['coverage', 'score'], {
        description: 'coverage: place the most mentees, then the best total; score: the best total alone',
      }),
    ),
    fairness: Type.Optional(
      Type.Object(
        {
          floor: Type.Optional(
            Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Literal('max-min')], {
              description: "No assigned pair below this score; 'max-min': the highest floor that places as many",
            }),
          ),
          maxMentorShare: Type.Optional(
            Type.Number({ exclusiveMinimum: 0, maximum: 1, description: "Cap on a mentor's share of the places" }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    requireAll: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Progress = Type.Object({ done: Type.Integer(), total: Nullable(Type.Integer()), stage: Type.String() });

const AssignmentDraft = Type.Object({
  id: Type.String({ format: 'uuid' }),
  source: StringEnum(['file', 'open-questions']),
  state: StringEnum(['running', 'failed', 'ready', 'published']),
  progress: Nullable(Progress),
  error: Type.Union([Type.Ref('ErrorResponse'), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  configVersion: Nullable(Type.Integer()),
  settings: Type.Object({
    k: Type.Optional(Type.Integer()),
    departmentConflicts: Type.Optional(Type.Boolean()),
    mentorsPerMentee: Type.Optional(Type.Integer()),
    objective: Type.Optional(StringEnum(['coverage', 'score'])),
    fairness: Type.Optional(
      Type.Object({
        floor: Type.Optional(Type.Union([Type.Number(), Type.Literal('max-min')])),
        maxMentorShare: Type.Optional(Type.Number()),
      }),
    ),
    requireAll: Type.Optional(Type.Boolean()),
  }),
  rowErrors: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() })),
  pins: Type.Array(Pair),
  forbids: Type.Array(Pair),
  status: NullableEnum(['optimal', 'infeasible']),
  infeasibility: Type.Array(Type.String()),
  totals: Nullable(
    Type.Object({
      mentees: Type.Integer(),
      assigned: Type.Integer(),
      unassigned: Type.Integer(),
      pairs: Type.Integer(),
      totalScore: Type.Number(),
      greedyTotalScore: Type.Number(),
      greedyAssigned: Type.Integer(),
      greedyUnassigned: Type.Integer(),
      unconstrainedTotalScore: Type.Number(),
      mentorLoadGini: Type.Number(),
      greedyMentorLoadGini: Type.Number(),
      floor: Nullable(Type.Number()),
      mentorCap: Nullable(Type.Integer()),
      scoreHistogram: Type.Array(Type.Integer(), { description: 'Assigned pairs in ten bins of 0.1 over [0, 1]' }),
    }),
  ),
  timings: Nullable(
    Type.Object({ embedMs: Type.Integer(), matchMs: Type.Integer(), buildMs: Type.Integer(), solveMs: Type.Integer() }),
  ),
  mentees: Type.Array(
    Type.Object({
      menteeId: Type.String(),
      question: Nullable(Type.String(), {
        description: "Null for mentees' open questions unless an admin lets coordinators read question texts",
      }),
      wanted: Type.Integer(),
      mentors: Type.Array(
        Type.Object({
          mentorId: Type.String(),
          name: Type.String(),
          score: Type.Number(),
          rank: Type.Integer({ description: "Position in the mentee's candidate list, from 1" }),
          pinned: Type.Boolean(),
          explanation: Type.Union([Type.Ref('Explanation'), Type.Null()]),
        }),
      ),
      unconstrainedScore: Type.Number(),
      reason: NullableEnum(REASONS),
      missed: Type.Array(Type.Object({ mentorId: Type.String(), score: Type.Number(), reason: StringEnum(REASONS) })),
      candidates: Type.Array(
        Type.Object({ mentorId: Type.String(), name: Type.String(), score: Type.Number(), conflict: Type.Boolean() }),
      ),
    }),
  ),
  published: Nullable(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      pairs: Type.Array(
        Type.Object({
          menteeId: Type.String(),
          mentorId: Type.String(),
          sessionRequestId: Nullable(Type.Integer()),
          problem: Nullable(Type.String({ description: 'NO_ACCOUNT, or the error code the session rules answered' })),
        }),
      ),
    }),
  ),
});

const DraftParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export interface AssignmentRoutesOptions {
  /** Largest cohort body: a file's text in one string, so as large as an import file may be (BODY_LIMIT_BYTES). */
  cohortBodyLimit: number;
}

const assignmentRoutes: FastifyPluginAsyncTypebox<AssignmentRoutesOptions> = async (app, { cohortBodyLimit }) => {
  app.post(
    '/assignments',
    {
      bodyLimit: cohortBodyLimit,
      schema: {
        tags: ['assignments'],
        summary:
          "Assign a cohort (a file, or mentees' open questions): match, then solve; poll GET /api/assignments/{id}",
        body: Type.Object(
          {
            cohort: Type.Optional(
              Type.Object(
                {
                  format: StringEnum(['csv', 'jsonl']),
                  text: Type.String({
                    minLength: 1,
                    description: `CSV with a header row or JSON Lines: id or email, question, and optionally languages, timezone, department, career_start_year, preferred_mentors, excluded_mentors, mentors; at most ${COHORT_LIMITS.rowsMax} rows`,
                  }),
                },
                { additionalProperties: false },
              ),
            ),
            openQuestions: Type.Optional(
              Type.Object(
                {
                  days: Type.Integer({
                    minimum: 1,
                    maximum: 365,
                    description:
                      "Instead of a file: each signed-in mentee's newest question of these days that no session request was sent with",
                  }),
                },
                { additionalProperties: false },
              ),
            ),
            k: Type.Optional(
              Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Candidates per mentee' }),
            ),
            departmentConflicts: Type.Optional(
              Type.Boolean({
                description:
                  "A mentor whose user is in the mentee's department (the file's department column) is a conflict",
              }),
            ),
            settings: Type.Optional(Settings),
          },
          { additionalProperties: false },
        ),
        response: { 202: AssignmentDraft, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { cohort, openQuestions, k, departmentConflicts, settings } = request.body;
      const options = {
        ...(settings ?? {}),
        ...(k ? { k } : {}),
        ...(departmentConflicts !== undefined ? { departmentConflicts } : {}),
      };
      if ((cohort === undefined) === (openQuestions === undefined))
        throw new AppError('VALIDATION_FAILED', { detail: 'send either cohort (a file) or openQuestions, not both' });
      const drafts = app.engine().assignmentDrafts;
      const draft = cohort
        ? await drafts.create(cohort, options)
        : await drafts.createFromOpenQuestions(openQuestions!.days, options);
      return reply.status(202).send(draft);
    },
  );

  app.get(
    '/assignments/:id',
    {
      schema: {
        tags: ['assignments'],
        summary: 'An assignment draft: progress while matching, then the outcome against greedy and the best',
        params: DraftParams,
        response: { 200: AssignmentDraft, ...errorResponses(404) },
      },
    },
    async (request) => app.engine().assignmentDrafts.get(request.params.id.toLowerCase()),
  );

  app.post(
    '/assignments/:id/solve',
    {
      schema: {
        tags: ['assignments'],
        summary: 'Solve a draft again with pins (pairs kept), forbids (pairs ruled out) and settings',
        params: DraftParams,
        body: Type.Object(
          {
            pins: Type.Optional(Type.Array(Pair, { maxItems: 10_000 })),
            forbids: Type.Optional(Type.Array(Pair, { maxItems: 10_000 })),
            settings: Type.Optional(Settings),
          },
          { additionalProperties: false },
        ),
        response: { 200: AssignmentDraft, ...errorResponses(404, 409) },
      },
    },
    async (request) => app.engine().assignmentDrafts.resolve(request.params.id.toLowerCase(), request.body),
  );

  app.post(
    '/assignments/:id/publish',
    {
      schema: {
        tags: ['assignments'],
        summary: 'Publish a draft: a session request for every assigned pair, sent as the mentee with their question',
        params: DraftParams,
        response: { 200: AssignmentDraft, ...errorResponses(404, 409) },
      },
    },
    async (request) => app.engine().assignmentDrafts.publish(request.params.id.toLowerCase()),
  );
};

export default assignmentRoutes;
