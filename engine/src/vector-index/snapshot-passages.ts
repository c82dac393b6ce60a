import fs from 'node:fs/promises';
import { int8Rows, type Int8Vectors } from './int8-vectors.js';

/**
 * What the search index keeps per mentor as evidence, as int8 rows (see int8-vectors.ts): row 0 is the
 * mentor vector, row i + 1 the vector of bio passage i.
 */
export interface PassageVectors extends Int8Vectors {
  /** [start, end) of each passage in the bio, two entries per passage, in the order of the rows. */
  spans: Int32Array;
}

/** How many passages `p` holds. */
export function passageCount(p: PassageVectors): number {
  return p.spans.length / 2;
}

const MAGIC = 0x38504d4d; // "MMP8"
/** The float32 format written before passages were held as int8; such a file is read from the database instead. */
const FLOAT32_MAGIC = 0x4d4d5053;
const HEADER_BYTES = 16;
// Large enough that a write is one syscall per few MB of codes, small enough to keep the views list short.
const MENTORS_PER_WRITE = 4096;

/**
 * Writes the passage vectors of every mentor to `file`, so that a start whose snapshot matches the
 * database reads them at disk speed instead of decoding and quantising every embedding row again.
 * Layout (host byte order, as the vector files): header (magic, dimensions, mentors, passages: uint32),
 * row ids (float64), passage counts (uint32), span bounds (int32, two per passage), row scales (float32,
 * one per mentor and passage), then the int8 codes of the same rows (each mentor's vector followed by its
 * passage vectors). Entries keep their order; their vectors must not change until the promise settles.
 * Resolves to the file's size.
 */
export async function writePassageFile(
  file: string,
  entries: ReadonlyArray<readonly [number, PassageVectors]>,
  dimensions: number,
): Promise<number> {
  const n = entries.length;
  let passages = 0;
  for (const [, p] of entries) passages += passageCount(p);
  const header = new Uint32Array([MAGIC, dimensions, n, passages]);
  const ids = new Float64Array(n);
  const counts = new Uint32Array(n);
  const spans = new Int32Array(passages * 2);
  const scales = new Float32Array(n + passages);
  let span = 0;
  let row = 0;
  for (let i = 0; i < n; i++) {
    // The engine saves while it serves: 100k mentors took 50 ms here in one go.
    if (i > 0 && i % MENTORS_PER_WRITE === 0) await new Promise(setImmediate);
    const [id, p] = entries[i]!;
    const rows = int8Rows(p);
    if (rows !== passageCount(p) + 1) throw new Error(`Mentor ${id}: ${rows} vectors for ${passageCount(p)} passages`);
    if (p.codes.length !== rows * dimensions)
      throw new Error(`Mentor ${id}: ${p.codes.length} codes for ${rows} rows, expected ${dimensions} dimensions`);
    ids[i] = id;
    counts[i] = passageCount(p);
    spans.set(p.spans, span);
    span += p.spans.length;
    scales.set(p.scales, row);
    row += rows;
  }
  const handle = await fs.open(file, 'w');
  let bytes = 0;
  try {
    bytes += await writeFully(handle, [header, ids, counts, spans, scales].map(bytesOf));
    for (let i = 0; i < n; i += MENTORS_PER_WRITE) {
      bytes += await writeFully(
        handle,
        entries.slice(i, i + MENTORS_PER_WRITE).map(([, p]) => bytesOf(p.codes)),
      );
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

/**
 * Writes every byte of `buffers` at the file's position and returns how many that was. One writev may write
 * only part (a disk that fills up writes what fits and reports no error): the rest is written again, and the
 * write that finds no room fails.
 */
export async function writeFully(
  handle: Pick<fs.FileHandle, 'writev'>,
  buffers: readonly Uint8Array[],
): Promise<number> {
  let pending = buffers.filter((b) => b.byteLength > 0);
  let total = 0;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending);
    if (bytesWritten <= 0) throw new Error('the file system took no more bytes');
    total += bytesWritten;
    let left = bytesWritten;
    let done = 0;
    while (done < pending.length && pending[done]!.byteLength <= left) left -= pending[done++]!.byteLength;
    pending = pending.slice(done);
    if (left > 0) pending[0] = pending[0]!.subarray(left);
  }
  return total;
}

/**
 * Parses what `writePassageFile` wrote; null for a file of the earlier float32 format. Each mentor's
 * arrays are views into `bytes`, which must start at an 8-byte boundary (a freshly read file does).
 * Throws on any inconsistency in sizes.
 */
export function readPassageFile(bytes: Uint8Array, dimensions: number): Map<number, PassageVectors> | null {
  if (bytes.byteOffset % 8 !== 0) throw new Error('passage file buffer is not 8-byte aligned');
  if (bytes.byteLength < HEADER_BYTES) throw new Error('passage file is shorter than its header');
  const [magic, dims, n, passages] = new Uint32Array(bytes.buffer, bytes.byteOffset, 4) as unknown as [
    number,
    number,
    number,
    number,
  ];
  if (magic === FLOAT32_MAGIC) return null;
  if (magic !== MAGIC) throw new Error('passage file has the wrong magic number');
  if (dims !== dimensions) throw new Error(`passage file has ${dims} dimensions, expected ${dimensions}`);
  const rowCount = n + passages;
  const expected = HEADER_BYTES + n * 8 + n * 4 + passages * 8 + rowCount * 4 + rowCount * dims;
  if (bytes.byteLength !== expected)
    throw new Error(`passage file has ${bytes.byteLength} bytes, its header implies ${expected}`);
  let offset = bytes.byteOffset + HEADER_BYTES;
  const ids = new Float64Array(bytes.buffer, offset, n);
  offset += n * 8;
  const counts = new Uint32Array(bytes.buffer, offset, n);
  offset += n * 4;
  const bounds = new Int32Array(bytes.buffer, offset, passages * 2);
  offset += passages * 8;
  const scales = new Float32Array(bytes.buffer, offset, rowCount);
  offset += rowCount * 4;
  const codes = new Int8Array(bytes.buffer, offset, rowCount * dims);

  const out = new Map<number, PassageVectors>();
  let span = 0;
  let row = 0;
  for (let i = 0; i < n; i++) {
    const count = counts[i]!;
    if (span + count > passages) throw new Error('passage counts exceed the passages in the header');
    out.set(ids[i]!, {
      spans: bounds.subarray(2 * span, 2 * (span + count)),
      scales: scales.subarray(row, row + count + 1),
      codes: codes.subarray(row * dims, (row + count + 1) * dims),
    });
    span += count;
    row += count + 1;
  }
  if (span !== passages) throw new Error(`passage counts add up to ${span}, the header says ${passages}`);
  return out;
}

function bytesOf(array: Uint32Array | Float64Array | Int32Array | Float32Array | Int8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
