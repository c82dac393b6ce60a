import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusteredVectors } from '../../../test/support/clustered-vectors.js';
import { quantizeInt8 } from '../../src/vector-index/int8-vectors.js';
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

/** Mentors with 0 to 3 passages, ids out of order and beyond 2^32; each mentor's float vector for the graph. */
function rows(): Array<[number, PassageVectors]> {
  return floatRows().map(([id, p]) => [id, p]);
}

function floatRows(): Array<[number, PassageVectors, Float32Array]> {
  const gen = new ClusteredVectors({ dimensions: dims, clusters: 3, noise: 0.5, seed: 9 });
  return [7, 2 ** 33 + 1, 3, 12].map((id, i) => {
    const vector = gen.sample(1)[0]!;
    const vectors = gen.sample(i);
    const spans = Int32Array.from(vectors.flatMap((_, j) => [j * 10, j * 10 + 9 + i]));
    return [id, { spans, ...quantizeInt8([vector, ...vectors], dims) }, vector];
  });
}

const bits = (v: Float32Array) => [...new Uint32Array(v.buffer, v.byteOffset, v.length)];
const comparable = (entries: Iterable<[number, PassageVectors]>) =>
  [...entries].map(([id, p]) => ({ id, spans: [...p.spans], scales: bits(p.scales), codes: [...p.codes] }));

/** The float32 layout written before passages were held as int8: header, ids, counts, spans, then the vectors. */
function float32File(entries: Array<[number, PassageVectors, Float32Array]>): Uint8Array {
  const passages = entries.reduce((s, [, p]) => s + p.spans.length / 2, 0);
  const header = new Uint32Array([0x4d4d5053, dims, entries.length, passages]);
  const ids = Float64Array.from(entries.map(([id]) => id));
  const counts = Uint32Array.from(entries.map(([, p]) => p.spans.length / 2));
  const spans = Int32Array.from(entries.flatMap(([, p]) => [...p.spans]));
  const vectors = new Float32Array((entries.length + passages) * dims);
  return Buffer.concat([header, ids, counts, spans, vectors].map((a) => new Uint8Array(a.buffer)));
}

describe('passage file', () => {
  it('round-trips ids, spans, scales and codes bit for bit, in the order written', async () => {
    const written = rows();
    await writePassageFile(path.join(dir, 'p'), written, dims);
    const read = readPassageFile(await fs.readFile(path.join(dir, 'p')), dims);
    expect(comparable(read!)).toEqual(comparable(written));
    expect([...read!.keys()]).toEqual([7, 2 ** 33 + 1, 3, 12]);
    // A quarter of float32's bytes for the vectors, plus one scale per vector.
    const vectors = written.reduce((s, [, p]) => s + p.scales.length, 0);
    expect((await fs.stat(path.join(dir, 'p'))).size).toBe(16 + 4 * 12 + 6 * 8 + vectors * (4 + dims));
  });

  it('reads a file of the earlier float32 format as absent, so its passages come from the database', async () => {
    await fs.writeFile(path.join(dir, 'old'), float32File(floatRows()));
    expect(readPassageFile(await fs.readFile(path.join(dir, 'old')), dims)).toBeNull();
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
  function graph() {
    const vectors = createVectorIndex('hnsw', dims, params);
    for (const [id, , vector] of floatRows()) vectors.upsert(id, vector);
    return vectors;
  }
  const expected = { modelId: 'm', dimensions: dims, count: 4, checksum: 'c', kind: 'hnsw' as const, hnsw: params };

  it('loads the passages saved with the graph; a snapshot saved without them has none', async () => {
    const entries = rows();
    await saveSnapshot(dir, graph(), { modelId: 'm', checksum: 'c' }, entries);
    const loaded = await loadSnapshot(dir, expected);
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(comparable(loaded.passages!)).toEqual(comparable(entries));

    await saveSnapshot(dir, graph(), { modelId: 'm', checksum: 'c' });
    const without = await loadSnapshot(dir, expected);
    expect(without.ok && without.passages).toBeNull();
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.passages'))).toEqual([]);
  });

  it('loads the graph of a snapshot whose passage file has the earlier float32 format, without its passages', async () => {
    await saveSnapshot(dir, graph(), { modelId: 'm', checksum: 'c' }, rows());
    const meta = JSON.parse(await fs.readFile(path.join(dir, SNAPSHOT_META_FILE), 'utf8'));
    const old = float32File(floatRows());
    await fs.writeFile(path.join(dir, meta.files.passages.name), old);
    meta.files.passages = { ...meta.files.passages, bytes: old.length, crc32: crc32(old) };
    await fs.writeFile(path.join(dir, SNAPSHOT_META_FILE), JSON.stringify(meta));
    const loaded = await loadSnapshot(dir, expected);
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(loaded.index.size).toBe(4);
    expect(loaded.passages).toBeNull();
  });

  it('reports a damaged or missing passage file, or one for other rows, as corrupt', async () => {
    const entries = rows();
    await saveSnapshot(dir, graph(), { modelId: 'm', checksum: 'c' }, entries);
    const meta = JSON.parse(await fs.readFile(path.join(dir, SNAPSHOT_META_FILE), 'utf8'));
    const file = path.join(dir, meta.files.passages.name);
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x10;
    await fs.writeFile(file, bytes);
    expect(await loadSnapshot(dir, expected)).toMatchObject({
      ok: false,
      status: 'corrupt',
      reason: expect.stringMatching(/CRC/),
    });
    await fs.rm(file);
    expect(await loadSnapshot(dir, expected)).toMatchObject({
      ok: false,
      status: 'corrupt',
      reason: expect.stringMatching(/missing/),
    });

    await saveSnapshot(dir, graph(), { modelId: 'm', checksum: 'c' }, entries.slice(1));
    expect(await loadSnapshot(dir, expected)).toMatchObject({
      ok: false,
      status: 'corrupt',
      reason: expect.stringMatching(/passages of 3 rows/),
    });
  });
});
