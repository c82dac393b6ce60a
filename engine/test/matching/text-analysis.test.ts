import { describe, expect, it } from 'vitest';
import { indexTerms, stem, tokenize } from '../../src/matching/text-analysis.js';

describe('stem', () => {
  it('brings plural, -ing and -ed forms together', () => {
    expect(stem('negotiations')).toBe(stem('negotiation'));
    expect(stem('negotiating')).toBe(stem('negotiated'));
    expect(stem('managing')).toBe(stem('manage'));
    expect(stem('companies')).toBe(stem('company'));
    expect(stem('running')).toBe('run');
    expect(stem('offers')).toBe('offer');
  });

  it('leaves short words, words with digits and -ss/-is endings alone', () => {
    expect(stem('led')).toBe('led');
    expect(stem('k8s')).toBe('k8s');
    expect(stem('analysis')).toBe('analysis');
    expect(stem('business')).toBe('business');
    expect(stem('staffing')).toBe('staff');
  });

  it("drops a possessive 's", () => {
    expect(stem("Google's")).toBe(stem('Google'));
    expect(stem("Google's")).not.toContain("'");
  });
});

describe('tokenize', () => {
  it('keeps offsets into the original text, including non-ASCII letters', () => {
    const text = 'Führung in Zürich — C++ and C# at 3.5 years';
    const tokens = tokenize(text);
    for (const t of tokens) expect(text.slice(t.start, t.end).toLowerCase()).toBe(t.surface);
    expect(tokens.map((t) => t.surface)).toEqual([
      'führung',
      'in',
      'zürich',
      'c++',
      'and',
      'c#',
      'at',
      '3',
      '5',
      'years',
    ]);
  });

  it('marks stop words but keeps them', () => {
    const tokens = tokenize('How do I negotiate my salary?');
    expect(tokens.filter((t) => t.stop).map((t) => t.surface)).toEqual(['how', 'do', 'i', 'my']);
    expect(indexTerms('How do I negotiate my salary?')).toEqual(['negotiat', 'salary']);
  });
});

describe('hyphenated words', () => {
  it('adds the joined form so "co-founder" meets "cofounder", with offsets covering both parts', () => {
    const text = 'I argue with my co-founder.';
    const joined = tokenize(text).find((t) => t.term === stem('cofounder'));
    expect(joined).toBeDefined();
    expect(text.slice(joined!.start, joined!.end)).toBe('co-founder');
    expect(indexTerms('my cofounder')).toContain(joined!.term);
    expect(tokenize('well known').some((t) => t.term === stem('wellknown'))).toBe(false);
  });
});

describe('indexTerms', () => {
  it('equals the non-stop tokens of tokenize on mixed text', () => {
    const text =
      "Don't panic: I've led GDPR audits at Google's Zürich office, managed K8s & C++ teams; 3.5 years’ worth.";
    expect(indexTerms(text)).toEqual(
      tokenize(text)
        .filter((t) => !t.stop)
        .map((t) => t.term),
    );
    expect(indexTerms(text)).toContain('gdpr');
    expect(indexTerms(text)).not.toContain("don't");
  });
});
