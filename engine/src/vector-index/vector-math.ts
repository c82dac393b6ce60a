/** Writes `src` scaled to unit length into `dst` at `offset`; a zero vector stays zero (cosine is undefined there). */
export function normaliseInto(src: Float32Array, dst: Float32Array, offset = 0): void {
  let sum = 0;
  for (let i = 0; i < src.length; i++) sum += src[i]! * src[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < src.length; i++) dst[offset + i] = src[i]! * scale;
}

export function checkVector(vector: Float32Array, dimensions: number): void {
  if (vector.length !== dimensions) {
    throw new RangeError(`Vector has ${vector.length} dimensions, the index holds ${dimensions}`);
  }
}

/** Labels are mentor row ids: bigserial in the database, so any non-negative safe integer. */
export function checkLabel(label: number): void {
  if (!Number.isSafeInteger(label) || label < 0)
    throw new RangeError(`Label must be a non-negative safe integer, got ${label}`);
}
