import { describe, expect, it } from 'vitest';
import { MENTOR_FIELD_NAMES } from '../../src/domain/mentor-schema.js';
import { MENTOR_ROW_FIELDS, validateMentorRow } from '../../src/services/mentor-row-validator.js';

/** A CSV row as csv-parse gives it: every cell is text. */
const csvRow = (cells: Record<string, string> = {}) => ({
  id: 'row-1',
  name: 'Alma Ortega',
  bio: 'Negotiated offers for ten years.',
  timezone: 'Europe/Madrid',
  yearsExperience: '12',
  ...cells,
});

function errorsOf(raw: unknown): string[] {
  const result = validateMentorRow(raw);
  if (result.ok) throw new Error('expected the row to be refused');
  return result.errors;
}

describe('validateMentorRow', () => {
  it('reads text cells as the schema types them and fills the defaults', () => {
    expect(validateMentorRow(csvRow({ active: 'no', capacityPerMonth: ' 3 ' }))).toEqual({
      ok: true,
      value: {
        externalId: 'row-1',
        name: 'Alma Ortega',
        headline: '',
        bio: 'Negotiated offers for ten years.',
        skills: [],
        languages: [],
        timezone: 'Europe/Madrid',
        location: null,
        yearsExperience: 12,
        capacityPerMonth: 3,
        active: false,
      },
    });
  });

  it('splits list cells on the same separators as the mentor form: comma, semicolon and bar', () => {
    const result = validateMentorRow(csvRow({ skills: 'Negotiation, Hiring; Sales | Hiring', languages: 'en,ES' }));
    expect(result).toMatchObject({
      ok: true,
      value: { skills: ['Negotiation', 'Hiring', 'Sales'], languages: ['en', 'es'] },
    });
  });

  it('keeps a comma inside a skill given as a JSON list', () => {
    const result = validateMentorRow({ ...csvRow(), yearsExperience: 12, skills: ['Sales, B2B'] });
    expect(result).toMatchObject({ ok: true, value: { skills: ['Sales, B2B'] } });
  });

  it('names the separators and the item it read when a list cell uses another', () => {
    const [problem] = errorsOf(csvRow({ languages: 'en es' }));
    expect(problem).toBe(
      'languages must be a list of at most 20 ISO 639-1 codes such as "en" or "es" (in a CSV cell, separated by a comma (,), semicolon (;) or bar (|)); got "en es"',
    );
    const [skills] = errorsOf(csvRow({ skills: `Leadership / ${'Coaching / '.repeat(8)}` }));
    expect(skills).toMatch(
      /^skills must be .* separated by a comma \(,\), semicolon \(;\) or bar \(\|\)\); got "Leadership \/ /,
    );
  });

  it('names every problem of a row at once, each by its field', () => {
    expect(
      errorsOf({ id: 'export', name: ' ', timezone: 'Atlantis/Deep', yearsExperience: '-1', active: 'maybe' }),
    ).toEqual([
      expect.stringMatching(/^id must be .*not "export"/),
      'name must be a string of 1 to 200 characters, not blank',
      'bio is required',
      'yearsExperience must be a whole number from 0 to 70',
      'active must be true or false (or yes, no, 1, 0)',
    ]);
    // The time zone is checked once the schema passes: it needs the IANA database, not a pattern.
    expect(errorsOf(csvRow({ timezone: 'Atlantis/Deep' }))).toEqual([
      'timezone must be an IANA time zone such as "Europe/Berlin"',
    ]);
  });

  it('takes the id and numbers under their aliases, and an empty cell as a field left out', () => {
    const { id: _id, yearsExperience: _years, ...rest } = csvRow();
    const result = validateMentorRow({ ...rest, id: '', external_id: 'alias-1', years_experience: '4', location: '' });
    expect(result).toMatchObject({ ok: true, value: { externalId: 'alias-1', yearsExperience: 4, location: null } });
  });

  it('refuses a row that is not an object, and text PostgreSQL cannot store', () => {
    expect(errorsOf(['a'])).toEqual(['expected an object of mentor fields']);
    expect(errorsOf(csvRow({ name: 'A\u0000B' }))[0]).toMatch(/name must not contain the NUL character/);
  });

  it('knows every mentor field and its aliases, and the fields an export carries', () => {
    for (const field of MENTOR_FIELD_NAMES) expect(MENTOR_ROW_FIELDS.has(field)).toBe(true);
    for (const field of ['id', 'externalId', 'external_id', 'years_experience', 'capacity_per_month', 'createdAt'])
      expect(MENTOR_ROW_FIELDS.has(field)).toBe(true);
    expect(MENTOR_ROW_FIELDS.has('capacityPerMont')).toBe(false);
  });
});
