import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mentorWholeText, type MentorInput } from '../../engine/src/domain/mentor.js';
import { validateMentorRow } from '../../engine/src/services/mentor-row-validator.js';
import { DOMAINS } from './domains.js';
import { mentionsKeyword } from './find-candidates.js';
import {
  BIO_WORDS,
  DEMO_DEFAULTS,
  generateDemoMentor,
  generateMentors,
  generateQuestions,
} from './generate-mentors.js';
import { countWords, withArticle } from './template.js';
import { mentorCsvHeader, mentorCsvRow } from './write-demo-data.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/demo-eval/${name}`, import.meta.url), 'utf8');
const demo = Array.from({ length: DEMO_DEFAULTS.count }, (_, i) => generateDemoMentor(DEMO_DEFAULTS.seed, i));
const byId = new Map(demo.map((d) => [d.mentor.externalId, d.mentor]));
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

function isIanaTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.includes('/');
  } catch {
    return false;
  }
}

describe('generateMentors', () => {
  it('gives the same mentors for the same seed and different ones for another seed', () => {
    const a = [...generateMentors({ count: 50, seed: 7 })];
    const b = [...generateMentors({ count: 50, seed: 7 })];
    const c = [...generateMentors({ count: 50, seed: 8 })];
    expect(a).toEqual(b);
    expect(c.map((m) => m.bio)).not.toEqual(a.map((m) => m.bio));
    expect(c.filter((m, i) => m.bio === a[i]!.bio).length).toBeLessThan(3);
  });

  it('makes mentor i independent of how many are generated, so benchmarks contain the demo mentors', () => {
    const big = generateMentors({ count: 5000, seed: DEMO_DEFAULTS.seed });
    const first = Array.from({ length: 20 }, () => big.next().value as MentorInput);
    expect(first).toEqual(demo.slice(0, 20).map((d) => d.mentor));
  });

  it('streams lazily', () => {
    const it = generateMentors({ count: 1_000_000, seed: 1 });
    expect(it.next().value).toMatchObject({ externalId: 'demo-000001' });
  });

  it('produces valid, varied mentors in the default demo data', () => {
    const ids = new Set<string>();
    const bios = new Set<string>();
    for (const { mentor: m } of demo) {
      expect(validateMentorRow(m)).toMatchObject({ ok: true });
      expect(m.externalId).toMatch(/^demo-\d{6}$/);
      ids.add(m.externalId);
      bios.add(m.bio);
      const words = countWords(m.bio);
      expect(words, m.bio).toBeGreaterThanOrEqual(BIO_WORDS.min);
      expect(words, m.bio).toBeLessThanOrEqual(BIO_WORDS.max);
      expect(m.bio).not.toMatch(/\{|\}|undefined| {2}/);
      expect(m.headline.length).toBeGreaterThan(5);
      expect(m.skills.length).toBeGreaterThanOrEqual(3);
      expect(new Set(m.skills.map((s) => s.toLowerCase())).size).toBe(m.skills.length);
      expect(m.languages.length).toBeGreaterThan(0);
      for (const code of m.languages) {
        expect(code).toMatch(/^[a-z]{2}$/);
        expect(languageNames.of(code), code).toBeTruthy();
      }
      expect(isIanaTimezone(m.timezone), m.timezone).toBe(true);
      expect(m.yearsExperience).toBeGreaterThanOrEqual(1);
      expect(m.yearsExperience).toBeLessThanOrEqual(40);
      expect(m.capacityPerMonth).toBeGreaterThanOrEqual(0);
      expect(m.capacityPerMonth).toBeLessThanOrEqual(8);
    }
    expect(ids.size).toBe(demo.length);
    expect(bios.size).toBe(demo.length);

    const share = (pred: (m: MentorInput) => boolean) => demo.filter((d) => pred(d.mentor)).length / demo.length;
    expect(share((m) => m.active)).toBeGreaterThan(0.9);
    expect(share((m) => m.active)).toBeLessThan(0.99);
    expect(share((m) => m.capacityPerMonth === 0)).toBeGreaterThan(0.02);
    expect(share((m) => m.languages.includes('en'))).toBeGreaterThan(0.8);
    expect(share((m) => m.languages.length > 1)).toBeGreaterThan(0.2);
    expect(new Set(demo.map((d) => d.mentor.timezone)).size).toBeGreaterThan(40);
    expect(share((m) => m.bio.startsWith('I '))).toBeGreaterThan(0.2);
    expect(share((m) => !/\b(I|my)\b/.test(m.bio))).toBeGreaterThan(0.2);
  });

  it('covers at least 30 career domains with enough mentors in each', () => {
    const counts = new Map<string, number>();
    for (const d of demo) counts.set(d.domainId, (counts.get(d.domainId) ?? 0) + 1);
    expect(DOMAINS.length).toBeGreaterThanOrEqual(30);
    expect(counts.size).toBeGreaterThanOrEqual(30);
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(20);
  });
});

