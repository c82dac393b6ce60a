import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HnswVectorIndex } from '../../src/vector-index/hnsw-vector-index.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

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
      expect(index.search(query, k, other)).toEqual(unhiddenSearch(index, hidden, query, k, (l) => visible(l) && other(l)));
      expect(index.search(query, k, other, { includeHidden: true })).toEqual(unhiddenSearch(index, hidden, query, k, other));
      // includeHidden leaves them hidden afterwards.
      expect(index.search(query, k)).toEqual(hits);
    }
  });

  it('writes hidden labels to the graph file as live ones', () => {
    const { index, labels } = build(6);
    for (const label of labels.slice(0, 300)) index.setHidden(label, true);
    index.remove(labels[500]!);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hnsw-hidden-'));
    try {
      const file = path.join(dir, 'graph.bin');
      index.writeGraph(file);
      const loaded = HnswVectorIndex.readGraph(file, dims, index.params, index.slotTable());
      const query = new Float32Array(dims).fill(0.1);
      expect(loaded.search(query, 40)).toEqual(index.search(query, 40, undefined, { includeHidden: true }));
      expect(index.search(query, 40).some((h) => labels.slice(0, 300).includes(h.label))).toBe(false);
      expect(loaded.has(labels[500]!)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The same search the old way: nothing hidden, the hidden labels filtered out by a callback. */
function unhiddenSearch(index: HnswVectorIndex, hidden: ReadonlySet<number>, query: Float32Array, k: number, filter: (label: number) => boolean) {
  for (const label of hidden) index.setHidden(label, false);
  try {
    return index.search(query, k, filter);
  } finally {
    for (const label of hidden) index.setHidden(label, true);
  }
}
