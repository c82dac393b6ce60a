import { type Static, Type } from 'typebox';
import { Nullable } from '../shared/schema-types.js';
import { NOT_BLANK } from '../validator-compiler.js';

/**
 * The one definition of a mentor's fields: the API's schemas, the import's row validation, the domain types
 * and the field lists elsewhere (CSV columns, warnings, the dashboard through OpenAPI) all derive from it.
 */

export const MENTOR_LIMITS = {
  id: /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/,
  // A new mentor may not be called "export": GET /api/mentors/export is the export of all mentors. Only new ids
  // are checked, so a mentor stored under that id before can still be edited and deleted.
  newId: /^(?!export$)[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/,
  nameMax: 200,
  headlineMax: 300,
  bioMax: 10_000,
  skillsMax: 50,
  skillMax: 80,
  languagesMax: 20,
  language: /^[a-z]{2,3}$/,
  timezoneMax: 64,
  locationMax: 200,
  yearsMax: 70,
  capacityMax: 100,
} as const;

/**
 * How a list is written as text, in a CSV cell or a form field: items separated by any of these. One rule for
 * both, so "en, es" means the same in the form and in a file, and "A, B, C" is three skills, not one.
 */
export const LIST_SEPARATORS = [',', ';', '|'] as const;
const LIST_SEPARATOR = /[,;|]/;

export function splitListText(text: string): string[] {
  return text
    .split(LIST_SEPARATOR)
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * The separators travel in the API document under this key on each list field, so the dashboard's mentor form
 * splits its text as the import splits a CSV cell without keeping its own copy.
 */
export const LIST_SEPARATORS_KEY = 'x-list-separators';

/** "comma (,), semicolon (;) or bar (|)", for messages that say what a list should look like. */
export const LIST_SEPARATORS_TEXT = 'comma (,), semicolon (;) or bar (|)';

// Characters count as people count them (code points), as Ajv's minLength and maxLength do: an emoji is one.
const fields = {
  name: Type.String({ minLength: 1, maxLength: MENTOR_LIMITS.nameMax, pattern: NOT_BLANK }),
  headline: Type.String({ maxLength: MENTOR_LIMITS.headlineMax }),
  bio: Type.String({ minLength: 1, maxLength: MENTOR_LIMITS.bioMax, pattern: NOT_BLANK }),
  skills: Type.Array(Type.String({ minLength: 1, maxLength: MENTOR_LIMITS.skillMax, pattern: NOT_BLANK }), {
    maxItems: MENTOR_LIMITS.skillsMax,
    description: `In a CSV cell: separated by a ${LIST_SEPARATORS_TEXT}`,
    [LIST_SEPARATORS_KEY]: LIST_SEPARATORS,
  }),
  languages: Type.Array(Type.String({ pattern: MENTOR_LIMITS.language.source }), {
    maxItems: MENTOR_LIMITS.languagesMax,
    description: `ISO 639-1 codes such as "en"; in a CSV cell: separated by a ${LIST_SEPARATORS_TEXT}`,
    [LIST_SEPARATORS_KEY]: LIST_SEPARATORS,
  }),
  timezone: Type.String({
    minLength: 1,
    maxLength: MENTOR_LIMITS.timezoneMax,
    description: 'IANA time zone, e.g. Europe/Berlin',
  }),
  location: Nullable(Type.String({ maxLength: MENTOR_LIMITS.locationMax })),
  yearsExperience: Type.Integer({ minimum: 0, maximum: MENTOR_LIMITS.yearsMax }),
  capacityPerMonth: Type.Integer({ minimum: 0, maximum: MENTOR_LIMITS.capacityMax }),
  active: Type.Boolean(),
};

/** Everything a mentor is, but its id. */
export const MentorFieldsSchema = Type.Object(fields);
export type MentorFields = Static<typeof MentorFieldsSchema>;

/** The mentor's fields, in order: where a list of them is needed, it is this one. */
export const MENTOR_FIELD_NAMES = Object.keys(fields) as (keyof MentorFields)[];

/** The fields a new mentor may leave out (as a tuple: TypeBox types the schema's optional keys from it). */
const DEFAULTED = ['headline', 'skills', 'languages', 'location', 'capacityPerMonth', 'active'] as const;

/** What a new mentor gets for a field it leaves out; the fields without one are required. */
export const MENTOR_DEFAULTS: Readonly<Pick<MentorFields, (typeof DEFAULTED)[number]>> = {
  headline: '',
  skills: [],
  languages: [],
  location: null,
  capacityPerMonth: 2,
  active: true,
};

export const MentorId = Type.String({ pattern: MENTOR_LIMITS.id.source, description: 'Stable external id' });

const createFields = {
  ...Type.Omit(MentorFieldsSchema, DEFAULTED).properties,
  ...Type.Partial(Type.Pick(MentorFieldsSchema, DEFAULTED)).properties,
};

export const MentorCreate = Type.Object(
  {
    id: Type.String({ pattern: MENTOR_LIMITS.newId.source, description: 'Stable external id; not "export"' }),
    // In the fields' order, for the API document and the import's messages.
    ...(Object.fromEntries(MENTOR_FIELD_NAMES.map((name) => [name, createFields[name]])) as typeof createFields),
  },
  { $id: 'MentorCreate', title: 'MentorCreate', additionalProperties: false },
);
export type MentorCreateBody = Static<typeof MentorCreate>;

export const MentorPatch = Type.Partial(MentorFieldsSchema, {
  $id: 'MentorPatch',
  title: 'MentorPatch',
  additionalProperties: false,
  minProperties: 1,
});
export type MentorPatchBody = Static<typeof MentorPatch>;
