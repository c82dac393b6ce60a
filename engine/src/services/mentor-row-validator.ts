import type { ValidateFunction } from 'ajv';
import type { MentorInput } from '../domain/mentor.js';
import {
  LIST_SEPARATORS_TEXT,
  MENTOR_LIMITS,
  MentorCreate,
  type MentorCreateBody,
  splitListText,
} from '../domain/mentor-schema.js';
import { type Checked, mentorFromBody } from '../domain/mentor-validation.js';
import { describeUnstorable, unstorableText } from '../shared/unstorable-text.js';
import { shorten } from '../shared/shorten.js';
import { createAjv } from '../validator-compiler.js';

/**
 * One mentor row of an import file (a CSV row of text cells, or a JSON Lines / JSON array item), checked with
 * the API's own `MentorCreate` schema and Ajv. A row may name a field by an alias and write any value as text
 * ("12", "yes", "en; es"); text is read as the schema's type first. Each field is checked on its own, so a row
 * with several problems names them all and an importer fixes a file in one pass.
 */

type RowField = keyof MentorCreateBody;

/** Other names a file may give a field. */
const ALIASES: Partial<Record<RowField, readonly string[]>> = {
  id: ['externalId', 'external_id'],
  yearsExperience: ['years_experience'],
  capacityPerMonth: ['capacity_per_month'],
};

/** An export carries these; they are the store's to set, so an export imports back without complaint. */
const STORE_FIELDS = ['createdAt', 'updatedAt'];

const properties = MentorCreate.properties as Record<RowField, { type?: string | string[] }>;
const rowFields = Object.keys(properties) as RowField[];
const required = new Set<string>(MentorCreate.required);

/** Every field a mentor row may carry, aliases included; anything else is named in a warning. */
export const MENTOR_ROW_FIELDS: ReadonlySet<string> = new Set(
  rowFields.flatMap((field) => [field, ...(ALIASES[field] ?? [])]).concat(STORE_FIELDS),
);

const ajv = createAjv(false);
const validators = Object.fromEntries(rowFields.map((field) => [field, ajv.compile(properties[field])])) as Record<
  RowField,
  ValidateFunction
>;

const count = (n: number) => n.toLocaleString('en');
const inText = ` (in a CSV cell, separated by a ${LIST_SEPARATORS_TEXT})`;

/** What each field must be, as a sentence naming it; a row's problem is one of these. */
const EXPECTED: Record<RowField, string> = {
  id: 'id must be 1-128 characters of letters, digits and . _ : @ -, starting with a letter or digit, and not "export"',
  name: `name must be a string of 1 to ${count(MENTOR_LIMITS.nameMax)} characters, not blank`,
  headline: `headline must be a string of up to ${count(MENTOR_LIMITS.headlineMax)} characters`,
  bio: `bio must be a string of 1 to ${count(MENTOR_LIMITS.bioMax)} characters, not blank`,
  skills: `skills must be a list of at most ${MENTOR_LIMITS.skillsMax} non-blank skills of up to ${MENTOR_LIMITS.skillMax} characters${inText}`,
  languages: `languages must be a list of at most ${MENTOR_LIMITS.languagesMax} ISO 639-1 codes such as "en" or "es"${inText}`,
  timezone: 'timezone must be an IANA time zone such as "Europe/Berlin"',
  location: `location must be a string of up to ${count(MENTOR_LIMITS.locationMax)} characters`,
  yearsExperience: `yearsExperience must be a whole number from 0 to ${MENTOR_LIMITS.yearsMax}`,
  capacityPerMonth: `capacityPerMonth must be a whole number from 0 to ${MENTOR_LIMITS.capacityMax}`,
  active: 'active must be true or false (or yes, no, 1, 0)',
};

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

/** A value written as text, read as the type the field's schema wants; anything else is left for Ajv to refuse. */
function fromText(field: RowField, text: string): unknown {
  const type = properties[field].type;
  if (type === 'array') return splitListText(text);
  if (type === 'integer') return /^\s*-?\d+\s*$/.test(text) ? Number(text) : text;
  if (type === 'boolean') {
    const word = text.trim().toLowerCase();
    return TRUE.has(word) ? true : FALSE.has(word) ? false : text;
  }
  return text;
}

/** An empty cell, or null, is a field left out: the default applies, or the field is missing. */
const given = (value: unknown) => value !== undefined && value !== null && value !== '';

export function validateMentorRow(raw: unknown): Checked<MentorInput> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, errors: ['expected an object of mentor fields'] };
  const row = raw as Record<string, unknown>;
  const errors = unstorableText(row, '').map(describeUnstorable);
  const body: Record<string, unknown> = {};
  for (const field of rowFields) {
    const value = [field, ...(ALIASES[field] ?? [])].map((name) => row[name]).find(given);
    if (value === undefined) {
      if (required.has(field)) errors.push(`${field} is required`);
      continue;
    }
    let typed = typeof value === 'string' ? fromText(field, value) : value;
    // Codes are matched lower case; a file may write "EN".
    if (field === 'languages' && Array.isArray(typed))
      typed = typed.map((code) => (typeof code === 'string' ? code.trim().toLowerCase() : code));
    const validate = validators[field];
    if (validate(typed)) body[field] = typed;
    else errors.push(problem(field, typed, validate));
  }
  if (errors.length > 0) return { ok: false, errors };
  return mentorFromBody(body as MentorCreateBody);
}

/** The field's expectation, and for a list the item that broke it, so "en es" or "A / B" is shown as read. */
function problem(field: RowField, value: unknown, validate: ValidateFunction): string {
  const at = validate.errors?.[0]?.instancePath.match(/^\/(\d+)/);
  if (!at || !Array.isArray(value)) return EXPECTED[field];
  return `${EXPECTED[field]}; got ${JSON.stringify(shorten(String(value[Number(at[1])]), 80))}`;
}
