import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';

export interface CachedVectors {
  vectors: Float32Array[];
  /** Texts embedded in this call (0 when everything came from the cache). */
  embedded: number;
  embedMs: number;
}

const HASH_BYTES = 8;
/** Rows read per file read: 64 MiB at 512 dimensions. The cache passes 2 GiB at 1M mentors, more than one readFile can return. */
const BLOCK_ROWS = 32_768;

function textHash(text: string): Buffer {
  return createHash('sha1').update(text).digest().subarray(0, HASH_BYTES);
}

async function readOrEmpty(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return Buffer.alloc(0);
  }
}

async function sizeOrZero(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return 0;
  }
}

/** Rows 0..count-1 of a raw float32 file, as views into blocks of BLOCK_ROWS rows. */
async function readRows(file: string, dim: number, count: number): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  if (count === 0) return rows;
  const handle = await fs.open(file, 'r');
  try {
    for (let first = 0; first < count; first += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, count - first);
      const block = new Float32Array(n * dim);
      const { bytesRead } = await handle.read(new Uint8Array(block.buffer), 0, block.byteLength, first * dim * 4);
      if (bytesRead !== block.byteLength) throw new Error(`${file}: short read at row ${first}`);
      for (let i = 0; i < n; i++) rows.push(block.subarray(i * dim, (i + 1) * dim));
    }
  } finally {
    await handle.close();
  }
  return rows;
}

/**
 * Embeddings of `texts` kept in `<dir>/<key>.f32` (raw float32 rows) beside `<key>.hash` (a short
 * hash of each row's text). Rows are reused up to the first text that changed, so a larger run with
 * the same seed reuses a smaller one's prefix, an edited generator re-embeds, and an interrupted run
 * resumes; the key names the model id, because the hashes cover only the text.
 */
export async function cachedEmbeddings(
  embedder: EmbeddingProvider,
  texts: readonly string[],
  dir: string,
  key: string,
  onProgress?: (done: number, total: number) => void,
): Promise<CachedVectors> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${key}.f32`);
  const hashFile = path.join(dir, `${key}.hash`);
  const dim = embedder.dimensions;
  const rowBytes = dim * 4;
  const fileBytes = await sizeOrZero(file);
  const hashes = await readOrEmpty(hashFile);
  const stored = Math.min(Math.floor(fileBytes / rowBytes), Math.floor(hashes.length / HASH_BYTES));
  let have = 0;
  while (
    have < Math.min(stored, texts.length) &&
    textHash(texts[have]!).equals(hashes.subarray(have * HASH_BYTES, (have + 1) * HASH_BYTES))
  )
    have++;
  // Rows past a changed text (or a torn write) are dropped; rows past texts.length are kept for larger runs.
  if (have < texts.length) {
    if (fileBytes !== have * rowBytes) await fs.truncate(file, have * rowBytes);
    if (hashes.length !== have * HASH_BYTES) await fs.truncate(hashFile, have * HASH_BYTES);
  }

  const vectors = await readRows(file, dim, have);
  const chunk = 256;
  const start = performance.now();
  for (let i = have; i < texts.length; i += chunk) {
    const batch = texts.slice(i, i + chunk);
    const fresh = await embedder.embed(batch);
    await fs.appendFile(file, Buffer.concat(fresh.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
    await fs.appendFile(hashFile, Buffer.concat(batch.map(textHash)));
    vectors.push(...fresh);
    onProgress?.(vectors.length, texts.length);
  }
  return { vectors, embedded: texts.length - have, embedMs: performance.now() - start };
}
