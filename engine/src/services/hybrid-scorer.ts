import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { EvalDataset } from '../evaluation/eval-dataset.js';
import { mentorProfileText } from '../domain/mentor.js';
import type { ScoreMatrix } from '../evaluation/metrics.js';
import type { Scorer } from '../evaluation/scoring.js';
import { matchConfidence, type MatchConfidence } from '../matching/confidence.js';
import { LexicalIndex } from '../matching/lexical-index.js';
import { rankCandidates } from '../matching/ranker.js';
import { aggregateSimilarity, estimateSignalMap, type SignalMaps } from '../matching/signals.js';
import { SkillsVocabulary } from '../matching/skills-vocabulary.js';
import type { CandidateInput, MatchMentor } from '../matching/types.js';
import type { WeightConfig } from '../matching/weights.js';
import { centroid, dot } from '../shared/vector-math.js';
import { dotInt8, quantizeInt8 } from '../vector-index/int8-vectors.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

const QUESTIONS_PER_TURN = 16;

/** The dataset as the engine would hold it, and each question's candidates as /match would hand them to the ranker. */
interface PreparedDataset {
  vocabulary: SkillsVocabulary;
  candidates: (queryIndex: number) => CandidateInput[];
}

function embedThroughCache(embedder: EmbeddingProvider, cache: Map<string, Float32Array>) {
  return async (texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<void> => {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    for (let i = 0; i < missing.length; i += 64) {
      const chunk = missing.slice(i, i + 64);
      const vectors = await embedder.embed(chunk);
      chunk.forEach((t, j) => {
        cache.set(t, vectors[j]!);
      });
      onProgress?.(Math.min(i + 64, missing.length), missing.length);
    }
  };
}

/**
 * Embeds the dataset (per passage and profile text, through `cache`) and builds an in-memory copy of what the
 * engine would hold: the lexical index over the whole text, the mentor vector, the int8 passage vectors.
 */
async function prepare(
  embedder: EmbeddingProvider,
  cache: Map<string, Float32Array>,
  dataset: EvalDataset,
  onProgress?: (done: number, total: number) => void,
): Promise<PreparedDataset> {
  const profileTexts = dataset.mentors.map((m) => mentorProfileText(m));
  const passageTexts = dataset.mentors.flatMap((m) => m.passages);
  const present = profileTexts.filter((t): t is string => t !== null);
  await embedThroughCache(embedder, cache)(
    [...present, ...passageTexts, ...dataset.queries.map((q) => q.text)],
    onProgress,
  );
  const lexicalIndex = new LexicalIndex();
  const mentors: MatchMentor[] = dataset.mentors.map((m, i) => ({ ...m, rowId: i + 1 }));
  for (const m of mentors) lexicalIndex.upsert(m.rowId, m);
  const vocabulary = SkillsVocabulary.fromMentors(mentors.map((m) => m.skills));
  const passages = dataset.mentors.map((m) => m.passages.map((p) => cache.get(p)!));
  // The mentor vector as the engine stores it (services/mentor-embedding.ts), over the dataset's passages.
  const whole = profileTexts.map((t, i) => centroid([...(t === null ? [] : [cache.get(t)!]), ...passages[i]!]));
  // Passage vectors as the search index holds them, int8; the mentor vector as the graph does, float.
  const quantized = passages.map((vectors) => quantizeInt8(vectors, embedder.dimensions));
  const rowIds = mentors.map((m) => m.rowId);
  return {
    vocabulary,
    candidates: (qi) => {
      const text = dataset.queries[qi]!.text;
      const qv = cache.get(text)!;
      const lexical = lexicalIndex.cosineDocuments(text, rowIds);
      return mentors.map((mentor, i) => ({
        mentor,
        wholeSimilarity: dot(qv, whole[i]!),
        passageSimilarities: passages[i]!.map((_, j) => ({
          start: 0,
          end: 0,
          similarity: dotInt8(qv, quantized[i]!, j),
        })),
        lexicalSimilarity: lexical.get(mentor.rowId) ?? 0,
        servedThisMonth: 0,
        shownRecently: 0,
      }));
    },
  };
}

/**
 * The two topical signals' maps estimated from a reference sample: every question-mentor pair of `dataset`, raw
 * semantic aggregate and TF-IDF cosine as the ranker computes them. Uses no judgments.
 */
export async function referenceSignalMaps(
  embedder: EmbeddingProvider,
  cache: Map<string, Float32Array>,
  dataset: EvalDataset,
): Promise<SignalMaps> {
  const prepared = await prepare(embedder, cache, dataset);
  const semantic: number[] = [];
  const lexical: number[] = [];
  for (let qi = 0; qi < dataset.queries.length; qi++) {
    for (const c of prepared.candidates(qi)) {
      const raw = aggregateSimilarity(
        c.wholeSimilarity,
        c.passageSimilarities.map((p) => p.similarity),
      );
      if (raw !== null) semantic.push(raw);
      lexical.push(c.lexicalSimilarity);
    }
    if (qi % QUESTIONS_PER_TURN === QUESTIONS_PER_TURN - 1) await nextTurn();
  }
  return { semantic: estimateSignalMap(semantic), lexical: estimateSignalMap(lexical) };
}

/**
 * Scores every mentor of a dataset for every query with the production ranker under `config`, over
 * an in-memory copy of the dataset (embedded per passage and profile text, TF-IDF over the whole text), so
 * an evaluation measures exactly what /match would rank, without touching the live index.
 */
export function hybridScorer(
  embedder: EmbeddingProvider,
  config: WeightConfig,
  cache: Map<string, Float32Array>,
  onConfidence?: (queryId: string, confidence: MatchConfidence) => void,
): Scorer {
  return async (dataset: EvalDataset, onProgress): Promise<ScoreMatrix> => {
    const { vocabulary, candidates } = await prepare(embedder, cache, dataset, onProgress);
    const now = new Date(0);
    // Hard rules that depend on live state (capacity, activity) do not apply to a labelled dataset.
    const rules = { ...config.rules, requireCapacity: false, activeOnly: false };

    const matrix = new Map<string, Map<string, number>>();
    for (const [qi, query] of dataset.queries.entries()) {
      // Ranking every mentor for every question ran 3.4 s in one go on the gold standard (thousands of paper
      // vectors), and the engine answers mentees meanwhile: give the event loop a turn every few questions.
      if (qi > 0 && qi % QUESTIONS_PER_TURN === 0) {
        onProgress?.(qi, dataset.queries.length);
        await nextTurn();
      }
      const { ranked } = rankCandidates({
        question: query.text,
        candidates: candidates(qi),
        weights: config.weights,
        rules,
        vocabulary,
        now,
      });
      onConfidence?.(query.id, matchConfidence(ranked));
      const scores = new Map<string, number>(dataset.mentors.map((m) => [m.externalId, 0]));
      for (const r of ranked) scores.set(r.candidate.mentor.externalId, r.score);
      matrix.set(query.id, scores);
    }
    onProgress?.(dataset.queries.length, dataset.queries.length);
    return matrix;
  };
}
