import { describe, expect, it } from 'vitest';
import { availableThisWeek, directoryFilter, hasFilters } from '../../src/directory/directory-filters.js';
import type { Mentor } from '../../src/domain/mentor.js';

// A Wednesday.
const today = new Date('2025-03-12T09:00:00Z');

function mentor(rowId: number, overrides: Partial<Mentor> = {}): Mentor {
  return {
    rowId,
    externalId: `m${rowId}`,
    name: `Mentor ${rowId}`,
    headline: '',
    bio: 'bio',
    skills: ['Python data pipelines', 'Leadership'],
    languages: ['en', 'de'],
    timezone: 'Europe/Berlin',
    location: null,
    yearsExperience: 10,
    capacityPerMonth: 2,
    active: true,
    createdAt: today,
    updatedAt: today,
    ...overrides,
  };
}

describe('availableThisWeek', () => {
  it('needs a weekday with windows among the next seven days', () => {
    expect(availableThisWeek(undefined, today)).toBe(false);
    expect(availableThisWeek({ awayUntil: null, weekdays: [] }, today)).toBe(false);
    expect(availableThisWeek({ awayUntil: null, weekdays: [1] }, today)).toBe(true);
  });

  it('counts only the days after the last day away', () => {
    // Away through Sunday 16th: Monday 17th is still within the seven days from Wednesday 12th.
    expect(availableThisWeek({ awayUntil: '2025-03-16', weekdays: [1] }, today)).toBe(true);
    // Away through Monday 17th: the next Monday is the 24th, too late; Tuesday 18th is in.
    expect(availableThisWeek({ awayUntil: '2025-03-17', weekdays: [1] }, today)).toBe(false);
    expect(availableThisWeek({ awayUntil: '2025-03-17', weekdays: [1, 2] }, today)).toBe(true);
    // Away in the past.
    expect(availableThisWeek({ awayUntil: '2025-01-01', weekdays: [3] }, today)).toBe(true);
  });
});

describe('directoryFilter', () => {
  const ctx = {
    departments: new Map([[1, 'Finance']]),
    schedules: new Map([[1, { awayUntil: null, weekdays: [3] }]]),
    today,
  };

  it('finds a skill inside any skill and compares department and language whatever their case', () => {
    const m = mentor(1);
    expect(directoryFilter({ skill: 'python' }, ctx)(m)).toBe(true);
    expect(directoryFilter({ skill: 'rust' }, ctx)(m)).toBe(false);
    expect(directoryFilter({ department: 'finance ' }, ctx)(m)).toBe(true);
    expect(directoryFilter({ department: 'Sales' }, ctx)(m)).toBe(false);
    expect(directoryFilter({ department: 'Finance' }, ctx)(mentor(2))).toBe(false);
    expect(directoryFilter({ language: 'de' }, ctx)(m)).toBe(true);
    expect(directoryFilter({ language: 'fr' }, ctx)(m)).toBe(false);
    expect(directoryFilter({ availableThisWeek: true }, ctx)(m)).toBe(true);
    expect(directoryFilter({ availableThisWeek: true }, ctx)(mentor(2))).toBe(false);
  });

  it('never lists an inactive mentor', () => {
    expect(directoryFilter({}, ctx)(mentor(1, { active: false }))).toBe(false);
  });

  it('says whether any filter is set', () => {
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ skill: '', availableThisWeek: false })).toBe(false);
    expect(hasFilters({ language: 'en' })).toBe(true);
  });
});
