import fs from 'node:fs/promises';

/** What the search index keeps per mentor as evidence: the whole-text vector and one vector per bio passage. */
export interface PassageVectors {
  vector: Float32Array;
  /** [start, end) of each passage in the bio, in the order of `vectors`. */
  spans: Array<[number, number]>;
  vectors: Float32Array[];
}

const MAGIC = 0x4d4d5053; // "MMPS"
const HEADER_BYTES = 16;
// Large enough that a write is one syscall per few MB of vectors, small enough to keep the views list short.
const VECTORS_PER_WRITE = 2048;

/**
 * Writes the passage vectors of every mentor to `file`, so that a start whose snapshot matches the
 * database reads them at disk speed instead of decoding every embedding row through the database driver.
 * Layout (host byte order, as the vector files): header (magic, dimensions, mentors, passages: uint32),
 * row ids (float64), passage counts (uint32), span bounds (int32, two per passage), then the vectors
 * (float32, each mentor's whole-text vector followed by its passage vectors). Entries keep their order.
 */
export async function writePassageFile(file: string, entries: ReadonlyArray<readonly [number, PassageVectors]>, dimensions: number): Promise<void> {
  const n = entries.length;
  let passages = 0;
  for (const [, p] of entries) passages += p.vectors.length;
  const header = new Uint32Array([MAGIC, dimensions, n, passages]);
  const ids = new Float64Array(n);
  const counts = new Uint32Array(n);
  const spans = new Int32Array(passages * 2);
  let at = 0;
  entries.forEach(([id, p], i) => {
    if (p.vectors.length !== p.spans.length) throw new Error(`Mentor ${id}: ${p.vectors.length} passage vectors but ${p.spans.length} spans`);
    ids[i] = id;
    counts[i] = p.vectors.length;
    for (const [start, end] of p.spans) {
      spans[at++] = start;
      spans[at++] = end;
    }
  });
  const handle = await fs.open(file, 'w');
  try {
    await handle.writev([header, ids, counts, spans].map(bytesOf));
    let views: Uint8Array[] = [];
    for (const [id, p] of entries) {
      for (const v of [p.vector, ...p.vectors]) {
        if (v.length !== dimensions) throw new Error(`Mentor ${id}: a vector has ${v.length} dimensions, expected ${dimensions}`);
        views.push(bytesOf(v));
      }
      if (views.length >= VECTORS_PER_WRITE) {
        await handle.writev(views);
        views = [];
      }
    }
    if (views.length > 0) await handle.writev(views);
  } finally {
    await handle.close();
  }
}

/**
 * Parses what `writePassageFile` wrote. The vectors are views into `bytes`, which must start at an
 * 8-byte boundary (a freshly read file does). Throws on any inconsistency in sizes.
 */
export function readPassageFile(bytes: Uint8Array, dimensions: number): Map<number, PassageVectors> {
  if (bytes.byteOffset % 8 !== 0) throw new Error('passage file buffer is not 8-byte aligned');
  if (bytes.byteLength < HEADER_BYTES) throw new Error('passage file is shorter than its header');
  const [magic, dims, n, passages] = new Uint32Array(bytes.buffer, bytes.byteOffset, 4) as unknown as [number, number, number, number];
  if (magic !== MAGIC) throw new Error('passage file has the wrong magic number');
  if (dims !== dimensions) throw new Error(`passage file has ${dims} dimensions, expected ${dimensions}`);
  const vectorCount = n + passages;
  const expected = HEADER_BYTES + n * 8 + n * 4 + passages * 8 + vectorCount * dims * 4;
  if (bytes.byteLength !== expected) throw new Error(`passage file has ${bytes.byteLength} bytes, its header implies ${expected}`);
  let offset = bytes.byteOffset + HEADER_BYTES;
  const ids = new Float64Array(bytes.buffer, offset, n);
  offset += n * 8;
  const counts = new Uint32Array(bytes.buffer, offset, n);
  offset += n * 4;
  const bounds = new Int32Array(bytes.buffer, offset, passages * 2);
  offset += passages * 8;
  const floats = new Float32Array(bytes.buffer, offset, vectorCount * dims);

  const out = new Map<number, PassageVectors>();
  let span = 0;
  let row = 0;
  const next = () => floats.subarray(row * dims, ++row * dims);
  for (let i = 0; i < n; i++) {
    const count = counts[i]!;
    if (span + count > passages) throw new Error('passage counts exceed the passages in the header');
    const vector = next();
    const spans: Array<[number, number]> = [];
    const vectors: Float32Array[] = [];
    for (let j = 0; j < count; j++, span++) {
      spans.push([bounds[2 * span]!, bounds[2 * span + 1]!]);
      vectors.push(next());
    }
    out.set(ids[i]!, { vector, spans, vectors });
  }
  if (span !== passages) throw new Error(`passage counts add up to ${span}, the header says ${passages}`);
  return out;
}

function bytesOf(array: Uint32Array | Float64Array | Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
