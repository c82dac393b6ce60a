import { describe, expect, it } from 'vitest';
import { mentorProfileText, type MentorInput } from '../../src/domain/mentor.js';
import { HashingEmbeddingProvider } from '../../../test/support/hashing-embedding-provider.js';
import { splitPassages } from '../../src/matching/passages.js';
import { contentHash, embedMentors } from '../../src/services/mentor-embedding.js';
import { centroid, dot } from '../../src/shared/vector-math.js';

const input: MentorInput = {
  externalId: 'm-1',
  name: 'Ada',
  headline: 'Engineering manager in fintech',
  bio: 'I led a payments team of twelve through two reorganisations. Before that I spent six years as a backend engineer on ledgers. I coach new managers on giving feedback that people can act on.',
  skills: ['Leadership', 'Feedback'],
  languages: ['en'],
  timezone: 'Europe/London',
  location: null,
  yearsExperience: 14,
  capacityPerMonth: 3,
  active: true,
};

/** Records every call, so the test sees what the encoder was asked for. */
class RecordingProvider extends HashingEmbeddingProvider {
  readonly calls: string[][] = [];
  override async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls.push([...texts]);
    return super.embed(texts);
  }
}

describe('centroid', () => {
  it('is the unit mean direction, the vector itself for one, and zero when the vectors cancel', () => {
    const c = centroid([Float32Array.of(1, 0), Float32Array.of(0, 1)]);
    expect(c[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(c[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect([...centroid([Float32Array.of(0.6, 0.8)])].map((x) => Number(x.toFixed(6)))).toEqual([0.6, 0.8]);
    expect([...centroid([Float32Array.of(1, 0), Float32Array.of(-1, 0)])]).toEqual([0, 0]);
    expect(centroid([])).toHaveLength(0);
  });
});

describe('embedMentors', () => {
  it('embeds the profile text and each passage once, in one call, and stores their centroid as the mentor vector', async () => {
    const provider = new RecordingProvider(64);
    const other = {
      ...input,
      externalId: 'm-2',
      headline: 'Product designer',
      bio: 'I moved from graphic design into product design at a startup.',
      skills: [],
    };
    const bare = { ...input, externalId: 'm-3', headline: ' ', bio: 'Ten years of clinical research.', skills: [] };
    const [stored, second, third] = await embedMentors(provider, [
      { rowId: 7, input },
      { rowId: 8, input: other },
      { rowId: 9, input: bare },
    ]);
    const passages = splitPassages(input.bio).map((s) => input.bio.slice(s.start, s.end));
    expect(passages.length).toBeGreaterThan(1);
    // Without headline or skills there is no profile text: the bio's passages alone make the vector.
    expect(provider.calls).toEqual([
      [
        'Engineering manager in fintech. Skills: Leadership, Feedback.',
        ...passages,
        'Product designer.',
        other.bio,
        bare.bio,
      ],
    ]);
    expect(mentorProfileText({ headline: '', skills: ['Python'] })).toBe('Skills: Python.');

    const [profile, ...passageVectors] = await new HashingEmbeddingProvider(64).embed([
      mentorProfileText(input)!,
      ...passages,
    ]);
    expect(stored!.mentorId).toBe(7);
    expect(stored!.passageVectors).toEqual(passageVectors);
    expect(stored!.passageSpans).toEqual(splitPassages(input.bio).map((s) => [s.start, s.end]));
    expect(dot(stored!.vector, stored!.vector)).toBeCloseTo(1, 5);
    const mean = centroid([profile!, ...passageVectors]);
    stored!.vector.forEach((x, i) => {
      expect(x).toBeCloseTo(mean[i]!, 6);
    });
    expect(second!.mentorId).toBe(8);
    expect(second!.passageVectors).toHaveLength(1);
    expect(third!.passageVectors).toHaveLength(1);
    third!.vector.forEach((x, i) => {
      expect(x).toBeCloseTo(third!.passageVectors[0]![i]!, 6);
    });
  });

  it('hashes what is embedded: the same for the same texts, new when headline, bio, skills or model change', () => {
    const base = contentHash('model-a', input);
    expect(contentHash('model-a', { ...input, name: 'Someone else' } as MentorInput)).toBe(base);
    for (const changed of [
      { ...input, headline: 'CTO' },
      { ...input, bio: `${input.bio} More.` },
      { ...input, skills: ['Leadership'] },
    ]) {
      expect(contentHash('model-a', changed)).not.toBe(base);
    }
    expect(contentHash('model-b', input)).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{32}$/);
  });
});
