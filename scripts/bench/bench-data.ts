import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mentorEmbeddingText, type MentorInput } from '../../engine/src/domain/mentor.js';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';
import { generateMentors, generateQuestions } from '../demo-data/generate-mentors.js';
import { cachedEmbeddings } from './vector-cache.js';

export const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.data/bench-cache');

export interface BenchData {
  mentors: MentorInput[];
  questions: string[];
  mentorVectors: Float32Array[];
  questionVectors: Float32Array[];
  /** Whole-text embedding rate measured while filling the cache; null when it was all cached. */
  embedTextsPerS: number | null;
}

/** N demo mentors and held-out questions with their whole-text vectors, cached under .data/bench-cache. */
export async function loadBenchData(
  embedder: EmbeddingProvider,
  opts: { mentors: number; questions: number; seed: number },
  log: (message: string) => void,
): Promise<BenchData> {
  const mentors = [...generateMentors({ count: opts.mentors, seed: opts.seed })];
  const questions = [...generateQuestions({ count: opts.questions, seed: opts.seed })].map((q) => q.text);
  const progress = (what: string) => (done: number, total: number) => log(`  embedded ${done}/${total} ${what}`);
  const q = await cachedEmbeddings(embedder, questions, CACHE_DIR, `${embedder.id}-questions-s${opts.seed}`, progress('questions'));
  const m = await cachedEmbeddings(
    embedder,
    mentors.map((x) => mentorEmbeddingText(x)),
    CACHE_DIR,
    `${embedder.id}-mentors-s${opts.seed}`,
    progress('mentors'),
  );
  const embedded = q.embedded + m.embedded;
  return {
    mentors,
    questions,
    mentorVectors: m.vectors,
    questionVectors: q.vectors,
    embedTextsPerS: embedded > 0 ? (embedded / (q.embedMs + m.embedMs)) * 1000 : null,
  };
}
