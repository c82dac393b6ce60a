import type { MentorInput } from '../../engine/src/domain/mentor.js';
import type { StoredEmbedding } from '../../engine/src/db/embedding-repository.js';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';
import { assembleEmbedding, mentorEmbeddingTexts } from '../../engine/src/services/mentor-embedding.js';
import { generateMentors, generateQuestions } from '../demo-data/generate-mentors.js';
import { CachedEmbeddingProvider, EMBEDDING_CACHE_DIR } from './embedding-cache.js';

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

/** Texts handed to the model at a time: small enough for a progress line every few seconds. */
const CHUNK = 256;

/** `texts` embedded through the cache, in chunks; the time counts only chunks the model had to embed. */
async function embedAll(
  cache: CachedEmbeddingProvider,
  texts: readonly string[],
  onProgress: (done: number, total: number) => void,
): Promise<{ vectors: Float32Array[]; embedded: number; embedMs: number }> {
  const vectors: Float32Array[] = [];
  const before = cache.embedded;
  let embedMs = 0;
  for (let i = 0; i < texts.length; i += CHUNK) {
    const embeddedBefore = cache.embedded;
    const start = performance.now();
    vectors.push(...(await cache.embed(texts.slice(i, i + CHUNK))));
    if (cache.embedded > embeddedBefore) {
      embedMs += performance.now() - start;
      onProgress(vectors.length, texts.length);
    }
  }
  return { vectors, embedded: cache.embedded - before, embedMs };
}

/** N demo mentors and held-out questions with the vectors the engine would store for them, cached under .data/embedding-cache. */
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
  const cache = CachedEmbeddingProvider.open(embedder, EMBEDDING_CACHE_DIR);
  const q = await embedAll(cache, questions, progress('questions'));
  const layout = mentors.map((x) => mentorEmbeddingTexts(x));
  // The generator's bios share template sentences (at 1M mentors, 2.6M of the 5.6M texts are distinct) and
  // a text's vector does not depend on its batch, so each distinct text is embedded once.
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
  const m = await embedAll(cache, [...row.keys()], progress('distinct mentor texts'));
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
