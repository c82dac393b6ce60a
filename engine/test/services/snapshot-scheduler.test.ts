import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredEmbedding } from '../../src/db/embedding-repository.js';
import type { Mentor } from '../../src/domain/mentor.js';
import { MentorCatalogue, passageVectorsOf } from '../../src/services/mentor-catalogue.js';
import { SnapshotScheduler } from '../../src/services/snapshot-scheduler.js';
import { createVectorIndex } from '../../src/vector-index/create-vector-index.js';
import { loadSnapshot, SNAPSHOT_META_FILE } from '../../src/vector-index/index-snapshot.js';
import type { VectorIndexKind } from '../../src/vector-index/vector-index.js';

const dims = 8;

function mentorRow(rowId: number, active = true): Mentor {
  return {
    rowId,
    externalId: `m${rowId}`,
    name: `Mentor ${rowId}`,
    headline: 'Engineer',
    bio: 'Builds data pipelines.',
    skills: ['Python'],
    languages: ['en'],
    timezone: 'UTC',
    location: null,
    yearsExperience: 5,
    capacityPerMonth: 2,
    active,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

function embedding(rowId: number): StoredEmbedding {
  const vector = new Float32Array(dims);
  vector[rowId % dims] = 1;
  return { mentorId: rowId, contentHash: `hash-${rowId}`, vector, passageVectors: [vector], passageSpans: [[0, 5]] };
}

let dir: string;
const warnings: unknown[] = [];
const log = { warn: (obj: unknown) => void warnings.push(obj) };

function setUp(kind: VectorIndexKind) {
  const catalogue = new MentorCatalogue(createVectorIndex(kind, dims, { m: 8, efConstruction: 40, efSearch: 20 }));
  const scheduler = new SnapshotScheduler(catalogue, dir, 'model', log);
  const write = (...rowIds: number[]) => {
    catalogue.apply(
      rowIds.map((id) => mentorRow(id)),
      rowIds.map(embedding),
    );
    scheduler.markDirty();
  };
  return { catalogue, scheduler, write };
}

const saved = () => fs.existsSync(path.join(dir, SNAPSHOT_META_FILE));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-scheduler-'));
  warnings.length = 0;
  // Only the scheduler's delay: file writes and the checksum's turns run as they do.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SnapshotScheduler', () => {
  it('saves a graph 30 s after the first unsaved write, the writes meanwhile in the same save', async () => {
    const { catalogue, scheduler, write } = setUp('hnsw');
    write(1, 2);
    await vi.advanceTimersByTimeAsync(20_000);
    write(3);
    expect(saved()).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.waitFor(() => expect(saved()).toBe(true));
    const contents = catalogue.contents();
    const loaded = await loadSnapshot(dir, {
      modelId: 'model',
      dimensions: dims,
      count: 3,
      checksum: await contents.checksum,
    });
    expect(loaded).toMatchObject({ ok: true });
    expect(loaded.ok && [...loaded.passages!.keys()]).toEqual([1, 2, 3]);
    await scheduler.close(true);
  });

  it('saves unsaved writes at a final close only, and nothing for an index not worth saving', async () => {
    const graph = setUp('hnsw');
    graph.write(1);
    await graph.scheduler.close(false);
    expect(saved()).toBe(false);
    graph.write(2);
    await graph.scheduler.close(true);
    expect(saved()).toBe(true);

    fs.rmSync(path.join(dir, SNAPSHOT_META_FILE));
    const scan = setUp('exact');
    scan.write(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await scan.scheduler.save();
    await scan.scheduler.close(true);
    expect(saved()).toBe(false);
  });

  it('a save after the load that fails is logged, and the shutdown tries again', async () => {
    const { catalogue, scheduler } = setUp('hnsw');
    catalogue.put(mentorRow(1), passageVectorsOf(embedding(1)), embedding(1).vector, 'hash-1');
    // A file where the snapshot folder should be: nothing can be written under it.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(dir, 'not a folder');
    await scheduler.saveAfterLoad();
    expect(warnings).toHaveLength(1);
    fs.rmSync(dir);
    fs.mkdirSync(dir);
    await scheduler.close(true);
    expect(saved()).toBe(true);
  });
});

describe('MentorCatalogue', () => {
  it('hides inactive mentors from the usual vector search and keeps the active capacity with every write', () => {
    const { catalogue } = setUp('exact');
    catalogue.apply([mentorRow(1), mentorRow(2, false)], [embedding(1), embedding(2)]);
    const query = embedding(2).vector;
    expect(catalogue.nearest(query, 1, true)[0]!.label).toBe(1);
    expect(catalogue.nearest(query, 1, false)[0]!.label).toBe(2);
    expect(catalogue.activeCapacity).toBe(2);
    catalogue.apply([mentorRow(2)], []);
    expect(catalogue.nearest(query, 1, true)[0]!.label).toBe(2);
    expect(catalogue.activeCapacity).toBe(4);
    catalogue.remove(1);
    expect(catalogue.activeCapacity).toBe(2);
    expect(catalogue.mentorByExternalId('m1')).toBeUndefined();
    expect(catalogue.mentorByExternalId('m2')?.rowId).toBe(2);
  });
});
