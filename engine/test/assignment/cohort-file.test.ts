import { describe, expect, it } from 'vitest';
import { parseCohort } from '../../src/assignment/cohort-file.js';

describe('parseCohort', () => {
  it('reads a CSV with the documented columns, lists split as in mentor imports', () => {
    const csv = [
      'id,question,languages,timezone,department,career_start_year,preferred_mentors,excluded_mentors,mentors',
      'a1,"How do I lead my first team, without losing touch?","en; de",Europe/Berlin,Sales,2019,m-1,m-2|m-3,2',
      ',Just a question,,,,,,,',
    ].join('\n');
    const { entries, errors } = parseCohort(csv, 'csv');
    expect(entries).toEqual([
      {
        id: 'a1',
        email: null,
        question: 'How do I lead my first team, without losing touch?',
        languages: ['en', 'de'],
        timezone: 'Europe/Berlin',
        department: 'Sales',
        careerStartYear: 2019,
        preferred: ['m-1'],
        excluded: ['m-2', 'm-3'],
        mentors: 2,
      },
    ]);
    expect(errors).toEqual([{ row: 3, message: 'needs an id or an email' }]);
  });

  it('reads JSON Lines, names a mentee by email without an id, and reports every bad row', () => {
    const jsonl = [
      JSON.stringify({ email: 'x@example.org', question: 'Q1', languages: ['EN'] }),
      'not json',
      JSON.stringify({ id: 'b', question: 'Q2', timezone: 'Mars/Base' }),
      JSON.stringify({ id: 'c', question: 'Q3', mentors: 4 }),
      JSON.stringify({ id: 'x@example.org', question: 'again' }),
      JSON.stringify({ id: 'd' }),
    ].join('\n');
    const { entries, errors } = parseCohort(jsonl, 'jsonl');
    expect(entries.map((e) => [e.id, e.email, e.languages])).toEqual([['x@example.org', 'x@example.org', ['en']]]);
    expect(errors).toEqual([
      { row: 2, message: 'not a JSON object' },
      { row: 3, message: 'mentee b: timezone must be an IANA time zone such as "Europe/Berlin", got "Mars/Base"' },
      { row: 4, message: 'mentee c: mentors must be a whole number from 1 to 3, got "4"' },
      { row: 5, message: 'mentee x@example.org appears twice' },
      { row: 6, message: 'mentee d has no question' },
    ]);
  });
});
