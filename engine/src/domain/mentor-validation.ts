import type { MentorInput } from './mentor.js';
import { describeUnstorable, unstorableText } from '../shared/unstorable-text.js';

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
  locationMax: 200,
  yearsMax: 70,
  capacityMax: 100,
} as const;

export type MentorParseResult = { ok: true; value: MentorInput } | { ok: false; errors: string[] };

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

/** Lists split on ";" or "|" so CSV cells can carry them; commas stay inside a skill ("Sales, B2B" is rare, ";" is not). */
function asList(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null || value === '') return value === '' ? [] : undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'string')
    return value
      .split(/[;|]/)
      .map((s) => s.trim())
      .filter(Boolean);
  return undefined;
}

function asInt(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'y'].includes(v)) return true;
    if (['false', '0', 'no', 'n'].includes(v)) return false;
  }
  return undefined;
}

/**
 * Validates one mentor from any source (JSON body, JSON Lines row, CSV row with string cells) and says
 * every problem at once, so an importer can fix a file in one pass.
 * Accepts `id` or `externalId` for the stable id.
 */
/**
 * Every field a mentor row may carry, aliases included. `createdAt` and `updatedAt` come with an export and are
 * the store's to set, so an export imports back without complaint.
 */
export const MENTOR_ROW_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'externalId',
  'external_id',
  'name',
  'headline',
  'bio',
  'skills',
  'languages',
  'timezone',
  'location',
  'yearsExperience',
  'years_experience',
  'capacityPerMonth',
  'capacity_per_month',
  'active',
  'createdAt',
  'updatedAt',
]);

function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function parseMentorInput(raw: unknown, partial = false): MentorParseResult {
  const errors: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, errors: ['expected an object'] };
  const r = raw as Record<string, unknown>;
  const out: Partial<MentorInput> = {};
  for (const found of unstorableText(r, '')) errors.push(describeUnstorable(found));
  const present = (key: string) =>
    r[key] !== undefined && r[key] !== null && !(typeof r[key] === 'string' && r[key] === '' && key !== 'headline');
  const need = (key: string) => {
    if (!partial) errors.push(`${key} is required`);
  };

  // A file may carry an empty id column beside externalId: the first id given counts.
  const id = [r.id, r.externalId, r.external_id].find((v) => v !== undefined && v !== null && v !== '');
  if (!partial || id !== undefined) {
    if (typeof id !== 'string' || !(partial ? MENTOR_LIMITS.id : MENTOR_LIMITS.newId).test(id)) {
      errors.push(
        'id must be 1-128 characters of letters, digits and . _ : @ -, starting with a letter or digit, and not "export"',
      );
    } else out.externalId = id;
  }

  const text = (key: 'name' | 'headline' | 'bio', max: number, min: number) => {
    if (!present(key)) {
      if (key === 'headline' && !partial) out.headline = '';
      else need(key);
      return;
    }
    const v = r[key];
    // Characters as people count them (code points), as the API's schema does: an emoji is one.
    if (typeof v !== 'string' || v.trim().length < min || characters(v) > max) {
      errors.push(`${key} must be a string of ${min} to ${max} characters`);
    } else out[key] = v.trim();
  };
  text('name', MENTOR_LIMITS.nameMax, 1);
  text('headline', MENTOR_LIMITS.headlineMax, 0);
  text('bio', MENTOR_LIMITS.bioMax, 1);

  if (present('skills')) {
    const list = asList(r.skills);
    if (
      !list ||
      list.length > MENTOR_LIMITS.skillsMax ||
      list.some((s) => typeof s !== 'string' || !s.trim() || characters(s) > MENTOR_LIMITS.skillMax)
    ) {
      errors.push(
        `skills must be a list of at most ${MENTOR_LIMITS.skillsMax} non-empty strings of up to ${MENTOR_LIMITS.skillMax} characters`,
      );
    } else out.skills = [...new Set((list as string[]).map((s) => s.trim()))];
  } else if (!partial) out.skills = [];

  if (present('languages')) {
    const list = asList(r.languages);
    const norm = list?.map((l) => (typeof l === 'string' ? l.trim().toLowerCase() : l));
    if (
      !norm ||
      norm.length > MENTOR_LIMITS.languagesMax ||
      norm.some((l) => typeof l !== 'string' || !MENTOR_LIMITS.language.test(l))
    ) {
      errors.push('languages must be a list of ISO 639-1 codes such as "en" or "es"');
    } else out.languages = [...new Set(norm as string[])];
  } else if (!partial) out.languages = [];

  if (present('timezone')) {
    if (typeof r.timezone !== 'string' || !isValidTimezone(r.timezone.trim()))
      errors.push('timezone must be an IANA time zone such as "Europe/Berlin"');
    else out.timezone = r.timezone.trim();
  } else need('timezone');

  if (r.location !== undefined) {
    if (r.location === null || (typeof r.location === 'string' && r.location.trim() === '')) out.location = null;
    else if (typeof r.location !== 'string' || characters(r.location) > MENTOR_LIMITS.locationMax)
      errors.push(`location must be a string of up to ${MENTOR_LIMITS.locationMax} characters`);
    else out.location = r.location.trim();
  } else if (!partial) out.location = null;

  const intField = (key: 'yearsExperience' | 'capacityPerMonth', alt: string, max: number, fallback?: number) => {
    const v = r[key] ?? r[alt];
    if (v === undefined || v === null || v === '') {
      if (fallback !== undefined && !partial) out[key] = fallback;
      else if (fallback === undefined) need(key);
      return;
    }
    const n = asInt(v);
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > max)
      errors.push(`${key} must be a whole number from 0 to ${max}`);
    else out[key] = n;
  };
  intField('yearsExperience', 'years_experience', MENTOR_LIMITS.yearsMax);
  intField('capacityPerMonth', 'capacity_per_month', MENTOR_LIMITS.capacityMax, 2);

  if (r.active !== undefined && r.active !== '') {
    const b = asBool(r.active);
    if (b === undefined) errors.push('active must be true or false');
    else out.active = b;
  } else if (!partial) out.active = true;

  return errors.length ? { ok: false, errors } : { ok: true, value: out as MentorInput };
}
