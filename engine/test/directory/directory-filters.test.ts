import { describe, expect, it } from 'vitest';
import {
  availableThisWeek,
  directoryFilter,
  hasFilters,
  type MentorWeek,
} from '../../src/directory/directory-filters.js';
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
  const ctx = { now: today, shortestMinutes: 30 };
  const week = (overrides: Partial<MentorWeek> = {}): MentorWeek => ({
    timeZone: 'Europe/Berlin',
    awayUntil: null,
    // Mondays 10:00 to 10:30, Berlin time.
    windows: [{ weekday: 1, startMinute: 600, endMinute: 630 }],
    booked: [],
    ...overrides,
  });

  it('needs a free slot of the shortest length in the next seven days', () => {
    expect(availableThisWeek(undefined, ctx)).toBe(false);
    expect(availableThisWeek(week({ windows: [] }), ctx)).toBe(false);
    expect(availableThisWeek(week(), ctx)).toBe(true);
    // A 15-minute window holds no 30-minute session.
    expect(availableThisWeek(week({ windows: [{ weekday: 1, startMinute: 600, endMinute: 615 }] }), ctx)).toBe(false);
  });

  it('counts neither the days away nor booked cells', () => {
    // Away through Sunday 16th: Monday 17th is still within the seven days from Wednesday 12th.
    expect(availableThisWeek(week({ awayUntil: '2025-03-16' }), ctx)).toBe(true);
    // Away through Monday 17th: the next Monday is the 24th, too late.
    expect(availableThisWeek(week({ awayUntil: '2025-03-17' }), ctx)).toBe(false);
    expect(availableThisWeek(week({ awayUntil: '2025-04-30' }), ctx)).toBe(false);
    // Monday 17th 10:15 Berlin (09:15 UTC) is booked: the only slot is taken.
    expect(availableThisWeek(week({ booked: [new Date('2025-03-17T09:15:00Z')] }), ctx)).toBe(false);
  });
});

describe('directoryFilter', () => {
  const ctx = { departments: new Map([[1, 'Finance']]), available: new Set([1]) };

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
