import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSnapshot, SNAPSHOT_META_FILE } from '../../src/vector-index/index-snapshot.js';
import type { VectorIndexKind } from '../../src/vector-index/vector-index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-full-disk-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/**
 * Runs the fixture in a process whose files may not pass 512 KiB (Node ignores SIGXFSZ, so a write past the
 * limit fails with EFBIG after writing what fits: a disk that fills up mid-file, without a tiny file system).
 */
async function saveWithLimit(kind: VectorIndexKind, large: 'vectors' | 'passages') {
  const fixture = path.join(here, 'fixtures/full-disk-save.ts');
  const { stdout } = await run(
    'bash',
    ['-c', 'ulimit -f 512 && exec "$0" --import tsx "$@"', process.execPath, fixture, dir, kind, large],
    { timeout: 60_000 },
  );
  return JSON.parse(stdout) as { first: string; second: string };
}

describe.each<[VectorIndexKind, 'vectors' | 'passages']>([
  ['hnsw', 'vectors'],
  ['exact', 'vectors'],
  ['hnsw', 'passages'],
])('a %s snapshot whose %s do not fit on the disk', (kind, large) => {
  it('fails, leaves the previous snapshot intact and no file of its own behind', async () => {
    const { first, second } = await saveWithLimit(kind, large);
    expect(first).toBe('saved 100');
    expect(second).toMatch(/^failed: /);
    const meta = JSON.parse(await fs.readFile(path.join(dir, SNAPSHOT_META_FILE), 'utf8'));
    const named = Object.values(meta.files as Record<string, { name: string }>).map((file) => file.name);
    expect((await fs.readdir(dir)).sort()).toEqual([...named, SNAPSHOT_META_FILE].sort());
    const loaded = await loadSnapshot(dir, { modelId: 'model', dimensions: 48, count: 100, checksum: 'sum-100' });
    expect(loaded.ok && loaded.passages?.size).toBe(100);
  });
});