describe('generateQuestions', () => {
  const labelled = new Set(
    fixture('queries.jsonl')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );

  it('is deterministic, 10 to 80 words, and disjoint from the labelled questions', () => {
    const a = [...generateQuestions({ count: 1000, seed: 3 })];
    expect([...generateQuestions({ count: 1000, seed: 3 })]).toEqual(a);
    expect(new Set(a.map((q) => q.id)).size).toBe(1000);
    for (const q of a) {
      expect(countWords(q.text), q.text).toBeGreaterThanOrEqual(10);
      expect(countWords(q.text), q.text).toBeLessThanOrEqual(80);
      expect(q.text).not.toMatch(/\{|\}|undefined/);
      expect(labelled.has(q.text)).toBe(false);
    }
    expect(new Set(a.map((q) => q.text)).size).toBeGreaterThan(900);
  });
});

describe('demo-eval fixture', () => {
  const queries = fixture('queries.jsonl')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { query_id: string; text: string; keywords: string[] });
  const [header, ...rows] = fixture('judgments.csv').trim().split('\n');
  const judgments = rows.map((r) => {
    const [queryId, mentorId, relevance] = r.split(',');
    return { queryId: queryId!, mentorId: mentorId!, relevance: Number(relevance) };
  });

  it('describes the default demo generation', () => {
    expect(JSON.parse(fixture('dataset.json')).mentors).toEqual({ generator: 'demo', ...DEMO_DEFAULTS });
    expect(header).toBe('query_id,mentor_id,relevance');
  });

  it('has at least 30 questions, each with 2 to 10 graded mentors and an ideal one', () => {
    expect(queries.length).toBeGreaterThanOrEqual(30);
    expect(new Set(queries.map((q) => q.query_id)).size).toBe(queries.length);
    expect(new Set(judgments.map((j) => `${j.queryId}/${j.mentorId}`)).size).toBe(judgments.length);
    for (const q of queries) {
      const judged = judgments.filter((j) => j.queryId === q.query_id && j.relevance > 0);
      expect(judged.length, q.query_id).toBeGreaterThanOrEqual(2);
      expect(judged.length, q.query_id).toBeLessThanOrEqual(10);
      expect(
        judged.some((j) => j.relevance === 3),
        q.query_id,
      ).toBe(true);
      expect(q.keywords.length, q.query_id).toBeGreaterThan(0);
    }
    for (const j of judgments) {
      expect(
        queries.some((q) => q.query_id === j.queryId),
        j.queryId,
      ).toBe(true);
      expect([0, 1, 2, 3]).toContain(j.relevance);
    }
  });

  it('judges only active mentors of the default generation whose text relates to the question', () => {
    for (const j of judgments) {
      const mentor = byId.get(j.mentorId);
      expect(mentor, j.mentorId).toBeDefined();
      expect(mentor!.active, j.mentorId).toBe(true);
      const keywords = queries.find((q) => q.query_id === j.queryId)!.keywords;
      const text = mentorWholeText(mentor!);
      expect(
        keywords.some((k) => mentionsKeyword(text, k)),
        `${j.queryId} ${j.mentorId}`,
      ).toBe(true);
    }
  });
});

describe('helpers', () => {
  it('matches keywords at word starts only', () => {
    expect(mentionsKeyword('Negotiated 40 offers', 'negotiat')).toBe(true);
    expect(mentionsKeyword('Based in Tehran', 'ehr')).toBe(false);
    expect(mentionsKeyword('Runs K8s clusters', 'k8s')).toBe(true);
    expect(mentionsKeyword('S&OP process', 's&op')).toBe(true);
  });

  it('chooses articles by sound', () => {
    expect(withArticle('SRE')).toBe('an SRE');
    expect(withArticle('UX researcher')).toBe('a UX researcher');
    expect(withArticle('ICU nurse')).toBe('an ICU nurse');
    expect(withArticle('engineering manager')).toBe('an engineering manager');
    expect(withArticle('CFO')).toBe('a CFO');
  });

  it('writes CSV rows the importer can split back into lists', () => {
    const m = { ...demo[0]!.mentor, bio: 'Said "hi", then left', skills: ['SQL', 'dbt'] };
    const row = mentorCsvRow(m);
    expect(mentorCsvHeader().split(',')).toHaveLength(11);
    expect(row).toContain('"Said ""hi"", then left"');
    expect(row).toContain(',SQL;dbt,');
  });
});
