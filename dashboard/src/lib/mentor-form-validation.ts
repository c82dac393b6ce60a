/**
 * Client-side checks for the mentor form, mirroring the engine's schema limits so people see
 * problems before submitting; the engine stays the authority and its 4xx message is shown too.
 */
import openapi from './api/openapi.json';

export interface MentorFormValues {
  id: string;
  name: string;
  headline: string;
  bio: string;
  skills: string;
  languages: string;
  timezone: string;
  location: string;
  yearsExperience: string;
  capacityPerMonth: string;
  active: boolean;
}

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

export function splitList(value: string): string[] {
  return value
    .split(/[,;|]/)
    .map((s) => s.trim())
    .filter(Boolean);
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
  const skills = splitList(v.skills);
  if (skills.length > fields.skills.maxItems) errors.skills = `At most ${fields.skills.maxItems} skills.`;
  else if (skills.some((s) => characters(s) > fields.skills.items.maxLength))
    errors.skills = `Each skill is at most ${fields.skills.items.maxLength} characters.`;
  const languages = splitList(v.languages);
  if (languages.some((l) => !LANGUAGE.test(l))) errors.languages = 'Use lower-case ISO 639-1 codes such as en, es, de.';
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
