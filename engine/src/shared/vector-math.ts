/**
 * Dot product of two equal-length vectors; on L2-normalised vectors, their cosine. Four accumulators let
 * V8 keep the loop in registers: with passages this is the hottest loop of a match.
 */
export function dot(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  let i = 0;
  for (; i < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < a.length; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** The unit-length mean direction of these vectors (all of one width); a zero vector when they cancel out. */
export function centroid(vectors: readonly Float32Array[]): Float32Array {
  const sum = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i]! += v[i]!;
  const norm = Math.sqrt(dot(sum, sum));
  if (norm > 0) for (let i = 0; i < sum.length; i++) sum[i]! /= norm;
  return sum;
}
