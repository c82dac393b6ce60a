import { createHash } from 'node:crypto';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';

/**
 * Fast deterministic stand-in for the model in tests: a bag of hashed word unigrams and bigrams,
 * L2-normalised, so texts sharing words are similar. Never used by the product.
 */
export class HashingEmbeddingProvider implements EmbeddingProvider {
  readonly id: string;
  constructor(
    readonly dimensions = 64,
    id = `hashing-${dimensions}`,
  ) {
    this.id = id;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const features = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
    for (const f of features) {
      const h = createHash('md5').update(f).digest();
      v[h.readUInt32LE(0) % this.dimensions]! += h[4]! & 1 ? 1 : -1;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    if (norm === 0) v[0] = 1;
    else for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(norm);
    return v;
  }
}
