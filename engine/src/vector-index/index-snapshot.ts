import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { loadVectorIndex } from './create-vector-index.js';
import type { HnswParams } from './hnsw-vector-index.js';
import { readPassageFile, writePassageFile, type PassageVectors } from './snapshot-passages.js';
import type { VectorIndex, VectorIndexKind } from './vector-index.js';

/**
 * On-disk snapshot of a vector index. Each save writes a new generation of data files under unique
 * names, then atomically replaces `index-meta.json`, which names them. A crash at any point leaves
 * either the previous snapshot intact or no readable meta, never a meta pointing at half-written
 * data; sizes and CRC-32s in the meta catch files damaged afterwards, before hnswlib (which trusts
 * its input) reads them.
 */
export const SNAPSHOT_META_FILE = 'index-meta.json';
const FORMAT = 1;

export interface SnapshotFile {
  name: string;
  bytes: number;
  crc32: number;
}

export interface SnapshotMeta {
  format: number;
  kind: VectorIndexKind;
  modelId: string;
  dimensions: number;
  count: number;
  /** Caller's fingerprint of the database rows the index was built from. */
  checksum: string;
  /** HNSW build and search parameters; null for the exact index. */
  params: HnswParams | null;
  createdAt: string;
  /**
   * `passages` is absent from snapshots written before passage vectors were saved; those, and passage files
   * of the earlier float32 format, are read from the database.
   */
  files: { data: SnapshotFile; labels: SnapshotFile; passages?: SnapshotFile };
}

export interface SnapshotExpectation {
  modelId: string;
  dimensions: number;
  count: number;
  checksum: string;
  /** When given, a snapshot of the other kind is stale. */
  kind?: VectorIndexKind;
  /** When given, a graph built with another m or efConstruction is stale; efSearch is applied to the loaded index. */
  hnsw?: HnswParams;
}

export type SnapshotLoadResult =
  | {
      ok: true;
      index: VectorIndex;
      meta: SnapshotMeta;
      passages: Map<number, PassageVectors> | null;
    }
  | { ok: false; status: 'missing' | 'stale' | 'corrupt'; reason: string };

/** `passages`, when given, are the passage vectors of the same rows, in the order a load should restore them. */
export async function saveSnapshot(
  dir: string,
  index: VectorIndex,
  /** `checksum` may still be computed while the files are written. */
  info: { modelId: string; checksum: string | Promise<string> },
  passages?: ReadonlyArray<readonly [number, PassageVectors]>,
): Promise<SnapshotMeta> {
  // Synchronously: the caller took `passages` in the same tick as this call, and the index is read before
  // the first await (the graph's slot table included), so concurrent writes cannot slip in between.
  mkdirSync(dir, { recursive: true });
  const createdAt = new Date();
  const generation = `${createdAt.getTime().toString(36)}-${randomBytes(4).toString('hex')}`;
  const dataName = `index-${generation}.${index.kind}`;
  const labelsName = `index-${generation}.labels`;
  const passagesName = `index-${generation}.passages`;
  const count = index.size;
  const metaTmp = path.join(dir, `${SNAPSHOT_META_FILE}.tmp`);
  let committed = false;
  try {
    const { labels, params } = await index.save(path.join(dir, `${dataName}.tmp`));
    const labelBytes = typedBytes(labels);
    await fs.writeFile(path.join(dir, `${labelsName}.tmp`), labelBytes);
    const passageBytes = passages
      ? await writePassageFile(path.join(dir, `${passagesName}.tmp`), passages, index.dimensions)
      : null;
    // The graph file is checked by its index (hnswlib reports no write errors); fs.writeFile throws on a short write.
    const data = await commitFile(dir, dataName, null);
    const labelsFile = await commitFile(dir, labelsName, labelBytes.byteLength);
    const passagesFile = passageBytes === null ? null : await commitFile(dir, passagesName, passageBytes);
    const meta: SnapshotMeta = {
      format: FORMAT,
      kind: index.kind,
      modelId: info.modelId,
      dimensions: index.dimensions,
      count,
      checksum: await info.checksum,
      params,
      createdAt: createdAt.toISOString(),
      files: { data, labels: labelsFile, ...(passagesFile ? { passages: passagesFile } : {}) },
    };
    const metaText = Buffer.from(`${JSON.stringify(meta, null, 2)}\n`);
    await fs.writeFile(metaTmp, metaText);
    await fsyncFile(metaTmp, metaText.byteLength);
    await fs.rename(metaTmp, path.join(dir, SNAPSHOT_META_FILE));
    committed = true;
    await fsyncDir(dir);
    await removeOtherGenerations(dir, new Set([dataName, labelsName, passagesName]));
    return meta;
  } catch (error) {
    if (committed) throw error;
    // Until the meta names them, this generation's files are of no use: a full disk must not keep them.
    const own = [dataName, labelsName, passagesName].flatMap((name) => [name, `${name}.tmp`]);
    await Promise.allSettled(
      [metaTmp, ...own.map((name) => path.join(dir, name))].map((file) => fs.rm(file, { force: true })),
    );
    throw error;
  }
}

