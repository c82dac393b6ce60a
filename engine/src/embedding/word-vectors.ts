import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder under the models directory that scripts/model/build-glove-sif.ts writes. */
export const GLOVE_MODEL_NAME = 'glove-100d';

export interface WordVectorsManifest {
  name: string;
  description: string;
  license: string;
  attribution: string;
  source: { package: string; version: string; sha256: string };
  dimensions: number;
  words: number;
  files: Record<string, string>;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half precision, round to nearest even; word vectors lose nothing that matters at 11 bits. */
export function float32ToFloat16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

const HALF_TABLE = Float32Array.from({ length: 65536 }, (_, h) => float16ToFloat32(h));

/** Word vectors with their frequency rank (row order): the rank stands in for a word count. */
export interface WordVectors {
  dimensions: number;
  /** Word → row; rows are in descending corpus frequency. */
  rank: ReadonlyMap<string, number>;
  /** Adds row `row`, times `weight`, into `into`. */
  addInto(into: Float64Array, row: number, weight: number): void;
}

export function wordVectorsFromRows(words: readonly string[], halves: Uint16Array, dimensions: number): WordVectors {
  if (halves.length !== words.length * dimensions) throw new Error('word vector rows do not match the word list');
  return {
    dimensions,
    rank: new Map(words.map((w, i) => [w, i])),
    addInto(into, row, weight) {
      const base = row * dimensions;
      for (let d = 0; d < dimensions; d++) into[d]! += weight * HALF_TABLE[halves[base + d]!]!;
    },
  };
}

/** Whether scripts/model/build-glove-sif.ts has built the folder: the vectors are optional, not a dependency. */
export function wordVectorsAvailable(modelsDir: string): boolean {
  return existsSync(path.join(modelsDir, GLOVE_MODEL_NAME, 'manifest.json'));
}

/** Reads models/glove-100d/ (see scripts/model/build-glove-sif.ts). */
export function loadWordVectors(modelsDir: string): WordVectors {
  const dir = path.join(modelsDir, GLOVE_MODEL_NAME);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as WordVectorsManifest;
  const bytes = readFileSync(path.join(dir, 'vectors.f16'));
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  const words = readFileSync(path.join(dir, 'words.txt'), 'utf8').split('\n');
  words.length = manifest.words;
  return wordVectorsFromRows(words, halves, manifest.dimensions);
}

const TOKEN = /[a-z0-9]+(?:['’-][a-z0-9]+)*/g;

/** GloVe's tokens are lower-case; a hyphenated word unknown as a whole counts as its parts. */
export function sifTokens(text: string, known: ReadonlyMap<string, number>): number[] {
  const rows: number[] = [];
  for (const token of text.toLowerCase().match(TOKEN) ?? []) {
    const row = known.get(token);
    if (row !== undefined) rows.push(row);
    else if (token.includes('-'))
      for (const part of token.split('-')) {
        const r = known.get(part);
        if (r !== undefined) rows.push(r);
      }
  }
  return rows;
}

export interface SifOptions {
  /** SIF's smoothing: a word of probability p weighs a / (a + p). Arora et al. use 1e-3 to 1e-4. */
  a?: number;
  /**
   * p(word). Default: Zipf's law over the frequency rank, p(r) = 1 / ((r + 1) · H), H the harmonic number of
   * the vocabulary size, since the package carries ranks but no counts.
   */
  probability?: (row: number) => number;
}

export type SifEmbed = (text: string) => Float32Array;

/**
 * Smooth inverse frequency embedding (Arora, Liang and Ma, ICLR 2017): the a/(a + p(w))-weighted mean of a
 * text's word vectors, without the common component (set it with `withCommonComponentRemoved`).
 */
export function sifEmbedder(vectors: WordVectors, options: SifOptions = {}): SifEmbed {
  const a = options.a ?? 1e-3;
  let harmonic = 0;
  for (let r = 1; r <= vectors.rank.size; r++) harmonic += 1 / r;
  const probability = options.probability ?? ((row: number) => 1 / ((row + 1) * harmonic));
  return (text) => {
    const sum = new Float64Array(vectors.dimensions);
    const rows = sifTokens(text, vectors.rank);
    for (const row of rows) vectors.addInto(sum, row, a / (a + probability(row)));
    return Float32Array.from(sum, (x) => (rows.length > 0 ? x / rows.length : 0));
  };
}

/** The first right singular vector of the stacked texts' vectors (uncentred, as in the paper), by power iteration. */
export function commonComponent(embeddings: readonly Float32Array[], iterations = 100): Float32Array {
  const dims = embeddings[0]?.length ?? 0;
  let u: Float64Array = new Float64Array(dims).fill(1 / Math.sqrt(dims || 1));
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(dims);
    for (const v of embeddings) {
      let proj = 0;
      for (let d = 0; d < dims; d++) proj += v[d]! * u[d]!;
      for (let d = 0; d < dims; d++) next[d]! += proj * v[d]!;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) break;
    u = next.map((x) => x / norm);
  }
  return Float32Array.from(u);
}

/** Removes the projection on `u` (a unit vector): the direction every text shares, mostly syntax and frequency. */
export function withCommonComponentRemoved(embed: SifEmbed, u: Float32Array): SifEmbed {
  return (text) => {
    const v = embed(text);
    let proj = 0;
    for (let d = 0; d < v.length; d++) proj += v[d]! * u[d]!;
    return v.map((x, d) => x - proj * u[d]!);
  };
}
