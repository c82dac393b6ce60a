import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ClusteredVectors } from '../../../test/support/clustered-vectors.js';
import { createVectorIndex } from '../../src/vector-index/create-vector-index.js';
import type { VectorIndexKind } from '../../src/vector-index/vector-index.js';
import { HnswVectorIndex } from '../../src/vector-index/hnsw-vector-index.js';
import {
  loadSnapshot,
  saveSnapshot,
  SNAPSHOT_META_FILE,
  type SnapshotMeta,
} from '../../src/vector-index/index-snapshot.js';
import { labelsIn } from './helpers.js';

const dims = 48;
const params = { m: 12, efConstruction: 100, efSearch: 50 };
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-snapshot-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function build(kind: VectorIndexKind) {
  const gen = new ClusteredVectors({ dimensions: dims, clusters: 8, noise: 0.9, seed: 21 });
  const index = createVectorIndex(kind, dims, { ...params, initialCapacity: 64 });
  gen.sample(600).forEach((v, i) => {
    index.upsert(i * 3 + 2 ** 33, v);
  });
  // Deleted slots and a replacement must survive the round trip too.
  for (let i = 0; i < 600; i += 7) index.remove(i * 3 + 2 ** 33);
  index.upsert(5, gen.sample(1)[0]!);
  return { index, queries: gen.sample(30) };
}

const expectation = (meta: Pick<SnapshotMeta, 'count'>) => ({
  modelId: 'model-a',
  dimensions: dims,
  count: meta.count,
  checksum: 'sum-1',
});

