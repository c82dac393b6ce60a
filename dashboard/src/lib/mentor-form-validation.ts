/**
 * Client-side checks for the mentor form, mirroring the engine's schema limits so people see
 * problems before submitting; the engine stays the authority and its 4xx message is shown too.
 */
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

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const LANGUAGE = /^[a-z]{2,3}$/;

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
  if (!ID.test(v.id.trim())) errors.id = 'Use 1–128 letters, digits or . _ : @ - (starting with a letter or digit).';
  if (!v.name.trim()) errors.name = 'Name is required.';
  else if (v.name.length > 200) errors.name = 'Name is at most 200 characters.';
  if (v.headline.length > 300) errors.headline = 'Headline is at most 300 characters.';
  if (!v.bio.trim()) errors.bio = 'Bio is required: matching reads it.';
  else if (v.bio.length > 10_000) errors.bio = 'Bio is at most 10,000 characters.';
  const skills = splitList(v.skills);
  if (skills.length > 50) errors.skills = 'At most 50 skills.';
  else if (skills.some((s) => s.length > 80)) errors.skills = 'Each skill is at most 80 characters.';
  const languages = splitList(v.languages);
  if (languages.some((l) => !LANGUAGE.test(l))) errors.languages = 'Use lower-case ISO 639-1 codes such as en, es, de.';
  if (!v.timezone.trim()) errors.timezone = 'Time zone is required.';
  else if (!isTimezone(v.timezone.trim())) errors.timezone = 'Use an IANA time zone such as Europe/Berlin.';
  if (v.location.length > 200) errors.location = 'Location is at most 200 characters.';
  if (!integerIn(v.yearsExperience, 0, 70)) errors.yearsExperience = 'Whole years from 0 to 70.';
  if (!integerIn(v.capacityPerMonth, 0, 100)) errors.capacityPerMonth = 'Sessions per month from 0 to 100.';
  return errors;
}
