import { describe, expect, it } from 'vitest';
import { candidateInputs, mergeCandidates } from '../../src/matching/candidates.js';
import { matchRequestFilters, retrievalRule } from '../../src/matching/request-filters.js';
import { quantizeInt8 } from '../../src/vector-index/int8-vectors.js';
import type { PassageVectors } from '../../src/vector-index/snapshot-passages.js';
import { mentor } from './helpers.js';

describe('retrievalRule', () => {
  const none = new Map<number, number>();

  it('is null for a request without exclusions, languages or a capacity floor', () => {
    expect(retrievalRule({}, none)).toBeNull();
    expect(retrievalRule({ filters: { timezone: 'UTC', requiredLanguages: ['de'] }, exclude: [] }, none)).toBeNull();
  });

  it('refuses excluded mentors, mentors sharing no language and mentors without the sessions asked for', () => {
    const spanish = mentor({ languages: ['es'], capacityPerMonth: 3 });
    const english = mentor({ languages: ['en', 'fr'], capacityPerMonth: 3 });
    const sessions = new Map([[english.rowId, 2]]);
    expect(retrievalRule({ exclude: [spanish.externalId] }, none)!(spanish)).toBe(false);
    expect(retrievalRule({ exclude: [spanish.externalId] }, none)!(english)).toBe(true);
    const speaks = retrievalRule({ filters: { languages: ['fr', 'de'] } }, none)!;
    expect([speaks(spanish), speaks(english)]).toEqual([false, true]);
    const twoLeft = retrievalRule({ filters: { minCapacity: 2 } }, sessions)!;
    expect([twoLeft(spanish), twoLeft(english)]).toEqual([true, false]);
  });
});

describe('matchRequestFilters', () => {
  it('gives a time zone without hours the working day, and leaves out what the request does not say', () => {
    expect(matchRequestFilters({})).toEqual({ languages: [] });
    expect(
      matchRequestFilters({
        filters: { timezone: 'Europe/Berlin', requiredLanguages: ['de'] },
        exclude: ['m-1'],
        menteeYearsExperience: 2,
      }),
    ).toEqual({
      languages: [],
      requiredLanguages: ['de'],
      excludeExternalIds: ['m-1'],
      availability: { startHour: 9, endHour: 17, timezone: 'Europe/Berlin' },
      menteeYearsExperience: 2,
    });
    expect(matchRequestFilters({ filters: { availability: { startHour: 6, endHour: 8, required: true } } })).toEqual({
      languages: [],
      availability: { startHour: 6, endHour: 8, required: true },
    });
  });
});

describe('candidateInputs', () => {
  const unit = (i: number) => {
    const v = new Float32Array(4);
    v[i] = 1;
    return v;
  };
  /** Mentor vector along axis `i`, one passage along `i + 1`. */
  const stored = (i: number): PassageVectors => ({
    spans: Int32Array.from([0, 10]),
    ...quantizeInt8([unit(i), unit(i + 1)], 4),
  });

  it('gathers signals in retrieval order, from the stored mentor vector for lexical-only hits, skipping removed mentors', () => {
    const [a, b, gone] = [mentor(), mentor(), mentor()];
    const retrieved = mergeCandidates(
      [{ label: a.rowId, similarity: 0.5 }],
      [
        { id: b.rowId, score: 3 },
        { id: gone.rowId, score: 2 },
      ],
    );
    const inputs = candidateInputs(retrieved, {
      mentors: new Map([a, b].map((m) => [m.rowId, m])),
      passages: new Map([
        [a.rowId, stored(0)],
        [b.rowId, stored(1)],
      ]),
      queryVector: unit(1),
      lexical: new Map([[b.rowId, 0.25]]),
      sessionsThisMonth: new Map([[a.rowId, 1]]),
      shown: new Map([[b.rowId, 7]]),
      outcomes: new Map(),
    });
    expect(inputs.map((c) => c.mentor.rowId)).toEqual([a.rowId, b.rowId]);
    expect(inputs[0]).toMatchObject({
      wholeSimilarity: 0.5,
      lexicalSimilarity: 0,
      servedThisMonth: 1,
      shownRecently: 0,
    });
    expect(inputs[0]!.passageSimilarities).toEqual([{ start: 0, end: 10, similarity: expect.closeTo(1, 2) }]);
    expect(inputs[1]!.wholeSimilarity).toBeCloseTo(1, 2);
    expect(inputs[1]).toMatchObject({ lexicalSimilarity: 0.25, shownRecently: 7 });

    const lexicalOnly = candidateInputs(retrieved, {
      mentors: new Map([[a.rowId, a]]),
      passages: new Map([[a.rowId, stored(0)]]),
      queryVector: null,
      lexical: new Map(),
      sessionsThisMonth: new Map(),
      shown: new Map(),
      outcomes: new Map(),
    });
    expect(lexicalOnly).toEqual([expect.objectContaining({ wholeSimilarity: null, passageSimilarities: [] })]);
  });
});
