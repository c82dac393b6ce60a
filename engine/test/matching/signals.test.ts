import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateSimilarity,
  calibrateCosine,
  estimateSignalMap,
  LEGACY_SIGNAL_MAPS,
  capacitySignal,
  experienceSignal,
  fairnessSignal,
  languageSignal,
  overlapHours,
  semanticSignal,
  skillsSignal,
  timezoneSignal,
  utcOffsetMinutes,
} from '../../src/matching/signals.js';

describe('semantic', () => {
  it('calibrates cosine linearly between floor and ceiling, clamped to [0, 1]', () => {
    expect(calibrateCosine(0.05)).toBe(0);
    expect(calibrateCosine(-0.3)).toBe(0);
    expect(calibrateCosine(0.4)).toBeCloseTo(0.5, 12);
    expect(calibrateCosine(0.9)).toBe(1);
    expect(calibrateCosine(Number.NaN)).toBe(0);
  });

  it('aggregates 0.5 × max + 0.3 × mean(top 3) + 0.2 × whole', () => {
    expect(aggregateSimilarity(0.2, [0.1, 0.6, 0.5, 0.4])).toBeCloseTo(0.5 * 0.6 + 0.3 * 0.5 + 0.2 * 0.2, 12);
  });

  it('renormalises when passages or the whole vector are missing', () => {
    expect(aggregateSimilarity(0.3, [])).toBeCloseTo(0.3, 12);
    expect(aggregateSimilarity(null, [0.6])).toBeCloseTo(0.6, 12);
    expect(aggregateSimilarity(null, [])).toBeNull();
    expect(semanticSignal(null, [])).toEqual({ value: 0, raw: null });
  });

  it('equals, bit for bit, the weighted sum over a sorted copy of the passages (ties, gaps, short lists)', () => {
    const bySorting = (whole: number | null, passages: number[]): number | null => {
      const sorted = passages.filter(Number.isFinite).sort((a, b) => b - a);
      const parts: [number, number][] = [];
      if (sorted.length) {
        const top = sorted.slice(0, 3);
        parts.push([0.5, sorted[0]!], [0.3, top.reduce((a, b) => a + b, 0) / top.length]);
      }
      if (whole !== null && Number.isFinite(whole)) parts.push([0.2, whole]);
      if (!parts.length) return null;
      return parts.reduce((a, [, v], i) => a + parts[i]![0] * v, 0) / parts.reduce((a, [w]) => a + w, 0);
    };
    // Few distinct values so that ties are common; NaN and -Infinity stand for missing passage vectors.
    const passage = fc.oneof(
      { weight: 5, arbitrary: fc.constant(Number.NaN) },
      { weight: 3, arbitrary: fc.constant(-Infinity) },
      { weight: 42, arbitrary: fc.integer({ min: 0, max: 8 }).map((eighths) => eighths / 8 - 0.2) },
      { weight: 50, arbitrary: fc.double({ min: -0.2, max: 0.8, noNaN: true }) },
    );
    const whole = fc.option(fc.double({ min: -0.1, max: 0.9, noNaN: true }), { freq: 5 });
    fc.assert(
      fc.property(whole, fc.array(passage, { maxLength: 6 }), (w, passages) => {
        expect(aggregateSimilarity(w, passages)).toBe(bySorting(w, passages));
      }),
      { numRuns: 2000 },
    );
  });

  it('one passage right on topic beats a uniformly lukewarm bio', () => {
    expect(semanticSignal(0.35, [0.7, 0.2, 0.15]).value).toBeGreaterThan(semanticSignal(0.4, [0.35, 0.35, 0.35]).value);
  });
});

describe('lexical', () => {
  it('maps TF-IDF cosines [0, 0.3] linearly onto [0, 1] under the maps before issue 23', () => {
    const lexical = LEGACY_SIGNAL_MAPS.lexical;
    expect(calibrateCosine(0, lexical)).toBe(0);
    expect(calibrateCosine(0.15, lexical)).toBeCloseTo(0.5, 12);
    expect(calibrateCosine(0.6, lexical)).toBe(1);
    expect(calibrateCosine(Number.NaN, lexical)).toBe(0);
    expect(calibrateCosine(-0.1, lexical)).toBe(0);
  });
});

describe('signal maps', () => {
  it('puts the least similar reference pair at 0 and spans twelve standard deviations', () => {
    // Minimum 0.08, population deviation 0.02.
    const map = estimateSignalMap([0.08, 0.12, 0.08, 0.12, Number.NaN]);
    expect(map.floor).toBeCloseTo(0.08, 12);
    expect(map.ceiling).toBeCloseTo(0.08 + 12 * 0.02, 12);
    expect(calibrateCosine(0.08, map)).toBe(0);
    expect(calibrateCosine(0.14, map)).toBeCloseTo(0.25, 12);
  });

  it('gives two signals with different spreads the same spread of values', () => {
    const narrow = [0.05, 0.07, 0.09, 0.11];
    const wide = narrow.map((v) => 0.4 + 5 * v);
    const a = estimateSignalMap(narrow);
    const b = estimateSignalMap(wide);
    narrow.forEach((v, i) => {
      expect(calibrateCosine(v, a)).toBeCloseTo(calibrateCosine(wide[i]!, b), 12);
    });
  });

  it('refuses a sample that cannot define a scale', () => {
    expect(() => estimateSignalMap([0.3])).toThrow(RangeError);
    expect(() => estimateSignalMap([0.3, 0.3, 0.3])).toThrow(RangeError);
  });
});

