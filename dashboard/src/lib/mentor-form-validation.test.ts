import { describe, expect, it } from 'vitest';
import { splitList, validateMentorForm, type MentorFormValues } from './mentor-form-validation.js';

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
    const errors = validateMentorForm({ ...valid, id: ' bad id', bio: ' ', languages: 'EN', timezone: 'Mars/Base', yearsExperience: '-1', capacityPerMonth: '2.5' });
    expect(Object.keys(errors).sort()).toEqual(['bio', 'capacityPerMonth', 'id', 'languages', 'timezone', 'yearsExperience']);
  });

  it('splits lists on commas, semicolons and bars', () => {
    expect(splitList(' a, b;c | d ,, ')).toEqual(['a', 'b', 'c', 'd']);
  });
});
