/**
 * Client-side checks for the mentor form, mirroring the engine's schema limits so people see
 * problems before submitting; the engine stays the authority and its 4xx message is shown too.
 */
import openapi from './api/openapi.json';
import type { components } from './api/schema.js';

type MentorFields = Required<components['schemas']['MentorCreate']>;

/** Every field of a new mentor as the form holds it: text, but the switches. A field the engine adds shows up here. */
export type MentorFormValues = { [K in keyof MentorFields]: MentorFields[K] extends boolean ? boolean : string };

export type MentorFormErrors = Partial<Record<keyof MentorFormValues, string>>;

// The limits are the engine's, read from the OpenAPI document the API client is generated from, so the
// form refuses exactly what the engine would.
const fields = openapi.components.schemas.MentorCreate.properties;
const ID = new RegExp(fields.id.pattern);
const LANGUAGE = new RegExp(fields.languages.items.pattern);

/** Characters as the engine's schema counts them (code points): an emoji is one. */
function characters(text: string): number {
  return [...text].length;
}

// How text holds a list: the separators the engine's import splits a CSV cell on, from the same document.
const SEPARATORS: readonly string[] = fields.skills['x-list-separators'];
const SEPARATOR = new RegExp(`[${SEPARATORS.map((s) => `\\${s}`).join('')}]`);

/** "separated by , ; or |", for the form's hints and messages. */
export const LIST_HINT = `separated by ${SEPARATORS.slice(0, -1).join(' ')} or ${SEPARATORS.at(-1)}`;

export function splitList(value: string): string[] {
  return value
    .split(SEPARATOR)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Enough of an item to recognise it in a message. */
function clip(text: string): string {
  return characters(text) > 30 ? `${[...text].slice(0, 30).join('')}…` : text;
}

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function integerIn(value: string, min: number, max: number): boolean {
  if (!/^\d+$/.test(value.trim())) return false;
  const n = Number(value);
  return n >= min && n <= max;
}

export function validateMentorForm(v: MentorFormValues): MentorFormErrors {
  const errors: MentorFormErrors = {};
  const count = (n: number) => n.toLocaleString('en');
  if (!ID.test(v.id.trim()))
    errors.id = 'Use 1–128 letters, digits or . _ : @ - (starting with a letter or digit, and not “export”).';
  if (!v.name.trim()) errors.name = 'Name is required.';
  else if (characters(v.name) > fields.name.maxLength)
    errors.name = `Name is at most ${count(fields.name.maxLength)} characters.`;
  if (characters(v.headline) > fields.headline.maxLength)
    errors.headline = `Headline is at most ${count(fields.headline.maxLength)} characters.`;
  if (!v.bio.trim()) errors.bio = 'Bio is required: matching reads it.';
  else if (characters(v.bio) > fields.bio.maxLength)
    errors.bio = `Bio is at most ${count(fields.bio.maxLength)} characters.`;
  // A list item that breaks a limit is most often two items joined by another separator: the message shows it.
  const skills = splitList(v.skills);
  const longSkill = skills.find((s) => characters(s) > fields.skills.items.maxLength);
  if (skills.length > fields.skills.maxItems) errors.skills = `At most ${fields.skills.maxItems} skills.`;
  else if (longSkill !== undefined)
    errors.skills = `“${clip(longSkill)}” is longer than ${fields.skills.items.maxLength} characters: one skill each, ${LIST_HINT}.`;
  const languages = splitList(v.languages);
  const badCode = languages.find((l) => !LANGUAGE.test(l));
  if (badCode !== undefined)
    errors.languages = `“${clip(badCode)}” is not a language code: use lower-case ISO 639-1 codes such as en, es, de, ${LIST_HINT}.`;
  else if (languages.length > fields.languages.maxItems)
    errors.languages = `At most ${fields.languages.maxItems} languages.`;
  if (!v.timezone.trim()) errors.timezone = 'Time zone is required.';
  else if (!isTimezone(v.timezone.trim())) errors.timezone = 'Use an IANA time zone such as Europe/Berlin.';
  if (characters(v.location) > fields.location.maxLength)
    errors.location = `Location is at most ${fields.location.maxLength} characters.`;
  const years = fields.yearsExperience;
  if (!integerIn(v.yearsExperience, years.minimum, years.maximum))
    errors.yearsExperience = `Whole years from ${years.minimum} to ${years.maximum}.`;
  const capacity = fields.capacityPerMonth;
  if (!integerIn(v.capacityPerMonth, capacity.minimum, capacity.maximum))
    errors.capacityPerMonth = `Sessions per month from ${capacity.minimum} to ${capacity.maximum}.`;
  return errors;
}
