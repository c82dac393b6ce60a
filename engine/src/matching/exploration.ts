/**
 * Exploration among near-ties (issue 23): /match shows its top k, except that the free slots at the boundary go
 * at random to the mentors whose scores are within `rules.explorationMargin` of the k-th best. Each served
 * mentor's probability of being shown is logged (served_matches.propensity), which is what lets a later
 * configuration be evaluated offline from the outcomes (evaluation/off-policy.ts).
 */

/**
 * Which candidates a ranking shows in its top `k`, and the probability of each being shown, with a small
 * randomisation among near-ties: every candidate scoring more than `margin` above the k-th best score is shown;
 * the free slots go uniformly at random to the candidates within `margin` of it. Mentors whose scores differ
 * by less than the margin are not told apart by the data anyway, and the randomisation gives every one of them
 * a known, positive probability of being seen, which is what lets a later configuration be evaluated from the
 * log. `margin` 0 is the deterministic top k (ties at the boundary are still shared at random).
 */
export function nearTieShowProbabilities(scores: readonly number[], k: number, margin: number): number[] {
  if (k <= 0) return scores.map(() => 0);
  if (scores.length <= k) return scores.map(() => 1);
  const kth = [...scores].sort((a, b) => b - a)[k - 1]!;
  const sure = scores.filter((s) => s > kth + margin).length;
  const band = scores.filter((s) => s <= kth + margin && s >= kth - margin).length;
  const share = (k - sure) / band;
  return scores.map((s) => (s > kth + margin ? 1 : s >= kth - margin ? share : 0));
}

/** Draws the shown set of `nearTieShowProbabilities`: the sure ones and a uniform sample of the band. */
export function sampleNearTieSlate(
  scores: readonly number[],
  k: number,
  margin: number,
  random: () => number,
): number[] {
  const p = nearTieShowProbabilities(scores, k, margin);
  const shown = p.flatMap((v, i) => (v === 1 ? [i] : []));
  const band = p.flatMap((v, i) => (v > 0 && v < 1 ? [i] : []));
  for (let i = band.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [band[i], band[j]] = [band[j]!, band[i]!];
  }
  return [...shown, ...band.slice(0, Math.max(0, Math.min(k, scores.length) - shown.length))];
}