/** Loads the snapshot in `dir` if it was built from exactly what `expected` describes; never throws for bad files. */
export async function loadSnapshot(dir: string, expected: SnapshotExpectation): Promise<SnapshotLoadResult> {
  let raw: string;
  try {
    raw = await fs.readFile(path.join(dir, SNAPSHOT_META_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: false, status: 'missing', reason: `no ${SNAPSHOT_META_FILE} in ${dir}` };
    return { ok: false, status: 'corrupt', reason: `cannot read ${SNAPSHOT_META_FILE}: ${(error as Error).message}` };
  }
  let meta: SnapshotMeta;
  try {
    meta = parseMeta(JSON.parse(raw));
  } catch (error) {
    return { ok: false, status: 'corrupt', reason: `${SNAPSHOT_META_FILE} is invalid: ${(error as Error).message}` };
  }
  const staleness = staleReason(meta, expected);
  if (staleness) return { ok: false, status: 'stale', reason: staleness };
  try {
    for (const file of [meta.files.data, meta.files.labels]) {
      const problem = await verifyFile(dir, file);
      if (problem) return { ok: false, status: 'corrupt', reason: problem };
    }
    const labels = bytesToFloat64(await fs.readFile(path.join(dir, meta.files.labels.name)));
    // efSearch is a search-time setting: the configured one applies to a loaded graph.
    const params = meta.params && { ...meta.params, efSearch: expected.hnsw?.efSearch ?? meta.params.efSearch };
    const index = await loadVectorIndex(meta.kind, path.join(dir, meta.files.data.name), meta.dimensions, {
      labels,
      params,
    });
    if (index.size !== meta.count) {
      return {
        ok: false,
        status: 'corrupt',
        reason: `snapshot holds ${index.size} vectors, its meta says ${meta.count}`,
      };
    }
    let passages: Map<number, PassageVectors> | null = null;
    if (meta.files.passages) {
      const file = meta.files.passages;
      const read = await readChecked(dir, file);
      if (typeof read === 'string') return { ok: false, status: 'corrupt', reason: read };
      passages = readPassageFile(read, meta.dimensions);
      if (passages && passages.size !== meta.count) {
        return {
          ok: false,
          status: 'corrupt',
          reason: `snapshot holds passages of ${passages.size} rows, its meta says ${meta.count}`,
        };
      }
    }
    return { ok: true, index, meta, passages };
  } catch (error) {
    return { ok: false, status: 'corrupt', reason: `cannot load snapshot: ${(error as Error).message}` };
  }
}

function staleReason(meta: SnapshotMeta, expected: SnapshotExpectation): string | null {
  if (meta.modelId !== expected.modelId) return `built with model "${meta.modelId}", expected "${expected.modelId}"`;
  if (meta.dimensions !== expected.dimensions)
    return `has ${meta.dimensions} dimensions, expected ${expected.dimensions}`;
  if (meta.count !== expected.count) return `holds ${meta.count} vectors, the database has ${expected.count}`;
  if (meta.checksum !== expected.checksum)
    return `checksum ${meta.checksum} does not match the database's ${expected.checksum}`;
  if (expected.kind && meta.kind !== expected.kind) return `is a ${meta.kind} index, expected ${expected.kind}`;
  if (expected.hnsw && meta.params) {
    const { m, efConstruction } = meta.params;
    if (m !== expected.hnsw.m || efConstruction !== expected.hnsw.efConstruction) {
      return `graph built with m=${m} efConstruction=${efConstruction}, expected m=${expected.hnsw.m} efConstruction=${expected.hnsw.efConstruction}`;
    }
  }
  return null;
}

function parseMeta(value: unknown): SnapshotMeta {
  const m = value as Partial<SnapshotMeta> | null;
  if (typeof m !== 'object' || m === null) throw new Error('not an object');
  if (m.format !== FORMAT) throw new Error(`unsupported format ${String(m.format)}`);
  if (m.kind !== 'hnsw' && m.kind !== 'exact') throw new Error(`unknown kind ${String(m.kind)}`);
  if (typeof m.modelId !== 'string' || typeof m.checksum !== 'string' || typeof m.createdAt !== 'string') {
    throw new Error('modelId, checksum and createdAt must be strings');
  }
  if (!isCount(m.dimensions) || m.dimensions === 0 || !isCount(m.count))
    throw new Error('dimensions and count must be integers');
  if (m.kind === 'hnsw') {
    const p = m.params;
    if (!p || !isCount(p.m) || !isCount(p.efConstruction) || !isCount(p.efSearch) || p.efSearch === 0) {
      throw new Error('hnsw params are missing');
    }
  }
  for (const file of [m.files?.data, m.files?.labels, ...(m.files?.passages === undefined ? [] : [m.files.passages])]) {
    if (
      !file ||
      typeof file.name !== 'string' ||
      path.basename(file.name) !== file.name ||
      !file.name.startsWith('index-')
    ) {
      throw new Error('file names are missing or not plain names');
    }
    if (!isCount(file.bytes) || !isCount(file.crc32)) throw new Error(`size or CRC of ${file.name} is missing`);
  }
  return m as SnapshotMeta;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

async function verifyFile(dir: string, file: SnapshotFile): Promise<string | null> {
  const filePath = path.join(dir, file.name);
  let bytes: number;
  try {
    bytes = (await fs.stat(filePath)).size;
  } catch {
    return `${file.name} is missing`;
  }
  if (bytes !== file.bytes) return `${file.name} has ${bytes} bytes, expected ${file.bytes} (truncated or overwritten)`;
  const crc = await fileCrc32(filePath);
  if (crc !== file.crc32) return `${file.name} fails its CRC-32 check`;
  return null;
}

/**
 * The whole file in one aligned buffer, its size and CRC-32 checked on the way in (read once: the passage
 * file is the largest of a snapshot, and may pass fs.readFile's 2 GiB limit); a problem comes back as text.
 */
async function readChecked(dir: string, file: SnapshotFile): Promise<Uint8Array | string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path.join(dir, file.name), 'r');
  } catch {
    return `${file.name} is missing`;
  }
  try {
    const bytes = (await handle.stat()).size;
    if (bytes !== file.bytes)
      return `${file.name} has ${bytes} bytes, expected ${file.bytes} (truncated or overwritten)`;
    const out = new Uint8Array(bytes);
    let crc = 0;
    for (let at = 0; at < bytes; ) {
      const { bytesRead } = await handle.read(out, at, Math.min(1 << 24, bytes - at), at);
      if (bytesRead === 0) return `${file.name} ended early`;
      crc = crc32(out.subarray(at, at + bytesRead), crc);
      at += bytesRead;
    }
    return crc === file.crc32 ? out : `${file.name} fails its CRC-32 check`;
  } finally {
    await handle.close();
  }
}

