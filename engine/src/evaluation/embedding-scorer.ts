import { evalMentorText } from './eval-dataset.js';
import { aggregatePassageScores, scoreMatrixFromRows, type PassageAggregate, type Scorer } from './scoring.js';
import { centroid, dot } from '../shared/vector-math.js';

export type EmbedTexts = (texts: readonly string[]) => Promise<Float32Array[]>;

/**
 * 'centroid' scores the normalised mean of the passage vectors: the whole profile for an encoder
 * that clips long texts (a list of papers is far longer than use-lite reads).
 */
export type EmbeddingAggregate = PassageAggregate | 'centroid';

export interface EmbeddingScorerOptions {
  aggregate?: EmbeddingAggregate;
  /** Texts per `embed` call; only sets how often progress is reported, the provider batches itself. */
  chunkSize?: number;
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0 || Math.abs(norm - 1) < 1e-6) return v;
  return v.map((x) => x / norm);
}

function dimensions(vectors: readonly Float32Array[]): number {
  const first = vectors[0];
  if (!first) throw new Error('embed returned no vectors');
  return first.length;
}

/**
 * Cosine similarity between query and mentor embeddings, from any sentence encoder (the service
 * that owns the model injects `embed`). With a passage aggregate, each passage is embedded on its
 * own and the mentor's score aggregates the passage similarities.
 */
export function embeddingScorer(embed: EmbedTexts, options: EmbeddingScorerOptions = {}): Scorer {
  const { aggregate = 'whole', chunkSize = 64 } = options;
  return async (dataset, onProgress) => {
    const owner: number[] = [];
    const mentorTexts: string[] = [];
    dataset.mentors.forEach((m, mi) => {
      for (const text of aggregate === 'whole' ? [evalMentorText(m)] : m.passages) {
        mentorTexts.push(text);
        owner.push(mi);
      }
    });
    const texts = [...mentorTexts, ...dataset.queries.map((q) => q.text)];
    const vectors: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += chunkSize) {
      const chunk = texts.slice(i, i + chunkSize);
      const out = await embed(chunk);
      if (out.length !== chunk.length)
        throw new Error(`embed returned ${out.length} vectors for ${chunk.length} texts`);
      vectors.push(...out.map(normalise));
      onProgress?.(vectors.length, texts.length);
    }
    const mentorVectors = vectors.slice(0, mentorTexts.length);
    if (aggregate === 'centroid') {
      const parts = dataset.mentors.map(() => [] as Float32Array[]);
      mentorVectors.forEach((v, d) => {
        parts[owner[d]!]!.push(v);
      });
      const normalised = parts.map((p) => (p.length > 0 ? centroid(p) : new Float32Array(dimensions(vectors))));
      return scoreMatrixFromRows(
        dataset,
        dataset.queries.map((_, qi) => normalised.map((c) => dot(vectors[mentorTexts.length + qi]!, c))),
      );
    }
    const rows = dataset.queries.map((_, qi) => {
      const q = vectors[mentorTexts.length + qi]!;
      const perMentor = dataset.mentors.map(() => [] as number[]);
      mentorVectors.forEach((v, d) => {
        perMentor[owner[d]!]!.push(dot(q, v));
      });
      return perMentor.map((scores) =>
        aggregate === 'whole' ? scores[0]! : aggregatePassageScores(scores, aggregate),
      );
    });
    return scoreMatrixFromRows(dataset, rows);
  };
}
