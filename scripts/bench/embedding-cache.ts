import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';

const KEY_BYTES = 32;
/** Records read per file read: about 64 MiB at 512 dimensions. */
const BLOCK_RECORDS = 32_768;

/** The one cache of model vectors the benchmarks, the demo ranking and the real-model tests share. */
export const EMBEDDING_CACHE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../.data/embedding-cache',
);

/** sha256(model id, text) as a one-byte-per-char string: half the memory of hex for millions of keys. */
function textKey(modelId: string, text: string): string {
  return createHash('sha256').update(modelId).update('\0').update(text).digest('binary');
}

/**
 * An EmbeddingProvider that remembers every vector its inner provider produced, on disk, so that a rerun of an
 * evaluation over thousands of mentor passages embeds nothing. One append-only file per model id,
 * `<dir>/<model id>.bin`, of records [sha256(model id, text) | float32 × dimensions]: the key covers the model id
 * and the exact text, so a changed text or model misses instead of returning a stale vector, and the stored
 * float32 values are the inner provider's own, so a cached run ranks exactly as an uncached one. A torn last
 * record (an interrupted run) is ignored and overwritten by the next append.
 */
export class CachedEmbeddingProvider implements EmbeddingProvider {
  readonly file: string;
  private readonly vectors = new Map<string, Float32Array>();
  /** Texts the inner provider was asked to embed by this instance (0 when everything came from the cache). */
  embedded = 0;

  private constructor(
    private readonly inner: EmbeddingProvider,
    dir: string,
  ) {
    this.file = path.join(dir, `${inner.id.replace(/[^\w.-]/g, '_')}.bin`);
  }

  /** Opens (or creates) the cache for `inner`'s model under `dir`. */
  static open(inner: EmbeddingProvider, dir: string): CachedEmbeddingProvider {
    fs.mkdirSync(dir, { recursive: true });
    const cache = new CachedEmbeddingProvider(inner, dir);
    cache.load();
    return cache;
  }

  get id(): string {
    return this.inner.id;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  get size(): number {
    return this.vectors.size;
  }

  private get recordBytes(): number {
    return KEY_BYTES + this.inner.dimensions * 4;
  }

  private load(): void {
    if (!fs.existsSync(this.file)) return;
    const recordBytes = this.recordBytes;
    const size = fs.statSync(this.file).size;
    const whole = Math.floor(size / recordBytes);
    if (whole * recordBytes !== size) fs.truncateSync(this.file, whole * recordBytes);
    // Read in blocks: the bench's 1M-mentor cache holds gigabytes, more than one read (or one Buffer) can take.
    // Each vector is a view into its block, which keeps float32 alignment (keys and rows are multiples of 4).
    const fd = fs.openSync(this.file, 'r');
    try {
      for (let first = 0; first < whole; first += BLOCK_RECORDS) {
        const count = Math.min(BLOCK_RECORDS, whole - first);
        const block = new Uint8Array(new ArrayBuffer(count * recordBytes));
        const read = fs.readSync(fd, block, 0, block.byteLength, first * recordBytes);
        if (read !== block.byteLength) throw new Error(`${this.file}: short read at record ${first}`);
        for (let i = 0; i < count; i++) {
          const at = i * recordBytes;
          const key = Buffer.from(block.buffer, at, KEY_BYTES).toString('latin1');
          this.vectors.set(key, new Float32Array(block.buffer, at + KEY_BYTES, this.inner.dimensions));
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map((t) => textKey(this.inner.id, t));
    const missing = new Map<string, string>();
    keys.forEach((key, i) => {
      if (!this.vectors.has(key)) missing.set(key, texts[i]!);
    });
    if (missing.size > 0) {
      const fresh = await this.inner.embed([...missing.values()]);
      const records: Buffer[] = [];
      [...missing.keys()].forEach((key, i) => {
        const vector = fresh[i]!;
        this.vectors.set(key, vector);
        records.push(Buffer.from(key, 'latin1'), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      });
      // One write per batch: O_APPEND keeps concurrent runs' records whole.
      fs.appendFileSync(this.file, Buffer.concat(records));
      this.embedded += missing.size;
    }
    return keys.map((key) => this.vectors.get(key)!);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
