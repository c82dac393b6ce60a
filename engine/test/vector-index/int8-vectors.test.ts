import { describe, expect, it } from 'vitest';
import { ClusteredVectors } from '../../../test/support/clustered-vectors.js';
import { dotInt8, int8Rows, quantizeInt8 } from '../../src/vector-index/int8-vectors.js';
import { dot } from '../../src/shared/vector-math.js';

describe('int8 vectors', () => {
  it('codes a small vector exactly as symmetric rounding by max |x| / 127', () => {
    const q = quantizeInt8([Float32Array.from([0.5, -0.25, 0.1, 0]), Float32Array.from([0, 0, 0, 0])], 4);
    expect(int8Rows(q)).toBe(2);
    expect(q.scales[0]).toBeCloseTo(0.5 / 127, 9);
    expect([...q.codes.subarray(0, 4)]).toEqual([127, -64, 25, 0]);
    // A zero vector keeps scale 0 and scores 0 with anything.
    expect(q.scales[1]).toBe(0);
    expect(dotInt8(Float32Array.from([1, 2, 3, 4]), q, 1)).toBe(0);
    // 1 · 127 · s + 2 · (−64) · s + 3 · 25 · s, s = 0.5 / 127.
    expect(dotInt8(Float32Array.from([1, 2, 3, 4]), q, 0)).toBeCloseTo((127 - 128 + 75) * (0.5 / 127), 6);
  });

  it('keeps every dot product within half a step per component of the float one, for odd widths too', () => {
    for (const dimensions of [512, 37]) {
      const gen = new ClusteredVectors({ dimensions, clusters: 8, noise: 0.6, seed: 3 });
      const rows = gen.sample(200);
      const q = quantizeInt8(rows, dimensions);
      for (const query of gen.sample(20)) {
        const l1 = query.reduce((s, x) => s + Math.abs(x), 0);
        let worst = 0;
        rows.forEach((row, r) => {
          const error = Math.abs(dotInt8(query, q, r) - dot(query, row));
          expect(error).toBeLessThanOrEqual((l1 * q.scales[r]!) / 2 + 1e-6);
          worst = Math.max(worst, error);
        });
        // The bound is loose; rounding errors mostly cancel.
        expect(worst).toBeLessThan(0.005);
      }
    }
  });

  it('rejects a vector of another width', () => {
    expect(() => quantizeInt8([new Float32Array(3)], 4)).toThrow(/3 dimensions, expected 4/);
  });
});
