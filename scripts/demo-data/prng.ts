/** A small seeded PRNG (mulberry32): the demo data must be identical on every machine and Node version. */
// A class rather than a closure: a million mentors create a million generators, and closures are slower here.
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export function mulberry32(seed: number): Rng {
  return new Rng(seed);
}

/**
 * Mixes a seed with an index so record i depends only on (seed, i): the first 2,000 of a 1M-row run are
 * the demo mentors, and any record can be regenerated without the ones before it.
 */
export function rngFor(seed: number, index: number, stream = 0): Rng {
  const h = mix(mix((seed ^ 0x9e3779b9) >>> 0, index), stream);
  return new Rng(h);
}

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rng.next() * items.length)] as T;
}

export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Distinct items in random order; `count` is capped at the list length. */
export function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = items.slice();
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}

export function weightedIndex(rng: Rng, cumulative: readonly number[]): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const r = rng.next() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r < (cumulative[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
