import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusteredVectors } from '../../src/vector-index/clustered-vectors.js';
import { createVectorIndex } from '../../src/vector-index/create-vector-index.js';
import { loadSnapshot, saveSnapshot, SNAPSHOT_META_FILE } from '../../src/vector-index/index-snapshot.js';
import { readPassageFile, writePassageFile, type PassageVectors } from '../../src/vector-index/snapshot-passages.js';

const dims = 16;
const params = { m: 8, efConstruction: 50, efSearch: 20 };
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-passages-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Mentors with 0 to 3 passages, ids out of order and beyond 2^32. */
function rows(): Array<[number, PassageVectors]> {
  const gen = new ClusteredVectors({ dimensions: dims, clusters: 3, noise: 0.5, seed: 9 });
  return [7, 2 ** 33 + 1, 3, 12].map((id, i) => {
    const vectors = gen.sample(i);
    return [id, { vector: gen.sample(1)[0]!, spans: vectors.map((_, j) => [j * 10, j * 10 + 9 + i] as [number, number]), vectors }];
  });
}

const bits = (v: Float32Array) => [...new Uint32Array(v.buffer, v.byteOffset, v.length)];
const comparable = (entries: Iterable<[number, PassageVectors]>) =>
  [...entries].map(([id, p]) => ({ id, vector: bits(p.vector), spans: p.spans, vectors: p.vectors.map(bits) }));

describe('passage file', () => {
  it('round-trips ids, spans and vectors bit for bit, in the order written', async () => {
    const written = rows();
    written[0]![1].vector[0] = -0;
    await writePassageFile(path.join(dir, 'p'), written, dims);
    const read = readPassageFile(await fs.readFile(path.join(dir, 'p')), dims);
    expect(comparable(read)).toEqual(comparable(written));
    expect(Object.is(read.get(7)!.vector[0], -0)).toBe(true);
  });

  it('rejects mismatched dimensions and truncated files', async () => {
    await expect(writePassageFile(path.join(dir, 'bad'), rows(), dims + 1)).rejects.toThrow(/dimensions/);
    await writePassageFile(path.join(dir, 'p'), rows(), dims);
    const bytes = await fs.readFile(path.join(dir, 'p'));
    expect(() => readPassageFile(bytes, dims + 1)).toThrow(/dimensions/);
    expect(() => readPassageFile(new Uint8Array(bytes.subarray(0, bytes.length - 4)), dims)).toThrow(/bytes/);
  });
});

describe('snapshot with passages', () => {
  function index(entries: Array<[number, PassageVectors]>) {
    const vectors = createVectorIndex('hnsw', dims, params);
    for (const [id, p] of entries) vectors.upsert(id, p.vector);
    return vectors;
  }
  const expected = { modelId: 'm', dimensions: dims, count: 4, checksum: 'c', kind: 'hnsw' as const, hnsw: params };

  it('loads the passages saved with the graph; a snapshot saved without them has none', async () => {
    const entries = rows();
    await saveSnapshot(dir, index(entries), { modelId: 'm', checksum: 'c' }, entries);
    const loaded = await loadSnapshot(dir, expected);
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(comparable(loaded.passages!)).toEqual(comparable(entries));

    await saveSnapshot(dir, index(entries), { modelId: 'm', checksum: 'c' });
    const without = await loadSnapshot(dir, expected);
    expect(without.ok && without.passages).toBeNull();
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.passages'))).toEqual([]);
  });

  it('reports a damaged or missing passage file, or one for other rows, as corrupt', async () => {
    const entries = rows();
    await saveSnapshot(dir, index(entries), { modelId: 'm', checksum: 'c' }, entries);
    const meta = JSON.parse(await fs.readFile(path.join(dir, SNAPSHOT_META_FILE), 'utf8'));
    const file = path.join(dir, meta.files.passages.name);
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x10;
    await fs.writeFile(file, bytes);
    expect(await loadSnapshot(dir, expected)).toMatchObject({ ok: false, status: 'corrupt', reason: expect.stringMatching(/CRC/) });
    await fs.rm(file);
    expect(await loadSnapshot(dir, expected)).toMatchObject({ ok: false, status: 'corrupt', reason: expect.stringMatching(/missing/) });

    await saveSnapshot(dir, index(entries), { modelId: 'm', checksum: 'c' }, entries.slice(1));
    expect(await loadSnapshot(dir, expected)).toMatchObject({ ok: false, status: 'corrupt', reason: expect.stringMatching(/passages of 3 rows/) });
  });
});
