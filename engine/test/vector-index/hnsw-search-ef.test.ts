import { describe, expect, it } from 'vitest';
import { searchEf } from '../../src/vector-index/hnsw-vector-index.js';

describe('searchEf', () => {
  it('uses efSearch as configured up to 100k vectors', () => {
    for (const size of [0, 1_000, 99_999, 100_000]) expect(searchEf(300, size, 10)).toBe(300);
  });

  it('grows with the three-quarter power of the graph size beyond 100k', () => {
    expect(searchEf(300, 1_600_000, 10)).toBe(2_400);
    expect(searchEf(300, 1_000_000, 10)).toBe(1_687);
    const sizes = [100_000, 200_000, 500_000, 1_000_000, 5_000_000];
    const efs = sizes.map((n) => searchEf(300, n, 10));
    expect(efs).toEqual([...efs].sort((a, b) => a - b));
  });

  it('never searches with fewer candidates than k', () => {
    expect(searchEf(50, 10_000, 100)).toBe(100);
    expect(searchEf(300, 200_000, 1_000)).toBe(1_000);
  });
});
