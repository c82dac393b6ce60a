import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HnswVectorIndex } from '../../src/vector-index/hnsw-vector-index.js';
import { seededRandom } from '../../src/shared/seeded-random.js';
import { labelsIn } from './helpers.js';

const dims = 16;

function randomVector(random: () => number): Float32Array {
  return Float32Array.from({ length: dims }, () => random() * 2 - 1);
}

// A small ef on a graph of a few thousand points, so that searches are approximate and any difference in
// the walk between hiding and filtering would show in the hits.
function build(seed: number) {
  const random = seededRandom(seed);
  const index = HnswVectorIndex.create(dims, { m: 8, efConstruction: 40, efSearch: 20, initialCapacity: 256 });
  const labels: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const label = 1000 + i * 3;
    index.upsert(label, randomVector(random));
    labels.push(label);
  }
  return { index, labels, random };
}

describe('HnswVectorIndex hidden labels', () => {
  it('searching with labels hidden gives exactly the hits of filtering them out, through updates and removals', () => {
    const { index, labels, random } = build(5);
    const hidden = new Set<number>();
    for (const label of labels) {
      if (random() < 0.1) {
        index.setHidden(label, true);
        hidden.add(label);
      }
    }
    // Hidden labels that move, come back, or go away; a removed slot is reused by a new label.
    const moved = [...hidden].slice(0, 20);
    for (const label of moved) index.upsert(label, randomVector(random));
    for (const label of [...hidden].slice(20, 40)) {
      index.setHidden(label, false);
      hidden.delete(label);
    }
    for (const label of [...hidden].slice(0, 10)) {
      index.remove(label);
      hidden.delete(label);
    }
    index.upsert(99_999, randomVector(random));
    index.setHidden(99_999, true);
    hidden.add(99_999);

    const visible = (label: number) => !hidden.has(label);
    const other = (label: number) => label % 2 === 0;
    for (let q = 0; q < 50; q++) {
      const query = randomVector(random);
      const k = 1 + Math.floor(random() * 60);
      const hits = index.search(query, k);
      expect(hits.some((h) => hidden.has(h.label))).toBe(false);
      expect(hits).toEqual(unhiddenSearch(index, hidden, query, k, visible));
      expect(index.search(query, k, other)).toEqual(
        unhiddenSearch(index, hidden, query, k, (l) => visible(l) && other(l)),
      );
      expect(index.search(query, k, other, { includeHidden: true })).toEqual(
        unhiddenSearch(index, hidden, query, k, other),
      );
      // includeHidden leaves them hidden afterwards.
      expect(index.search(query, k)).toEqual(hits);
    }
  });

  it('keeps hidden labels hidden through a graph write and read, and tells them from removed ones', async () => {
    const { index, labels } = build(6);
    const hidden = labels.slice(0, 300);
    for (const label of hidden) index.setHidden(label, true);
    index.remove(labels[500]!);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hnsw-hidden-'));
    try {
      const file = path.join(dir, 'graph.bin');
      const { labels: table } = await index.save(file);
      const loaded = HnswVectorIndex.load(file, dims, index.params, table);
      expect(loaded.size).toBe(index.size);
      const held = labelsIn(loaded);
      expect(held.has(labels[500]!)).toBe(false);
      expect(hidden.every((label) => held.has(label))).toBe(true);
      const random = seededRandom(60);
      for (let q = 0; q < 20; q++) {
        const query = randomVector(random);
        const shown = loaded.search(query, 40);
        expect(shown).toEqual(index.search(query, 40));
        expect(shown.some((h) => hidden.includes(h.label))).toBe(false);
        expect(loaded.search(query, 40, undefined, { includeHidden: true })).toEqual(
          index.search(query, 40, undefined, { includeHidden: true }),
        );
      }
      // Hiding goes on as on the original: a label shown again is found, one hidden again is not.
      loaded.setHidden(hidden[0]!, false);
      loaded.setHidden(labels[1000]!, true);
      const target = loaded.search(new Float32Array(dims).fill(0.1), 3000).map((h) => h.label);
      expect(target).toContain(hidden[0]);
      expect(target).not.toContain(labels[1000]);
      expect(target).not.toContain(hidden[1]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defers upserts, removals and hiding that arrive during a graph write, and applies them in order after it', async () => {
    const { index, labels, random } = build(7);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hnsw-write-'));
    try {
      const file = path.join(dir, 'graph.bin');
      const probe = randomVector(random);
      const before = index.search(probe, 30);
      const writing = index.save(file);
      // While hnswlib writes on its own thread, searches see the state being written.
      const added = randomVector(random);
      index.upsert(50_000, added);
      index.setHidden(50_000, true);
      index.setHidden(50_000, false);
      index.remove(before[0]!.label);
      index.setHidden(before[1]!.label, true);
      index.upsert(labels[7]!, probe);
      expect(index.search(added, 1)[0]!.label).not.toBe(50_000);
      expect(index.search(probe, 30)).toEqual(before);
      const { labels: table } = await writing;

      const after = index.search(probe, 30).map((h) => h.label);
      expect(after[0]).toBe(labels[7]);
      expect(after).not.toContain(before[0]!.label);
      expect(after).not.toContain(before[1]!.label);
      expect(index.search(added, 1)[0]!.label).toBe(50_000);
      // The file holds the state at the start of the write.
      const loaded = HnswVectorIndex.load(file, dims, index.params, table);
      expect(labelsIn(loaded).has(50_000)).toBe(false);
      expect(loaded.search(probe, 30)).toEqual(before);
      const [first, second] = await Promise.allSettled([index.save(file), index.save(file)]);
      expect(first.status).toBe('fulfilled');
      expect(second.status === 'rejected' && String(second.reason)).toMatch(/already running/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The same search the old way: nothing hidden, the hidden labels filtered out by a callback. */
function unhiddenSearch(
  index: HnswVectorIndex,
  hidden: ReadonlySet<number>,
  query: Float32Array,
  k: number,
  filter: (label: number) => boolean,
) {
  for (const label of hidden) index.setHidden(label, false);
  try {
    return index.search(query, k, filter);
  } finally {
    for (const label of hidden) index.setHidden(label, true);
  }
}
