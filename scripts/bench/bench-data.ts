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
  /** Mentor texts in all, and how many of them are distinct (each distinct text is embedded once). */
  mentorTexts: { total: number; distinct: number };
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
  const progress = (what: string) => {
    let logged = 0;
    return (done: number, total: number) => {
      if (done < total && performance.now() - logged < 10_000) return;
      logged = performance.now();
      log(`  embedded ${done}/${total} ${what}`);
    };
  };
  const q = await cachedEmbeddings(
    embedder,
    questions,
    CACHE_DIR,
    `${embedder.id}-questions-s${opts.seed}`,
    progress('questions'),
  );
  const layout = mentors.map((x) => mentorEmbeddingTexts(x));
  // The generator's bios share template sentences (at 1M mentors, 2.6M of the 5.6M texts are distinct) and
  // a text's vector does not depend on its batch, so each distinct text is embedded once. Distinct texts keep
  // the order they first appear in, so a larger run with the same seed reuses a smaller one's rows.
  const row = new Map<string, number>();
  const rows = layout.map(({ texts }) =>
    texts.map((t) => {
      let r = row.get(t);
      if (r === undefined) {
        r = row.size;
        row.set(t, r);
      }
      return r;
    }),
  );
  const m = await cachedEmbeddings(
    embedder,
    [...row.keys()],
    CACHE_DIR,
    `${embedder.id}-distinct-mentor-texts-s${opts.seed}`,
    progress('distinct mentor texts'),
  );
  const mentorEmbeddings = layout.map(({ spans }, i) =>
    assembleEmbedding(
      embedder.id,
      0,
      mentors[i]!,
      spans,
      rows[i]!.map((r) => m.vectors[r]!),
    ),
  );
  const embedded = q.embedded + m.embedded;
  return {
    mentors,
    questions,
    mentorEmbeddings,
    mentorVectors: mentorEmbeddings.map((e) => e.vector),
    questionVectors: q.vectors,
    mentorTexts: { total: rows.reduce((n, r) => n + r.length, 0), distinct: row.size },
    embedTextsPerS: embedded > 0 ? (embedded / (q.embedMs + m.embedMs)) * 1000 : null,
  };
}
