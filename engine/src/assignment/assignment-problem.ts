/**
 * A cohort assignment problem as the solver sees it: each mentee's candidate mentors (the matcher's list, best
 * first, after the hard rules) with their scores, what each mentor can still take, and the programme's options.
 * Pure data; ids are the cohort file's mentee ids and the mentors' external ids.
 */

/** Why a candidate pair may not be assigned, though the matcher proposed it. */
export type PairBlock = 'conflict';

export interface AssignmentCandidate {
  mentorId: string;
  score: number;
  /** Set when the programme's conflict rule (same department, reporting line) rules the pair out. */
  blocked?: PairBlock;
  /** The mentee asked for this mentor: the solver counts the pair `preferenceBonus` higher. */
  preferred?: boolean;
}

export interface CohortMentee {
  id: string;
  /** How many mentors this mentee should get (1 to 3); default the problem's `mentorsPerMentee`. */
  mentors?: number;
  /** The matcher's candidates, best first. */
  candidates: readonly AssignmentCandidate[];
}

export interface MenteeMentorPair {
  menteeId: string;
  mentorId: string;
}

export interface FairnessOptions {
  /**
   * A floor on the worst-off mentee's score: no assigned pair may score below it. 'max-min' finds the highest
   * floor that still places as many mentees as without one (the bottleneck, as in FairFlow-style variants).
   */
  floor?: number | 'max-min';
  /** Cap on any mentor's share of the cohort's requested places, in (0, 1]. */
  maxMentorShare?: number;
}

export interface AssignmentProblem {
  mentees: readonly CohortMentee[];
  /** What each mentor can still take this period; a mentor missing here can take nobody. */
  capacity: ReadonlyMap<string, number>;
  /** Default number of mentors per mentee (1 to 3). */
  mentorsPerMentee?: number;
  pins?: readonly MenteeMentorPair[];
  forbids?: readonly MenteeMentorPair[];
  fairness?: FairnessOptions;
  /**
   * 'coverage' (default): place as many mentees as possible, then maximise the total score among those
   * assignments; 'score': maximise the total score alone (a mentee may be left out to give a better pair).
   */
  objective?: 'coverage' | 'score';
  /** Every mentee must get all their mentors; when impossible the outcome is infeasible, with the reasons. */
  requireAll?: boolean;
  /** Added to a preferred pair's score in the objective only (reported scores stay the matcher's); default 0.05. */
  preferenceBonus?: number;
  /** 'flow' (default, min-cost flow) or 'highs' (the same model as a linear programme solved by HiGHS). */
  solver?: 'flow' | 'highs';
}

/** Why a mentee did not get their first choice, or got nobody. */
export type ShortfallReason = 'capacity' | 'fairness' | 'conflict' | 'forbidden' | 'no-candidates';

export interface AssignedMentor {
  mentorId: string;
  score: number;
  /** Position in the mentee's candidate list, from 1. */
  rank: number;
  pinned: boolean;
}

export interface MenteeOutcome {
  menteeId: string;
  wanted: number;
  mentors: AssignedMentor[];
  /** The sum of the mentee's best `wanted` admissible candidates, as if they were alone. */
  unconstrainedScore: number;
  /** Why the mentee got fewer mentors or other mentors than their best admissible candidates; null when not. */
  reason: ShortfallReason | null;
  /** The mentors they preferred but did not get, each with the reason. */
  missed: Array<{ mentorId: string; score: number; reason: ShortfallReason }>;
}

export interface AssignmentTotals {
  mentees: number;
  /** Mentees with at least one mentor. */
  assigned: number;
  unassigned: number;
  pairs: number;
  totalScore: number;
  greedyTotalScore: number;
  greedyAssigned: number;
  greedyUnassigned: number;
  unconstrainedTotalScore: number;
  /** Gini of the assigned load over every mentor that was some mentee's admissible candidate. */
  mentorLoadGini: number;
  greedyMentorLoadGini: number;
  /** The floor that was applied (the max-min result when asked for), null without one. */
  floor: number | null;
  /** The per-mentor cap that applied, null without a share cap. */
  mentorCap: number | null;
  /** Assigned pair scores in ten bins of width 0.1 over [0, 1]. */
  scoreHistogram: number[];
}

export interface AssignmentOutcome {
  status: 'optimal' | 'infeasible';
  /** Plain-language reasons when infeasible; the assignment then is the best that could be made. */
  infeasibility: string[];
  mentees: MenteeOutcome[];
  totals: AssignmentTotals;
  /** Milliseconds: indexing and the model (`buildMs`), solving (max-min probes included), outcomes and baselines. */
  timings: { buildMs: number; solveMs: number; reportMs: number };
  solver: 'flow' | 'highs';
}
