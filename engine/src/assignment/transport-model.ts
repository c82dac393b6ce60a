/**
 * The assignment as a transportation problem in index form, what both solvers read: mentees supply the places
 * they still need, mentors take up to their remaining capacity, and each admissible pair is an edge of
 * capacity one. A mentee's unplaced places go to a dummy sink whose price decides the objective.
 */
export interface TransportModel {
  menteeCount: number;
  mentorCount: number;
  /** Places each mentee still needs (after pins). */
  demand: Int32Array;
  /** Places each mentor can still take (after pins and the share cap). */
  capacity: Int32Array;
  /** Edges of mentee i are edgeStart[i] .. edgeStart[i + 1] - 1. */
  edgeStart: Int32Array;
  edgeMentor: Int32Array;
  edgeMentee: Int32Array;
  edgeScore: Float64Array;
  /** Whether an unplaced place costs more than any assignment could gain (coverage first) or just its score. */
  objective: 'coverage' | 'score';
}

/** Which edges the solver chose (1) or not (0). */
export type EdgeChoice = Uint8Array;

/** The largest edge score, which turns scores into non-negative costs (cost = top − score). */
export function topScore(model: TransportModel): number {
  let top = 0;
  for (const s of model.edgeScore) if (s > top) top = s;
  return top;
}

/**
 * The prices of leaving a mentee's places empty, in cost units where an edge costs `top − score` (at most
 * `top`): `extra` for each but the last of a mentee's places, `last` for the mentee's last one, the one that
 * leaves them with nobody. Rising prices are convex, so the solvers fill the cheaper first. With coverage
 * first, `extra` exceeds what any augmenting path can cost (at most 2·places + 1 edges of cost ≤ top), and
 * `last` exceeds what all extra places and all scores together can, so the order is: mentees placed, then
 * places filled, then score. With objective 'score' both equal `top`, the cost of a pair of score zero.
 */
export function unplacedPrices(model: TransportModel, top: number): { extra: number; last: number } {
  if (model.objective === 'score') return { extra: top, last: top };
  let places = 0;
  let several = false;
  for (const d of model.demand) {
    places += d;
    if (d > 1) several = true;
  }
  const extra = (2 * places + 2) * top + 1;
  return { extra, last: several ? (places + 1) * (extra + top) + 1 : extra };
}
