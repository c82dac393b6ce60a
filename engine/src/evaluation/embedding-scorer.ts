import { evalMentorText } from './eval-dataset.js';
import { aggregatePassageScores, scoreMatrixFromRows, type PassageAggregate, type Scorer } from './scoring.js';

export type EmbedTexts = (texts: readonly string[]) => Promise<Float32Array[]>;

export interface EmbeddingScorerOptions {
  aggregate?: PassageAggregate;
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

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
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
      if (out.length !== chunk.length) throw new Error(`embed returned ${out.length} vectors for ${chunk.length} texts`);
      vectors.push(...out.map(normalise));
      onProgress?.(vectors.length, texts.length);
    }
    const mentorVectors = vectors.slice(0, mentorTexts.length);
    const rows = dataset.queries.map((_, qi) => {
      const q = vectors[mentorTexts.length + qi]!;
      const perMentor = dataset.mentors.map(() => [] as number[]);
      mentorVectors.forEach((v, d) => perMentor[owner[d]!]!.push(dot(q, v)));
      return perMentor.map((scores) => (aggregate === 'whole' ? scores[0]! : aggregatePassageScores(scores, aggregate)));
    });
    return scoreMatrixFromRows(dataset, rows);
  };
}
