import type { EmbedTexts } from './embedding-scorer.js';
import { embeddingScorer } from './embedding-scorer.js';
import { tfidfScorer } from './lexical-scorers.js';
import { standardisedBlend, type Scorer } from './scoring.js';

/** The name under which evaluations select the research configuration (`--configs research`). */
export const RESEARCH_CONFIG = 'research';

/**
 * The research configuration for paper-like questions: three views of a profile, standardised and
 * weighed equally, so that no weight is fitted to the judgments.
 * - TF-IDF cosine (sublinear tf) with the whole profile: how much of the researcher's vocabulary
 *   the question uses.
 * - TF-IDF cosine with the best single passage: whether one paper is close to it.
 * - The embedding model's cosine with the centroid of the passage vectors: the same whole-profile
 *   view in the encoder's space. The centroid stands in for embedding the whole text, which the
 *   encoder would clip.
 */
export function researchScorer(embed: EmbedTexts): Scorer {
  return standardisedBlend([
    { scorer: tfidfScorer(), weight: 1 },
    { scorer: tfidfScorer({ aggregate: 'max' }), weight: 1 },
    { scorer: embeddingScorer(embed, { aggregate: 'centroid' }), weight: 1 },
  ]);
}