describe('skills', () => {
  it('is the share of the question skills the mentor has', () => {
    expect(skillsSignal(new Set(['a', 'b']), new Set(['b', 'c']))).toEqual({ value: 0.5, matched: ['b'] });
    expect(skillsSignal(new Set(), new Set(['b'])).value).toBe(0);
  });
});

describe('language', () => {
  it('is 1 with any shared language, case-insensitively', () => {
    expect(languageSignal(['es', 'EN'], ['en', 'de'])).toEqual({ value: 1, shared: ['en'] });
    expect(languageSignal(['es'], ['en'])).toEqual({ value: 0, shared: [] });
    expect(languageSignal([], ['en']).value).toBe(0);
  });
});

describe('timezone', () => {
  const winter = new Date('2026-01-15T12:00:00Z');
  const summer = new Date('2026-07-15T12:00:00Z');

  it('reads UTC offsets, daylight saving included, and rejects unknown zones', () => {
    expect(utcOffsetMinutes('Europe/Berlin', winter)).toBe(60);
    expect(utcOffsetMinutes('Europe/Berlin', summer)).toBe(120);
    expect(utcOffsetMinutes('Asia/Kolkata', winter)).toBe(330);
    expect(utcOffsetMinutes('America/New_York', winter)).toBe(-300);
    expect(utcOffsetMinutes('UTC', winter)).toBe(0);
    expect(utcOffsetMinutes('Mars/Olympus', winter)).toBeNull();
  });

  it('computes window overlap across offsets and midnight', () => {
    const berlin = { startHour: 9, endHour: 18, utcOffsetMinutes: 60 }; // 08–17 UTC
    const newYork = { startHour: 9, endHour: 18, utcOffsetMinutes: -300 }; // 14–23 UTC
    expect(overlapHours(berlin, newYork)).toBe(3);
    const nightOwl = { startHour: 22, endHour: 2, utcOffsetMinutes: 0 }; // 22–02 UTC
    expect(overlapHours(nightOwl, newYork)).toBe(1);
    const tokyo = { startHour: 9, endHour: 18, utcOffsetMinutes: 540 }; // 00–09 UTC
    expect(overlapHours(tokyo, newYork)).toBe(0);
    expect(overlapHours(nightOwl, tokyo)).toBe(2);
  });

  it('scores overlap as a share of the shorter window', () => {
    const mentee = { startHour: 17, endHour: 19, utcOffsetMinutes: 0 };
    const mentor = { startHour: 9, endHour: 18, utcOffsetMinutes: 0 };
    expect(timezoneSignal(mentee, mentor)).toEqual({ value: 0.5, overlapHours: 1 });
    expect(timezoneSignal({ ...mentee, startHour: 10, endHour: 12 }, mentor).value).toBe(1);
  });
});

describe('capacity', () => {
  it('mixes the share of own capacity left with saturating free slots', () => {
    expect(capacitySignal(4, 4, 3)).toEqual({ value: 0, remaining: 0 });
    expect(capacitySignal(4, 6, 3)).toEqual({ value: 0, remaining: 0 });
    expect(capacitySignal(8, 0, 3)).toEqual({ value: 1, remaining: 8 });
    expect(capacitySignal(2, 1, 3).value).toBeCloseTo(0.5 * 0.5 + 0.5 * (1 / 3), 12);
    expect(capacitySignal(8, 3, 3).value).toBeGreaterThan(capacitySignal(1, 0, 3).value);
  });
});

describe('experience', () => {
  it('without mentee years, prefers more experience, saturating below 1', () => {
    expect(experienceSignal(0, null, 5)).toBe(0);
    expect(experienceSignal(10, null, 5)).toBeGreaterThan(experienceSignal(5, null, 5));
    expect(experienceSignal(40, null, 5)).toBeLessThan(1);
  });

  it('with mentee years, peaks at the preferred gap and forgives excess more than shortfall', () => {
    expect(experienceSignal(8, 3, 5)).toBe(1);
    expect(experienceSignal(12, 3, 5)).toBeGreaterThan(experienceSignal(4, 3, 5));
    expect(experienceSignal(3, 3, 5)).toBeLessThan(experienceSignal(8, 3, 5));
    // Cross-generational preference: a 25-year gap.
    expect(experienceSignal(30, 5, 25)).toBe(1);
    expect(experienceSignal(30, 5, 25)).toBeGreaterThan(experienceSignal(12, 5, 25));
    // Reverse mentoring: the mentor is junior.
    expect(experienceSignal(2, 20, -15)).toBeGreaterThan(experienceSignal(25, 20, -15));
  });
});

describe('fairness', () => {
  it('does not penalise a mentor within tolerance of their capacity share', () => {
    // 1000 impressions, 2% of capacity → fair share 20 (+1).
    expect(fairnessSignal(25, 1000, 0.02, 1.5).value).toBe(1);
    expect(fairnessSignal(0, 0, 0, 1.5).value).toBe(1);
  });

  it('penalises over-exposure in proportion to the excess', () => {
    const over = fairnessSignal(63, 1000, 0.02, 1.5); // 3 × share
    expect(over.ratio).toBeCloseTo(3, 12);
    expect(over.value).toBeCloseTo(0.5, 12);
    expect(fairnessSignal(126, 1000, 0.02, 1.5).value).toBeLessThan(over.value);
  });
});
