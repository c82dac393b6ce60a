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
  const rowBytes = embedder.dimensions * 4;
  const existing = await readOrEmpty(file);
  const hashes = await readOrEmpty(hashFile);
  const stored = Math.min(Math.floor(existing.length / rowBytes), Math.floor(hashes.length / HASH_BYTES));
  let have = 0;
  while (have < Math.min(stored, texts.length) && textHash(texts[have]!).equals(hashes.subarray(have * HASH_BYTES, (have + 1) * HASH_BYTES))) have++;
  // Rows past a changed text (or a torn write) are dropped; rows past texts.length are kept for larger runs.
  if (have < texts.length && (existing.length !== have * rowBytes || hashes.length !== have * HASH_BYTES)) {
    await fs.writeFile(file, existing.subarray(0, have * rowBytes));
    await fs.writeFile(hashFile, hashes.subarray(0, have * HASH_BYTES));
  }

  const vectors: Float32Array[] = [];
  for (let i = 0; i < have; i++) {
    // Copy out of the file buffer so that each vector is independently aligned and owned.
    vectors.push(new Float32Array(existing.buffer.slice(existing.byteOffset + i * rowBytes, existing.byteOffset + (i + 1) * rowBytes)));
  }
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
