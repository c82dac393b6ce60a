import type { MentorInput } from './mentor.js';
import { MENTOR_DEFAULTS, type MentorCreateBody, type MentorFields, type MentorPatchBody } from './mentor-schema.js';

/**
 * What the mentor schema cannot say, for input the schema already passed: a time zone must exist, and text is
 * stored trimmed, with repeated skills and languages dropped.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const validTimezones = new Set(Intl.supportedValuesOf('timeZone'));

export function isValidTimezone(tz: string): boolean {
  if (validTimezones.has(tz) || tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TIMEZONE_EXPECTED = 'timezone must be an IANA time zone such as "Europe/Berlin"';

/** A new mentor from a body the `MentorCreate` schema passed, with the defaults of the fields it left out. */
export function mentorFromBody(body: MentorCreateBody): Checked<MentorInput> {
  const { id, ...fields } = body;
  // Copied: the default lists must not be shared between mentors.
  return checked({ ...structuredClone(MENTOR_DEFAULTS), ...normalised(fields), externalId: id });
}

/** A change from a body the `MentorPatch` schema passed; only what it names. */
export function mentorPatchFromBody(body: MentorPatchBody): Checked<Partial<MentorFields>> {
  return checked(normalised(body));
}

function checked<T extends Partial<MentorFields>>(value: T): Checked<T> {
  if (value.timezone !== undefined && !isValidTimezone(value.timezone))
    return { ok: false, errors: [TIMEZONE_EXPECTED] };
  return { ok: true, value };
}

function normalised<T extends Partial<MentorFields>>(fields: T): T {
  const out: Partial<MentorFields> = { ...fields };
  for (const key of ['name', 'headline', 'bio', 'timezone'] as const) {
    const text = fields[key];
    if (text !== undefined) out[key] = text.trim();
  }
  // A location of only spaces says nothing: it is no location.
  if (fields.location !== undefined) out.location = fields.location?.trim() || null;
  if (fields.skills !== undefined) out.skills = [...new Set(fields.skills.map((s) => s.trim()))];
  if (fields.languages !== undefined) out.languages = [...new Set(fields.languages.map((l) => l.trim().toLowerCase()))];
  return out as T;
}
