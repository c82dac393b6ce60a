import { describe, expect, it } from 'vitest';
import openapi from './api/openapi.json';
import { LIST_HINT, splitList, validateMentorForm, type MentorFormValues } from './mentor-form-validation.js';

const valid: MentorFormValues = {
  id: 'm-1',
  name: 'Ana',
  headline: 'Recruiting lead',
  bio: 'Led salary negotiations.',
  skills: 'negotiation; hiring',
  languages: 'en, es',
  timezone: 'Europe/Madrid',
  location: '',
  yearsExperience: '12',
  capacityPerMonth: '3',
  active: true,
};

describe('validateMentorForm', () => {
  it('accepts a complete mentor', () => {
    expect(validateMentorForm(valid)).toEqual({});
  });

  it('reports each invalid field with a message', () => {
    const errors = validateMentorForm({
      ...valid,
      id: ' bad id',
      bio: ' ',
      languages: 'EN',
      timezone: 'Mars/Base',
      yearsExperience: '-1',
      capacityPerMonth: '2.5',
    });
    expect(Object.keys(errors).sort()).toEqual([
      'bio',
      'capacityPerMonth',
      'id',
      'languages',
      'timezone',
      'yearsExperience',
    ]);
  });

  it("applies the engine's limits from the OpenAPI document, the language count included", () => {
    const codes = Array.from(
      { length: 21 },
      (_, i) => `l${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
    );
    expect(validateMentorForm({ ...valid, languages: codes.slice(0, 20).join(', ') }).languages).toBeUndefined();
    expect(validateMentorForm({ ...valid, languages: codes.join(', ') }).languages).toBe('At most 20 languages.');
    expect(validateMentorForm({ ...valid, name: 'n'.repeat(201) }).name).toBe('Name is at most 200 characters.');
    expect(validateMentorForm({ ...valid, bio: 'b'.repeat(10_001) }).bio).toBe('Bio is at most 10,000 characters.');
  });

  it("splits lists on the separators the engine's import splits a CSV cell on", () => {
    expect(openapi.components.schemas.MentorCreate.properties.skills['x-list-separators']).toEqual([',', ';', '|']);
    expect(splitList(' a, b;c | d ,, ')).toEqual(['a', 'b', 'c', 'd']);
    expect(LIST_HINT).toBe('separated by , ; or |');
  });

  it('names the list item it could not read and the separators it expects', () => {
    expect(validateMentorForm({ ...valid, languages: 'en es' }).languages).toBe(
      '“en es” is not a language code: use lower-case ISO 639-1 codes such as en, es, de, separated by , ; or |.',
    );
    expect(validateMentorForm({ ...valid, languages: 'en,es' }).languages).toBeUndefined();
    const joined = `Negotiation / ${'Hiring / '.repeat(10)}`;
    expect(validateMentorForm({ ...valid, skills: joined }).skills).toBe(
      '“Negotiation / Hiring / Hiring …” is longer than 80 characters: one skill each, separated by , ; or |.',
    );
  });
});
