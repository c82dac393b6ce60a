import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mentorLoadsCsv } from '../programme/programme-csv.js';
import { errorResponses, Nullable, StringEnum } from './schemas.js';

const Day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const Rate = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1, description }));

const LorenzPointSchema = Type.Object({
  population: Type.Number({ description: 'Share of active mentors, least requested (or shown) first' }),
  exposure: Type.Number({ description: 'Their share of all requests (or shows)' }),
});

const MentorLoadSchema = Type.Object({
  mentorId: Type.String(),
  name: Nullable(Type.String({ description: 'Null for researchers, who read mentors by their id' })),
  active: Type.Boolean(),
  capacityPerMonth: Type.Integer(),
  capacity: Type.Integer({ description: 'capacityPerMonth times the calendar months the period touches' }),
  served: Type.Integer({ description: "Times the ranker showed the mentor to the period's questions" }),
  requested: Type.Integer({ description: 'Session requests made in the period' }),
  accepted: Type.Integer({
    description: "Sessions charged to the period's months (their slot's month) and not cancelled",
  }),
  completed: Type.Integer({ description: 'Requests made in the period that ended completed' }),
  capacityUsed: Rate('accepted / capacity; null when the mentor offers no sessions'),
});

const ProgrammeSchema = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String(), months: Type.Integer() }),
  department: Nullable(Type.String()),
  departments: Type.Array(Type.String(), { description: 'The departments users name, to filter by' }),
  funnel: Type.Object(
    {
      asked: Type.Integer({ description: 'Questions asked' }),
      requested: Type.Integer(),
      accepted: Type.Integer({ description: 'Requests the mentor accepted (whatever became of the session)' }),
      completed: Type.Integer(),
      rated: Type.Integer({ description: 'Completed sessions the mentee rated' }),
    },
    { description: 'Requests made in the period, and how far each got' },
  ),
  medianHoursToAnswer: Nullable(Type.Number()),
  acceptanceRate: Rate('Accepted among requests accepted, declined or expired'),
  noShowRate: Rate('No-shows among sessions completed or missed'),
  satisfaction: Type.Object({
    ratings: Type.Integer({ description: "Mentees' ratings of the period's sessions" }),
    meanHelpfulness: Nullable(Type.Number({ description: '1 to 5' })),
    rightPersonYesShare: Rate('Share of ratings saying the mentor was the right person'),
    withheld: Type.Boolean({ description: 'Too few ratings to show their means without exposing the raters' }),
  }),
  exposure: Type.Object({
    activeMentors: Type.Integer(),
    requestsGini: Type.Number({ description: 'Gini of session requests per active mentor (0: equal)' }),
    servedGini: Type.Number({ description: 'Gini of times shown per active mentor' }),
    neverRequested: Type.Integer(),
    neverRequestedShare: Rate('Active mentors nobody requested in the period'),
    requestsLorenz: Type.Array(LorenzPointSchema, { description: 'Lorenz curve of requests per active mentor' }),
    servedLorenz: Type.Array(LorenzPointSchema, { description: 'Lorenz curve of times shown per active mentor' }),
  }),
  crossGenerational: Type.Object({
    pairs: Type.Integer({ description: 'Accepted sessions' }),
    known: Type.Integer({ description: 'Pairs whose mentee gave a career start year' }),
    approximated: Type.Integer({
      description: "Of those, pairs whose mentor's start year comes from the profile's years of experience",
    }),
    share: Rate('Pairs whose career starts are 15 or more years apart'),
  }),
  crossDepartment: Type.Object({
    pairs: Type.Integer(),
    known: Type.Integer({ description: 'Pairs where both sides name a department' }),
    share: Rate('Pairs from different departments'),
  }),
  mentors: Type.Array(MentorLoadSchema),
});

/** The programme view: aggregates for coordinators, researchers and admins; no mentee is named. */
const programmeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/programme',
    {
      schema: {
        tags: ['programme'],
        summary: "The programme's funnel, rates, satisfaction, exposure, pair mix and per-mentor load for a period",
        description:
          'Counts the requests made in the period (a cohort) and the sessions accepted in it. `department` keeps ' +
          "the questions and requests of that department's mentees. `format=csv` downloads the per-mentor table.",
        querystring: Type.Object(
          {
            from: Type.Optional(Day('First day (UTC); default: the first of the month two months before `to`')),
            to: Type.Optional(Day('Last day (UTC); default: today')),
            department: Type.Optional(Type.String({ maxLength: 200 })),
            format: StringEnum(['json', 'csv'], { default: 'json' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'The view as JSON, or its per-mentor table as CSV (`format=csv`)',
            content: { 'application/json': { schema: ProgrammeSchema }, 'text/csv': { schema: Type.String() } },
          },
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const view = await app.engine().programme.view(query, { mentorNames: request.actingRole !== 'researcher' });
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="programme-${view.period.from}-${view.period.to}.csv"`)
          .send(mentorLoadsCsv(view.mentors));
      }
      return view;
    },
  );
};

export default programmeRoutes;
