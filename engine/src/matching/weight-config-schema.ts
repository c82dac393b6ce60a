import { type Static, Type } from 'typebox';

/**
 * The one definition of a weight configuration: its factors and each rule with its type and range. The API's
 * request and response schemas are these (so OpenAPI and the dashboard's client carry every rule typed), the
 * routes' Ajv checks them, and the matcher's types derive from them.
 */

const weight = (description: string) => Type.Number({ minimum: 0, description });

/** Factor name to weight; the score divides by their sum, so only ratios matter. */
export const WeightsSchema = Type.Object({
  semantic: weight('Meaning: the question against the bio passages and the profile, by the sentence encoder'),
  lexical: weight('Shared terms: TF-IDF cosine of the question and the whole profile'),
  skills: weight("Share of the question's skills (and their synonyms) the mentor lists"),
  language: weight("The mentor speaks one of the mentee's languages"),
  timezone: weight("Overlap of the mentee's availability with the mentor's working hours"),
  capacity: weight('Free sessions left this month'),
  experience: weight("Years of experience against the mentee's, near the preferred gap"),
  fairness: weight('Exposure balancing: mentors shown beyond their capacity share rank lower'),
  responsiveness: weight("Requests the mentor answered in time and within a day, shrunk towards the programme's share"),
  helpfulness: weight("Mentees' helpfulness ratings of the mentor's sessions, shrunk towards the programme mean"),
});
export type Weights = Static<typeof WeightsSchema>;

/** Raw similarity at `floor` maps to 0, at `ceiling` to 1, clamped; the ceiling must lie above the floor. */
const SignalMapSchema = (raw: string) =>
  Type.Object(
    {
      floor: Type.Number({ minimum: -10, maximum: 10, description: `The ${raw} that maps to 0` }),
      ceiling: Type.Number({ minimum: -10, maximum: 10, description: `The ${raw} that maps to 1; above the floor` }),
    },
    { additionalProperties: false, description: `How the ${raw} maps onto [0, 1]` },
  );

const hour = (description: string) => Type.Number({ minimum: 0, maximum: 24, description });

/** Hard rules (filters, never traded off against scores) and the signals' parameters. */
export const MatchRulesSchema = Type.Object({
  activeOnly: Type.Boolean({ description: 'Hard rule: only active mentors' }),
  requireCapacity: Type.Boolean({ description: 'Hard rule: only mentors with free sessions left this month' }),
  requiredLanguages: Type.Array(Type.String({ pattern: '^[a-z]{2,3}$' }), {
    description:
      "Hard rule: mentors must speak every one of these ISO 639-1 codes (on top of the request's); lower case",
  }),
  requireTimezoneOverlap: Type.Boolean({
    description: "Hard rule: the mentee's availability window must overlap the mentor's working hours",
  }),
  minOverlapHours: hour('Overlap, in hours, that the time zone rule demands'),
  mentorWorkingHours: Type.Object(
    { start: hour('From, local hour'), end: hour('To, local hour') },
    {
      additionalProperties: false,
      description:
        "Mentors' working hours in their local time, [start, end); an end before the start wraps past midnight",
    },
  ),
  preferredGapYears: Type.Number({
    minimum: -50,
    maximum: 50,
    description: "Preferred years of the mentor's experience over the mentee's; below 0 prefers reverse mentoring",
  }),
  exposureWindowDays: Type.Number({
    minimum: 1,
    maximum: 365,
    description: 'Days over which fairness counts how often a mentor was shown',
  }),
  fairnessTolerance: Type.Number({
    minimum: 1,
    maximum: 100,
    description: 'Mentors shown up to this multiple of their capacity share are not penalised',
  }),
  capacitySaturation: Type.Number({
    minimum: 1,
    maximum: 1000,
    description: 'Free sessions at which the capacity signal saturates',
  }),
  explorationMargin: Type.Number({
    minimum: 0,
    maximum: 0.2,
    description:
      "Recorded answers give the last places of the top k at random to mentors scoring within this of the k-th best, and log each one's probability of being shown; 0 shows the exact top k",
  }),
  signalMaps: Type.Object(
    { semantic: SignalMapSchema('sentence-encoder aggregate'), lexical: SignalMapSchema('TF-IDF cosine') },
    {
      additionalProperties: false,
      description:
        'Fixed affine maps of the topical signals onto [0, 1], estimated once from a reference sample of question-mentor pairs',
    },
  ),
});
export type MatchRules = Static<typeof MatchRulesSchema>;

/** Weights as a coordinator gives them: a factor left out weighs nothing. */
export const WeightsInput = Type.Partial(WeightsSchema, {
  additionalProperties: false,
  description: 'Factor name to weight >= 0; a factor left out weighs 0',
});

/** Rules as a coordinator gives them: a rule left out takes its default. */
export const MatchRulesInput = Type.Partial(MatchRulesSchema, {
  additionalProperties: false,
  description: 'Hard rules and signal parameters; a rule left out takes its default (GET /api/configs/active)',
});

/** A configuration to check, preview or store. */
export const WeightConfigInput = Type.Object(
  { weights: WeightsInput, rules: Type.Optional(MatchRulesInput) },
  { additionalProperties: false },
);
export type WeightConfigInputBody = Static<typeof WeightConfigInput>;
