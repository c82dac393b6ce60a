import { seededRandom } from '../../engine/src/shared/seeded-random.js';

/**
 * Seeded synthetic embeddings for recall tests and benchmarks: unit vectors scattered around random
 * centroids. `noise` is the expected length of the offset from a (unit) centroid; near 1 the clusters
 * overlap and nearest neighbours are hard to find, near 0.3 they are tight like topical text clusters.
 */
export interface ClusteredVectorOptions {
  dimensions: number;
  clusters: number;
  noise: number;
  seed: number;
}

export class ClusteredVectors {
  private readonly centroids: Float32Array[];
  private readonly random: () => number;

  constructor(readonly options: ClusteredVectorOptions) {
    this.random = seededRandom(options.seed);
    this.centroids = Array.from({ length: options.clusters }, () => this.gaussianUnit());
  }

  /** Next `count` vectors; successive calls continue the stream (use one call for data, one for queries). */
  sample(count: number): Float32Array[] {
    const { dimensions, noise } = this.options;
    const sigma = noise / Math.sqrt(dimensions);
    const out: Float32Array[] = [];
    for (let n = 0; n < count; n++) {
      const centroid = this.centroids[Math.floor(this.random() * this.centroids.length)]!;
      const v = new Float32Array(dimensions);
      let norm = 0;
      for (let i = 0; i < dimensions; i++) {
        const x = centroid[i]! + sigma * this.gaussian();
        v[i] = x;
        norm += x * x;
      }
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < dimensions; i++) v[i]! *= scale;
      out.push(v);
    }
    return out;
  }

  private gaussianUnit(): Float32Array {
    const v = new Float32Array(this.options.dimensions);
    let norm = 0;
    for (let i = 0; i < v.length; i++) {
      v[i] = this.gaussian();
      norm += v[i]! * v[i]!;
    }
    for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(norm);
    return v;
  }

  private gaussian(): number {
    // Box-Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }
}