describe.each<VectorIndexKind>(['hnsw', 'exact'])('%s snapshot', (kind) => {
  it('loads back an index that answers identically', async () => {
    const { index, queries } = build(kind);
    const meta = await saveSnapshot(dir, index, { modelId: 'model-a', checksum: 'sum-1' });
    expect(meta).toMatchObject({ kind, modelId: 'model-a', dimensions: dims, count: index.size, checksum: 'sum-1' });
    const loaded = await loadSnapshot(dir, { ...expectation(meta), kind, hnsw: params });
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(loaded.index.size).toBe(index.size);
    expect(labelsIn(loaded.index)).toEqual(labelsIn(index));
    expect(labelsIn(loaded.index).has(5)).toBe(true);
    for (const q of queries) {
      expect(loaded.index.search(q, 10)).toEqual(index.search(q, 10));
    }
    // The loaded index keeps working: it takes new rows and reuses deleted slots.
    loaded.index.upsert(7, queries[0]!);
    expect(loaded.index.search(queries[0]!, 1)[0]!.label).toBe(7);
  });

  it('reports stale snapshots with a reason', async () => {
    const { index } = build(kind);
    const meta = await saveSnapshot(dir, index, { modelId: 'model-a', checksum: 'sum-1' });
    const base = expectation(meta);
    const cases = [
      [{ ...base, modelId: 'model-b' }, /model/],
      [{ ...base, checksum: 'sum-2' }, /checksum/],
      [{ ...base, count: meta.count + 1 }, /vectors/],
      [{ ...base, dimensions: dims + 1 }, /dimensions/],
      [{ ...base, kind: kind === 'hnsw' ? 'exact' : 'hnsw' }, /index, expected/],
    ] as const;
    for (const [expected, reason] of cases) {
      const result = await loadSnapshot(dir, expected);
      expect(result).toMatchObject({ ok: false, status: 'stale' });
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });

  it('reports damaged files as corrupt instead of throwing', async () => {
    const { index } = build(kind);
    const meta = await saveSnapshot(dir, index, { modelId: 'model-a', checksum: 'sum-1' });
    const dataPath = path.join(dir, meta.files.data.name);
    const original = await fs.readFile(dataPath);

    await fs.writeFile(dataPath, original.subarray(0, original.length >> 1));
    expect(await loadSnapshot(dir, expectation(meta))).toMatchObject({
      ok: false,
      status: 'corrupt',
      reason: expect.stringMatching(/truncated/),
    });

    const flipped = Buffer.from(original);
    flipped[flipped.length >> 1]! ^= 0xff;
    await fs.writeFile(dataPath, flipped);
    expect(await loadSnapshot(dir, expectation(meta))).toMatchObject({
      ok: false,
      status: 'corrupt',
      reason: expect.stringMatching(/CRC/),
    });

    await fs.rm(dataPath);
    expect(await loadSnapshot(dir, expectation(meta))).toMatchObject({
      ok: false,
      status: 'corrupt',
      reason: expect.stringMatching(/missing/),
    });

    const metaPath = path.join(dir, SNAPSHOT_META_FILE);
    const metaText = await fs.readFile(metaPath, 'utf8');
    await fs.writeFile(metaPath, metaText.slice(0, metaText.length - 20));
    expect(await loadSnapshot(dir, expectation(meta))).toMatchObject({ ok: false, status: 'corrupt' });
    await fs.writeFile(
      metaPath,
      JSON.stringify({ ...meta, files: { ...meta.files, data: { ...meta.files.data, name: '../etc/passwd' } } }),
    );
    expect(await loadSnapshot(dir, expectation(meta))).toMatchObject({ ok: false, status: 'corrupt' });
  });
});

describe('snapshot lifecycle', () => {
  it('reports a missing snapshot', async () => {
    expect(
      await loadSnapshot(path.join(dir, 'nothing-here'), { modelId: 'm', dimensions: dims, count: 0, checksum: '' }),
    ).toMatchObject({
      ok: false,
      status: 'missing',
    });
  });

  it('replaces the previous generation and keeps it readable until the new meta lands', async () => {
    const { index } = build('hnsw');
    const first = await saveSnapshot(dir, index, { modelId: 'model-a', checksum: 'sum-1' });
    // A save that dies before writing its meta leaves only temp files and unreferenced data behind.
    await fs.writeFile(path.join(dir, 'index-zzz.hnsw.tmp'), 'partial');
    await fs.writeFile(path.join(dir, 'index-zzz.hnsw'), 'orphan');
    expect(await loadSnapshot(dir, expectation(first))).toMatchObject({ ok: true });

    index.remove(5);
    const second = await saveSnapshot(dir, index, { modelId: 'model-a', checksum: 'sum-2' });
    expect(second.files.data.name).not.toBe(first.files.data.name);
    const files = (await fs.readdir(dir)).sort();
    expect(files).toEqual([SNAPSHOT_META_FILE, second.files.data.name, second.files.labels.name].sort());
    const loaded = await loadSnapshot(dir, { ...expectation(second), checksum: 'sum-2' });
    expect(loaded.ok && labelsIn(loaded.index).has(5)).toBe(false);
  });

  it('applies the expected efSearch and treats other build parameters as stale', async () => {
    const { index } = build('hnsw');
    const meta = await saveSnapshot(dir, index, { modelId: 'model-a', checksum: 'sum-1' });
    const loaded = await loadSnapshot(dir, { ...expectation(meta), hnsw: { ...params, efSearch: 300 } });
    expect(loaded.ok && loaded.index instanceof HnswVectorIndex && loaded.index.params.efSearch).toBe(300);
    expect(await loadSnapshot(dir, { ...expectation(meta), hnsw: { ...params, m: 32 } })).toMatchObject({
      ok: false,
      status: 'stale',
    });
    expect(await loadSnapshot(dir, { ...expectation(meta), hnsw: { ...params, efConstruction: 400 } })).toMatchObject({
      ok: false,
      status: 'stale',
    });
  });

  it('rebuilds a graph saved under the previous defaults (m 16, efConstruction 200) when the configured defaults differ', async () => {
    const gen = new ClusteredVectors({ dimensions: dims, clusters: 4, noise: 0.9, seed: 5 });
    const index = createVectorIndex('hnsw', dims, { m: 16, efConstruction: 200, efSearch: 200 });
    gen.sample(50).forEach((v, i) => {
      index.upsert(i + 1, v);
    });
    const meta = await saveSnapshot(dir, index, { modelId: 'model-a', checksum: 'sum-1' });
    const loaded = await loadSnapshot(dir, { ...expectation(meta), kind: 'hnsw', hnsw: loadConfig({}).hnsw });
    expect(loaded).toMatchObject({
      ok: false,
      status: 'stale',
      reason: expect.stringMatching(/m=16 efConstruction=200/),
    });
  });
});
