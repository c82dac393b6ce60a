import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusteredVectors } from '../../../test/support/clustered-vectors.js';
import { createVectorIndex } from '../../src/vector-index/create-vector-index.js';
import { hnswFileProblem } from '../../src/vector-index/hnsw-file.js';
import { saveSnapshot, SNAPSHOT_META_FILE } from '../../src/vector-index/index-snapshot.js';
import { writeFully } from '../../src/vector-index/snapshot-passages.js';
import type { VectorIndex } from '../../src/vector-index/vector-index.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-snapshot-fail-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A file handle that takes at most `room` bytes, five at a time, like a disk filling up. */
function fillingDisk(room: number) {
  let written = 0;
  return {
    async writev(buffers: Uint8Array[]) {
      if (written === room) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      const want = buffers.reduce((sum, b) => sum + b.byteLength, 0);
      const bytesWritten = Math.min(want, room - written, 5);
      written += bytesWritten;
      return { bytesWritten, buffers };
    },
  };
}

describe('writeFully', () => {
  it('writes again after a partial write until every byte is written', async () => {
    const bytes = [Uint8Array.of(1, 2, 3), Uint8Array.of(), Uint8Array.of(4, 5, 6, 7, 8, 9, 10)];
    const written: number[] = [];
    const handle = {
      async writev(buffers: Uint8Array[]) {
        // Three bytes a call, across buffer boundaries.
        const flat = buffers.flatMap((b) => [...b]).slice(0, 3);
        written.push(...flat);
        return { bytesWritten: flat.length, buffers };
      },
    };
    expect(await writeFully(handle as never, bytes)).toBe(10);
    expect(written).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('fails when the disk takes no more, instead of reporting a short file as written', async () => {
    const disk = fillingDisk(7);
    await expect(writeFully(disk as never, [new Uint8Array(20)])).rejects.toThrow(/ENOSPC/);
  });
});

describe('hnswFileProblem', () => {
  it('accepts a whole graph file and finds every truncation', async () => {
    const gen = new ClusteredVectors({ dimensions: 16, clusters: 4, noise: 0.9, seed: 3 });
    const index = createVectorIndex('hnsw', 16, { m: 4, efConstruction: 20, efSearch: 20, initialCapacity: 16 });
    gen.sample(300).forEach((v, i) => {
      index.upsert(i, v);
    });
    const file = path.join(dir, 'graph');
    const saved = await index.save(file);
    expect(await hnswFileProblem(file, saved.labels.length)).toBeNull();
    expect(await hnswFileProblem(file, saved.labels.length + 1)).toMatch(/holds 300 elements/);
    const whole = await fs.readFile(file);
    for (const cut of [1, 3, 50, whole.length - 200, whole.length - 96]) {
      await fs.writeFile(file, whole.subarray(0, whole.length - cut));
      expect(await hnswFileProblem(file, 300), `cut ${cut}`).not.toBeNull();
    }
    await fs.writeFile(file, Buffer.concat([whole, Buffer.alloc(4)]));
    expect(await hnswFileProblem(file, 300)).toMatch(/after its last element/);
  });
});

describe('saveSnapshot on a failing disk', () => {
  const base = createVectorIndex('exact', 4, { initialCapacity: 4 });
  base.upsert(1, Float32Array.of(1, 0, 0, 0));

  it('removes the files it wrote when the index cannot be written whole', async () => {
    const failing: VectorIndex = Object.assign(Object.create(base) as VectorIndex, {
      async save(file: string) {
        await fs.writeFile(file, 'partial');
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    });
    await expect(saveSnapshot(dir, failing, { modelId: 'm', checksum: 'c' })).rejects.toThrow(/ENOSPC/);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('removes the files it wrote and committed when the meta cannot be written', async () => {
    await fs.mkdir(path.join(dir, `${SNAPSHOT_META_FILE}.tmp`, 'blocking'), { recursive: true });
    await expect(saveSnapshot(dir, base, { modelId: 'm', checksum: 'c' })).rejects.toThrow();
    expect(await fs.readdir(dir)).toEqual([`${SNAPSHOT_META_FILE}.tmp`]);
  });
});
