import { describe, expect, it } from 'vitest';
import {
  commonComponent,
  float16ToFloat32,
  float32ToFloat16,
  sifEmbedder,
  sifTokens,
  withCommonComponentRemoved,
  wordVectorsFromRows,
} from '../../src/embedding/word-vectors.js';

const halves = (rows: number[][]) => Uint16Array.from(rows.flat(), float32ToFloat16);

describe('float16 storage', () => {
  it('round-trips word-vector values to 11 significant bits, rounding to nearest', () => {
    for (const x of [0, 1, -1, 0.5, 0.72812, -0.24487, Math.PI, 1e-5, -2.5e-7, 65504]) {
      const back = float16ToFloat32(float32ToFloat16(x));
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -11, 2 ** -25));
    }
    expect(float32ToFloat16(1e6)).toBe(0x7c00);
    expect(float16ToFloat32(0x7c00)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('SIF embedding', () => {
  // Rank order is frequency order: "the" is the most frequent word, "nurse" the rarest.
  const words = ['the', 'data', 'nurse', 'health-data'];
  const vectors = wordVectorsFromRows(
    words,
    halves([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 1, 1],
    ]),
    3,
  );

  it('tokenises lower-case and splits unknown hyphenated words into known parts', () => {
    expect(sifTokens('The NURSE, data-nurse and health-data', vectors.rank)).toEqual([0, 2, 1, 2, 3]);
  });

  it('weighs each word by a / (a + p(w)), so frequent words count less', () => {
    const p = [0.5, 0.01, 0.001, 0.001];
    const embed = sifEmbedder(vectors, { a: 0.001, probability: (r) => p[r]! });
    const v = embed('the data nurse');
    expect(v[0]).toBeCloseTo(0.001 / 0.501 / 3, 6);
    expect(v[1]).toBeCloseTo(0.001 / 0.011 / 3, 6);
    expect(v[2]).toBeCloseTo(0.5 / 3, 6);
    expect([...embed('no known words here')]).toEqual([0, 0, 0]);
  });

  it('by default derives p(w) from the frequency rank (Zipf), decreasing with rank', () => {
    const embed = sifEmbedder(vectors);
    expect(embed('the')[0]!).toBeLessThan(embed('data')[1]!);
    expect(embed('data')[1]!).toBeLessThan(embed('nurse')[2]!);
  });

  it('finds the direction the texts share and removes it', () => {
    const texts = [
      Float32Array.of(3, 1, 0),
      Float32Array.of(3, -1, 0),
      Float32Array.of(3, 0, 1),
      Float32Array.of(3, 0, -1),
    ];
    const u = commonComponent(texts);
    expect(Math.abs(u[0]!)).toBeCloseTo(1, 5);
    const removed = withCommonComponentRemoved(() => Float32Array.of(2, 0.5, 0), u)('');
    expect(removed[0]).toBeCloseTo(0, 5);
    expect(removed[1]).toBeCloseTo(0.5, 5);
  });
});
