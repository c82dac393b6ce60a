import { createHash } from 'node:crypto';
import os from 'node:os';

const littleEndianHost = os.endianness() === 'LE';

/** Float32 values as little-endian bytes, the stored form of every vector. */
export function encodeVectors(vectors: readonly Float32Array[]): Uint8Array {
  const total = vectors.reduce((sum, v) => sum + v.length, 0);
  const out = new Uint8Array(total * 4);
  let offset = 0;
  for (const v of vectors) {
    if (littleEndianHost) {
      out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), offset);
    } else {
      const view = new DataView(out.buffer, offset, v.byteLength);
      for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true);
    }
    offset += v.byteLength;
  }
  return out;
}

/** Splits stored bytes back into `count` vectors; copies, because driver buffers need not be 4-byte aligned. */
export function decodeVectors(bytes: Uint8Array, count: number): Float32Array[] {
  if (count === 0) return [];
  if (bytes.byteLength % (4 * count) !== 0) {
    throw new Error(`Stored vector bytes (${bytes.byteLength}) do not split into ${count} float32 vectors`);
  }
  const dimensions = bytes.byteLength / 4 / count;
  const all = new Float32Array(bytes.byteLength / 4);
  if (littleEndianHost) {
    new Uint8Array(all.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < all.length; i++) all[i] = view.getFloat32(i * 4, true);
  }
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) out.push(all.subarray(i * dimensions, (i + 1) * dimensions));
  return out;
}

/**
 * The checksum `EmbeddingRepository.checksum` computes in SQL, computed here from the same pairs,
 * so an index can describe what it holds in the same terms as the database.
 */
export function embeddingChecksum(entries: Iterable<{ mentorId: number; contentHash: string }>): string {
  const sorted = [...entries].sort((a, b) => a.mentorId - b.mentorId);
  return createHash('md5')
    .update(sorted.map((e) => `${e.mentorId}:${e.contentHash}`).join(','))
    .digest('hex');
}

/**
 * `embeddingChecksum` of pairs already in mentor-id order, hashed a few thousand at a time with turns of the
 * event loop in between: at 100k mentors the one-go form blocks it for 60-70 ms.
 */
export async function embeddingChecksumInTurns(
  sorted: ReadonlyArray<readonly [mentorId: number, contentHash: string]>,
  pairsPerTurn = 4096,
): Promise<string> {
  const md5 = createHash('md5');
  for (let i = 0; i < sorted.length; i += pairsPerTurn) {
    if (i > 0) await new Promise(setImmediate);
    const text = sorted
      .slice(i, i + pairsPerTurn)
      .map(([mentorId, contentHash]) => `${mentorId}:${contentHash}`)
      .join(',');
    md5.update(i > 0 ? `,${text}` : text);
  }
  return md5.digest('hex');
}
