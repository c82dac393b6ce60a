import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { EvalDataset } from '../evaluation/eval-dataset.js';
import { mentorProfileText } from '../domain/mentor.js';
import type { ScoreMatrix } from '../evaluation/metrics.js';
import type { Scorer } from '../evaluation/scoring.js';
import { LexicalIndex } from '../matching/lexical-index.js';
import { rankCandidates } from '../matching/ranker.js';
import { SkillsVocabulary } from '../matching/skills-vocabulary.js';
import type { CandidateInput, MatchMentor } from '../matching/types.js';
import type { WeightConfig } from '../matching/weights.js';
import { centroid, dot } from '../shared/vector-math.js';
import { dotInt8, quantizeInt8 } from '../vector-index/int8-vectors.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

const QUESTIONS_PER_TURN = 16;

/**
 * Scores every mentor of a dataset for every query with the production ranker under `config`, over
 * an in-memory copy of the dataset (embedded per passage and profile text, BM25 over the whole text), so
 * an evaluation measures exactly what /match would rank, without touching the live index.
 */
export function hybridScorer(
  embedder: EmbeddingProvider,
  config: WeightConfig,
  cache: Map<string, Float32Array>,
): Scorer {
  const embedCached = async (
    texts: readonly string[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<Float32Array[]> => {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    for (let i = 0; i < missing.length; i += 64) {
      const chunk = missing.slice(i, i + 64);
      const vectors = await embedder.embed(chunk);
      chunk.forEach((t, j) => {
        cache.set(t, vectors[j]!);
      });
      onProgress?.(Math.min(i + 64, missing.length), missing.length);
    }
    return texts.map((t) => cache.get(t)!);
  };

  return async (dataset: EvalDataset, onProgress): Promise<ScoreMatrix> => {
    const profileTexts = dataset.mentors.map((m) => mentorProfileText(m));
    const passageTexts = dataset.mentors.flatMap((m) => m.passages);
    const present = profileTexts.filter((t): t is string => t !== null);
    await embedCached([...present, ...passageTexts, ...dataset.queries.map((q) => q.text)], onProgress);
    const lexicalIndex = new LexicalIndex();
    const mentors: MatchMentor[] = dataset.mentors.map((m, i) => ({ ...m, rowId: i + 1 }));
    for (const m of mentors) lexicalIndex.upsert(m.rowId, m);
    const vocabulary = SkillsVocabulary.fromMentors(mentors.map((m) => m.skills));
    const passages = dataset.mentors.map((m) => m.passages.map((p) => cache.get(p)!));
    // The mentor vector as the engine stores it (services/mentor-embedding.ts), over the dataset's passages.
    const whole = profileTexts.map((t, i) => centroid([...(t === null ? [] : [cache.get(t)!]), ...passages[i]!]));
    // Passage vectors as the search index holds them, int8; the mentor vector as the graph does, float.
    const quantized = passages.map((vectors) => quantizeInt8(vectors, embedder.dimensions));
    const now = new Date(0);

    const matrix = new Map<string, Map<string, number>>();
    for (const [qi, query] of dataset.queries.entries()) {
      // Ranking every mentor for every question ran 3.4 s in one go on the gold standard (thousands of paper
      // vectors), and the engine answers mentees meanwhile: give the event loop a turn every few questions.
      if (qi > 0 && qi % QUESTIONS_PER_TURN === 0) {
        onProgress?.(qi, dataset.queries.length);
        await nextTurn();
      }
      const qv = cache.get(query.text)!;
      const lexical = lexicalIndex.cosineDocuments(
        query.text,
        mentors.map((m) => m.rowId),
      );
      const candidates: CandidateInput[] = mentors.map((mentor, i) => ({
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
      // Hard rules that depend on live state (capacity, activity) do not apply to a labelled dataset.
      const rules = { ...config.rules, requireCapacity: false, activeOnly: false };
      const { ranked } = rankCandidates({
        question: query.text,
        candidates,
        weights: config.weights,
        rules,
        vocabulary,
        now,
      });
      const scores = new Map<string, number>(mentors.map((m) => [m.externalId, 0]));
      for (const r of ranked) scores.set(r.candidate.mentor.externalId, r.score);
      matrix.set(query.id, scores);
    }
    onProgress?.(dataset.queries.length, dataset.queries.length);
    return matrix;
  };
}
