import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MentorInput } from '../../engine/src/domain/mentor.js';
import type { StoredEmbedding } from '../../engine/src/db/embedding-repository.js';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';
import { assembleEmbedding, mentorEmbeddingTexts } from '../../engine/src/services/mentor-embedding.js';
import { generateMentors, generateQuestions } from '../demo-data/generate-mentors.js';
import { cachedEmbeddings } from './vector-cache.js';

export const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.data/bench-cache');

export interface BenchData {
  mentors: MentorInput[];
  questions: string[];
  /** What the engine stores for each mentor (mentor id 0): its vector, passage vectors and spans. */
  mentorEmbeddings: StoredEmbedding[];
  /** Each mentor's vector, the centroid of its profile and passage vectors, as the engine makes it. */
  mentorVectors: Float32Array[];
  questionVectors: Float32Array[];
  /** Embedding rate (texts/s) measured while filling the cache; null when it was all cached. */
  embedTextsPerS: number | null;
}

/** N demo mentors and held-out questions with the vectors the engine would store for them, cached under .data/bench-cache. */
export async function loadBenchData(
  embedder: EmbeddingProvider,
  opts: { mentors: number; questions: number; seed: number },
  log: (message: string) => void,
): Promise<BenchData> {
  const mentors = [...generateMentors({ count: opts.mentors, seed: opts.seed })];
  const questions = [...generateQuestions({ count: opts.questions, seed: opts.seed })].map((q) => q.text);
  const progress = (what: string) => (done: number, total: number) => log(`  embedded ${done}/${total} ${what}`);
  const q = await cachedEmbeddings(embedder, questions, CACHE_DIR, `${embedder.id}-questions-s${opts.seed}`, progress('questions'));
  const layout = mentors.map((x) => mentorEmbeddingTexts(x));
  // One row per text, mentor after mentor, so a larger run with the same seed reuses a smaller one's rows.
  const m = await cachedEmbeddings(embedder, layout.flatMap((l) => l.texts), CACHE_DIR, `${embedder.id}-mentor-texts-s${opts.seed}`, progress('mentor texts'));
  let at = 0;
  const mentorEmbeddings = layout.map(({ texts, spans }, i) => assembleEmbedding(embedder.id, 0, mentors[i]!, spans, m.vectors.slice(at, (at += texts.length))));
  const embedded = q.embedded + m.embedded;
  return {
    mentors,
    questions,
    mentorEmbeddings,
    mentorVectors: mentorEmbeddings.map((e) => e.vector),
    questionVectors: q.vectors,
    embedTextsPerS: embedded > 0 ? (embedded / (q.embedMs + m.embedMs)) * 1000 : null,
  };
}