/**
 * Flushes `<name>.tmp`, checks that it holds the `bytes` written (when the writer knows them), renames it to
 * `name` and describes it.
 */
async function commitFile(dir: string, name: string, bytes: number | null): Promise<SnapshotFile> {
  const tmp = path.join(dir, `${name}.tmp`);
  const size = await fsyncFile(tmp, bytes);
  const crc = await fileCrc32(tmp);
  await fs.rename(tmp, path.join(dir, name));
  return { name, bytes: size, crc32: crc };
}

async function fileCrc32(filePath: string): Promise<number> {
  let crc = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) crc = crc32(chunk as Buffer, crc);
  return crc;
}

/** Flushes the file to disk and returns its size; throws when `expected` bytes were to be written and it holds others. */
async function fsyncFile(filePath: string, expected: number | null): Promise<number> {
  const handle = await fs.open(filePath, 'r+');
  try {
    await handle.sync();
    const { size } = await handle.stat();
    if (expected !== null && size !== expected) {
      throw new Error(`${path.basename(filePath)} holds ${size} bytes of the ${expected} written (is the disk full?)`);
    }
    return size;
  } finally {
    await handle.close();
  }
}

/** Makes the renames durable; some platforms cannot open a directory, which only weakens durability. */
async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the rename is best effort here; the meta still never points at partial data.
  }
}

/** Removes data files of earlier snapshots and temp files of interrupted saves. */
async function removeOtherGenerations(dir: string, keep: Set<string>): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (keep.has(name) || !name.startsWith('index-')) continue;
    if (!/\.(hnsw|exact|labels|passages)(\.tmp)?$/.test(name)) continue;
    await fs.rm(path.join(dir, name), { force: true });
  }
}

function typedBytes(array: Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function bytesToFloat64(bytes: Buffer): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new Error('label table is not a whole number of float64 values');
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
