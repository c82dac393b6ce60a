import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPassages } from '../../src/matching/passages.js';

function texts(bio: string): string[] {
  return splitPassages(bio).map((p) => bio.slice(p.start, p.end));
}

describe('splitPassages', () => {
  it('splits on sentence ends and trims each passage', () => {
    const bio =
      '  I led salary negotiations for forty offers as a recruiting lead.   Then I moved into people operations at a scale-up!  ';
    expect(texts(bio)).toEqual([
      'I led salary negotiations for forty offers as a recruiting lead.',
      'Then I moved into people operations at a scale-up!',
    ]);
  });

  it('does not split after abbreviations, initials or before a lower-case word', () => {
    const bio = 'I worked with Dr. Smith on tools, e.g. linters and formatters at Acme Inc. and at Globex for years.';
    expect(texts(bio)).toEqual([bio]);
  });

  it('merges very short sentences into a neighbour', () => {
    const bio = 'Hi. I am Ana. I coach first-time managers on feedback and delegation. Ask me.';
    const out = texts(bio);
    expect(out).toEqual(['Hi. I am Ana. I coach first-time managers on feedback and delegation. Ask me.']);
  });

  it('cuts very long sentences at clause or word boundaries', () => {
    const clause = 'worked on payments infrastructure at a large bank';
    const bio = `I ${Array.from({ length: 12 }, () => clause).join(', ')}.`;
    const spans = splitPassages(bio, { maxChars: 200 });
    expect(spans.length).toBeGreaterThan(2);
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(200);
    expect(bio.slice(spans[0]!.start, spans[0]!.end).endsWith(',')).toBe(true);
  });

  it('treats line breaks as boundaries', () => {
    const bio = 'Twelve years in data engineering at retail companies\nNow leading a platform team of eight engineers';
    expect(texts(bio)).toEqual([
      'Twelve years in data engineering at retail companies',
      'Now leading a platform team of eight engineers',
    ]);
  });

  it('reads a long run of terminators once: it ends a sentence only where whitespace follows the run', () => {
    // Each of these took quadratic time in the run's length (the boundary was tried from every dot of it).
    for (const mark of ['.', '!', '?…']) {
      const run = mark.repeat(100_000 / mark.length);
      const whole = (bio: string) => splitPassages(bio, { maxChars: 1_000_000 }).map((p) => bio.slice(p.start, p.end));
      const glued = `A${run}x and more words so that this passage stands alone.`;
      expect(whole(glued)).toEqual([glued]);
      const spaced = `I coach engineers on their first promotion${run} Then I moved into people operations at a scale-up.`;
      expect(whole(spaced)).toEqual([
        `I coach engineers on their first promotion${run}`,
        'Then I moved into people operations at a scale-up.',
      ]);
    }
  });

  it('returns nothing for an empty or blank bio', () => {
    expect(splitPassages('')).toEqual([]);
    expect(splitPassages(' \n\t ')).toEqual([]);
  });

  it('on random text, passages are ordered, disjoint, trimmed and cover every non-space character', () => {
    const pieces = [
      'I',
      'led',
      'teams',
      'Dr.',
      'e.g.',
      'Zürich',
      'naïve',
      '3.5',
      'ok!',
      'why?',
      '—',
      '\n',
      '  ',
      'C++',
      '😀',
      'end.',
      'Next',
      'a',
    ];
    const bios = fc
      .tuple(fc.array(fc.constantFrom(...pieces), { maxLength: 120, size: 'max' }), fc.constantFrom(' ', '  '))
      .map(([words, separator]) => words.join(separator));
    fc.assert(
      fc.property(bios, (bio) => {
        const spans = splitPassages(bio, { minChars: 20, maxChars: 120 });
        let previousEnd = 0;
        let covered = '';
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(previousEnd);
          expect(s.end).toBeGreaterThan(s.start);
          const text = bio.slice(s.start, s.end);
          expect(text).toBe(text.trim());
          previousEnd = s.end;
          covered += text;
        }
        expect(covered.replace(/\s/g, '')).toBe(bio.replace(/\s/g, ''));
      }),
      { numRuns: 300 },
    );
  });
});
