import type { EvalDataset } from './eval-dataset.js';
import { rankMentors, reciprocalRank, relevantSet, type ScoreMatrix } from './metrics.js';

export interface CalibrationBin {
  /** Lowest and highest confidence in the bin. */
  from: number;
  to: number;
  questions: number;
  mrr: number;
  /** Share of the bin's questions with a relevant mentor in the top 5. */
  hitAt5: number;
}

/**
 * Whether a per-question confidence means what it says: the questions with a relevant mentor, sorted by
 * confidence and cut into `bins` equal groups, each with the MRR and hit@5 its questions got. A calibrated
 * confidence ranks worse in the lower bins.
 */
export function confidenceCalibration(
  dataset: Pick<EvalDataset, 'judgments' | 'relevanceThreshold'>,
  scores: ScoreMatrix,
  confidence: ReadonlyMap<string, number>,
  bins = 3,
): CalibrationBin[] {
  const rows: { confidence: number; rr: number; hit: number }[] = [];
  for (const [queryId, relevance] of dataset.judgments) {
    const relevant = relevantSet(relevance, dataset.relevanceThreshold);
    const c = confidence.get(queryId);
    if (relevant.size === 0 || c === undefined) continue;
    const ranking = rankMentors(scores.get(queryId)!, relevance);
    rows.push({
      confidence: c,
      rr: reciprocalRank(ranking, relevant),
      hit: ranking.slice(0, 5).some((id) => relevant.has(id)) ? 1 : 0,
    });
  }
  rows.sort((a, b) => a.confidence - b.confidence);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const part = rows.slice(Math.floor((b * rows.length) / bins), Math.floor(((b + 1) * rows.length) / bins));
    if (part.length === 0) continue;
    out.push({
      from: part[0]!.confidence,
      to: part.at(-1)!.confidence,
      questions: part.length,
      mrr: part.reduce((s, r) => s + r.rr, 0) / part.length,
      hitAt5: part.reduce((s, r) => s + r.hit, 0) / part.length,
    });
  }
  return out;
}

export function formatCalibration(bins: readonly CalibrationBin[]): string {
  return [
    '| confidence | questions | MRR | hit@5 |',
    '| ---------- | --------- | --- | ----- |',
    ...bins.map(
      (b) =>
        `| ${b.from.toFixed(3)}–${b.to.toFixed(3)} | ${b.questions} | ${b.mrr.toFixed(3)} | ${b.hitAt5.toFixed(3)} |`,
    ),
  ].join('\n');
}
