import { gini } from '../evaluation/metrics.js';
import type {
  AssignedMentor,
  AssignmentOutcome,
  AssignmentProblem,
  MenteeOutcome,
  ShortfallReason,
} from './assignment-problem.js';
import { type AdmissibleList, greedyAssignment } from './greedy-baseline.js';
import { solveWithHighs } from './highs-solver.js';
import { solveMinCostFlow } from './min-cost-flow.js';
import type { EdgeChoice, TransportModel } from './transport-model.js';

export const MAX_MENTORS_PER_MENTEE = 3;

/** One candidate of one mentee, with what the rules and the coordinator say about it. */
interface Pair {
  mentor: number;
  score: number;
  rank: number;
  /** Why it may not be assigned (conflict or a coordinator's forbid); null when admissible. */
  block: 'conflict' | 'forbidden' | null;
  pinned: boolean;
  /** What the pair is worth to the objective: the score, plus the bonus when the mentee asked for the mentor. */
  worth: number;
}

interface Prepared {
  mentorIds: string[];
  capacity: Int32Array;
  wanted: number[];
  pairs: Pair[][];
  pinnedLoad: Int32Array;
  infeasibility: string[];
}

const pairKey = (menteeId: string, mentorId: string): string => `${menteeId}\u0000${mentorId}`;

/**
 * Assigns a cohort optimally: the most mentees placed (or, with objective 'score', the highest total alone), then
 * the highest total score, within each mentor's remaining capacity, the conflicts, the coordinator's pins and
 * forbids and the fairness options. Infeasible requests (a pin beyond capacity, `requireAll` unmet) come back
 * explained, with the best assignment that could be made, never as errors.
 */
export async function solveAssignment(problem: AssignmentProblem): Promise<AssignmentOutcome> {
  const t0 = performance.now();
  const solver = problem.solver ?? 'flow';
  const prep = prepare(problem);
  const { mentorIds, wanted, pairs, pinnedLoad } = prep;
  const totalWanted = wanted.reduce((s, w) => s + w, 0);
  const share = problem.fairness?.maxMentorShare;
  const mentorCap = share === undefined ? null : Math.max(1, Math.ceil(share * totalWanted));
  const room = Int32Array.from(prep.capacity, (c, j) =>
    Math.max(0, (mentorCap === null ? c : Math.min(c, Math.max(mentorCap, pinnedLoad[j]!))) - pinnedLoad[j]!),
  );
  const objective = problem.objective ?? 'coverage';
  const solve = (model: TransportModel): Promise<EdgeChoice> | EdgeChoice =>
    solver === 'highs' ? solveWithHighs(model) : solveMinCostFlow(model);
  // The max-min probes are solves; the final model's construction counts as building.
  let probeMs = 0;
  let floor: number | null = typeof problem.fairness?.floor === 'number' ? problem.fairness.floor : null;
  if (problem.fairness?.floor === 'max-min') {
    const tProbe = performance.now();
    floor = await maxMinFloor(pairs, wanted, room, solve);
    probeMs = performance.now() - tProbe;
  }
  const model = transportModel(pairs, wanted, room, objective, floor);
  const buildMs = performance.now() - t0 - probeMs;
  const t1 = performance.now();
  const choice = await solve(model);
  const solveMs = performance.now() - t1 + probeMs;
  const t2 = performance.now();

  const assigned: number[][] = pairs.map((list) => list.flatMap((p, c) => (p.pinned ? [c] : [])));
  for (let e = 0; e < choice.length; e++) if (choice[e]) assigned[model.edgeMentee[e]!]!.push(model.edgePair[e]!);
  const load = Int32Array.from(pinnedLoad);
  for (const [i, list] of assigned.entries()) for (const c of list) load[pairs[i]![c]!.mentor]!++;

  const context: ReasonContext = { capacity: prep.capacity, mentorCap, floor, load };
  const mentees = problem.mentees.map((mentee, i) =>
    menteeOutcome(mentee.id, wanted[i]!, pairs[i]!, assigned[i]!, mentorIds, context),
  );

  const admissible: AdmissibleList[] = pairs.map((list, i) => {
    const open = list.filter((p) => p.block === null);
    return { wanted: wanted[i]!, mentors: open.map((p) => p.mentor), scores: open.map((p) => p.score) };
  });
  const greedy = greedyAssignment(admissible, prep.capacity);
  const greedyTotal = greedy.chosen.reduce(
    (s, taken, i) => s + taken.reduce((t, c) => t + admissible[i]!.scores[c]!, 0),
    0,
  );
  const pool = candidatePool(admissible, mentorIds.length);
  const infeasibility = [...prep.infeasibility];
  if (problem.requireAll) {
    const short = mentees.filter((m) => m.mentors.length < m.wanted);
    if (short.length > 0)
      infeasibility.push(
        `${short.length} of ${mentees.length} mentees cannot get all the mentors they need (${reasonCounts(short)})`,
      );
  }

  const placed = mentees.filter((m) => m.mentors.length > 0).length;
  const scores = mentees.flatMap((m) => m.mentors.map((a) => a.score));
  return {
    status: infeasibility.length > 0 ? 'infeasible' : 'optimal',
    infeasibility,
    mentees,
    totals: {
      mentees: mentees.length,
      assigned: placed,
      unassigned: mentees.length - placed,
      pairs: scores.length,
      totalScore: sum(scores),
      greedyTotalScore: greedyTotal,
      greedyAssigned: greedy.chosen.filter((c) => c.length > 0).length,
      greedyUnassigned: greedy.chosen.filter((c) => c.length === 0).length,
      unconstrainedTotalScore: sum(mentees.map((m) => m.unconstrainedScore)),
      mentorLoadGini: gini(pool.map((j) => load[j]!)),
      greedyMentorLoadGini: gini(pool.map((j) => greedy.load[j]!)),
      floor,
      mentorCap,
      scoreHistogram: histogram(scores),
    },
    timings: { buildMs, solveMs, reportMs: performance.now() - t2 },
    solver,
  };
}

/** Indexes mentors, applies conflicts, forbids and pins, and collects what makes the request infeasible. */
function prepare(problem: AssignmentProblem): Prepared {
  const mentorIndex = new Map<string, number>();
  const mentorIds: string[] = [];
  const indexOf = (id: string): number => {
    let j = mentorIndex.get(id);
    if (j === undefined) {
      j = mentorIds.length;
      mentorIndex.set(id, j);
      mentorIds.push(id);
    }
    return j;
  };
  const forbidden = new Set((problem.forbids ?? []).map((f) => pairKey(f.menteeId, f.mentorId)));
  const pins = new Set((problem.pins ?? []).map((p) => pairKey(p.menteeId, p.mentorId)));
  const matchedPins = new Set<string>();
  const infeasibility: string[] = [];
  const menteeIds = new Set<string>();
  const wanted = problem.mentees.map((m) => m.mentors ?? problem.mentorsPerMentee ?? 1);
  const bonus = problem.preferenceBonus ?? 0.05;
  const pairs = problem.mentees.map((mentee, i) => {
    menteeIds.add(mentee.id);
    const seen = new Set<string>();
    const list: Pair[] = [];
    for (const c of mentee.candidates) {
      if (seen.has(c.mentorId)) continue;
      seen.add(c.mentorId);
      const key = pairKey(mentee.id, c.mentorId);
      const block = c.blocked ?? (forbidden.has(key) ? 'forbidden' : null);
      let pinned = false;
      if (pins.has(key)) {
        matchedPins.add(key);
        if (block !== null) infeasibility.push(`pin ${mentee.id} → ${c.mentorId} is ruled out by a ${block}`);
        else pinned = true;
      }
      const worth = c.score + (c.preferred ? bonus : 0);
      list.push({ mentor: indexOf(c.mentorId), score: c.score, worth, rank: list.length + 1, block, pinned });
    }
    const pinnedCount = list.filter((p) => p.pinned).length;
    if (pinnedCount > wanted[i]!) {
      infeasibility.push(`mentee ${mentee.id} has ${pinnedCount} pinned mentors but needs only ${wanted[i]}`);
      wanted[i] = pinnedCount;
    }
    return list;
  });
  for (const pin of problem.pins ?? []) {
    if (matchedPins.has(pairKey(pin.menteeId, pin.mentorId))) continue;
    infeasibility.push(
      menteeIds.has(pin.menteeId)
        ? `pin ${pin.menteeId} → ${pin.mentorId}: the mentor is not among the mentee's candidates`
        : `pin ${pin.menteeId} → ${pin.mentorId}: no such mentee in the cohort`,
    );
  }
  const capacity = Int32Array.from(mentorIds, (id) => Math.max(0, Math.floor(problem.capacity.get(id) ?? 0)));
  const pinnedLoad = new Int32Array(mentorIds.length);
  for (const list of pairs) for (const p of list) if (p.pinned) pinnedLoad[p.mentor]!++;
  for (let j = 0; j < mentorIds.length; j++)
    if (pinnedLoad[j]! > capacity[j]!)
      infeasibility.push(
        `mentor ${mentorIds[j]} is pinned to ${pinnedLoad[j]} mentees but has room for ${capacity[j]}`,
      );
  return { mentorIds, capacity, wanted, pairs, pinnedLoad, infeasibility };
}

/** The transportation model over the admissible, unpinned pairs at or above the floor. */
function transportModel(
  pairs: readonly Pair[][],
  wanted: readonly number[],
  room: Int32Array,
  objective: 'coverage' | 'score',
  floor: number | null,
): TransportModel & { edgePair: Int32Array } {
  const n = pairs.length;
  const edgeStart = new Int32Array(n + 1);
  const demand = new Int32Array(n);
  const mentors: number[] = [];
  const mentees: number[] = [];
  const scores: number[] = [];
  const pairIndex: number[] = [];
  for (let i = 0; i < n; i++) {
    edgeStart[i] = mentors.length;
    const list = pairs[i]!;
    let pinned = 0;
    for (let c = 0; c < list.length; c++) {
      const p = list[c]!;
      if (p.pinned) pinned++;
      if (p.block !== null || p.pinned || (floor !== null && p.score < floor)) continue;
      mentors.push(p.mentor);
      mentees.push(i);
      scores.push(p.worth);
      pairIndex.push(c);
    }
    demand[i] = Math.max(0, wanted[i]! - pinned);
  }
  edgeStart[n] = mentors.length;
  return {
    menteeCount: n,
    mentorCount: room.length,
    demand,
    capacity: room,
    edgeStart,
    edgeMentor: Int32Array.from(mentors),
    edgeMentee: Int32Array.from(mentees),
    edgeScore: Float64Array.from(scores),
    edgePair: Int32Array.from(pairIndex),
    objective,
  };
}

/**
 * The highest floor that places as many pairs as no floor does: a binary search over the admissible scores, each
 * probe a full solve (about 18 for 250,000 distinct scores). Placement only grows as the floor falls, so the
 * search is exact.
 */
async function maxMinFloor(
  pairs: readonly Pair[][],
  wanted: readonly number[],
  room: Int32Array,
  solve: (model: TransportModel) => Promise<EdgeChoice> | EdgeChoice,
): Promise<number | null> {
  const placed = async (floor: number | null): Promise<number> => {
    const choice = await solve(transportModel(pairs, wanted, room, 'coverage', floor));
    let count = 0;
    for (const c of choice) count += c;
    return count;
  };
  const scores = [...new Set(pairs.flatMap((list) => list.filter((p) => p.block === null).map((p) => p.score)))].sort(
    (a, b) => a - b,
  );
  if (scores.length === 0) return null;
  const target = await placed(null);
  let lo = 0;
  let hi = scores.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((await placed(scores[mid]!)) === target) lo = mid;
    else hi = mid - 1;
  }
  return scores[lo]!;
}

interface ReasonContext {
  capacity: Int32Array;
  mentorCap: number | null;
  floor: number | null;
  /** Final load, pins included. */
  load: Int32Array;
}

/** Why a mentee did not get the candidate `p`. */
function shortfall(p: Pair, ctx: ReasonContext): ShortfallReason {
  if (p.block !== null) return p.block;
  if (ctx.floor !== null && p.score < ctx.floor) return 'fairness';
  const load = ctx.load[p.mentor]!;
  if (load >= ctx.capacity[p.mentor]!) return 'capacity';
  if (ctx.mentorCap !== null && load >= ctx.mentorCap) return 'fairness';
  return 'capacity';
}

function menteeOutcome(
  menteeId: string,
  wanted: number,
  pairs: readonly Pair[],
  assigned: readonly number[],
  mentorIds: readonly string[],
  ctx: ReasonContext,
): MenteeOutcome {
  const got = new Set(assigned);
  const mentors: AssignedMentor[] = [...assigned]
    .sort((a, b) => a - b)
    .map((c) => {
      const p = pairs[c]!;
      return { mentorId: mentorIds[p.mentor]!, score: p.score, rank: p.rank, pinned: p.pinned };
    });
  const missed = pairs
    .slice(0, wanted)
    .flatMap((p, c) =>
      got.has(c) ? [] : [{ mentorId: mentorIds[p.mentor]!, score: p.score, reason: shortfall(p, ctx) }],
    );
  const unconstrainedScore = sum(
    pairs
      .filter((p) => p.block === null)
      .slice(0, wanted)
      .map((p) => p.score),
  );
  let reason: ShortfallReason | null = missed[0]?.reason ?? null;
  if (mentors.length === 0) reason = unplacedReason(pairs, ctx);
  return { menteeId, wanted, mentors, unconstrainedScore, reason, missed };
}

/** Why a mentee got nobody: no candidates, all ruled out, all below the floor or capped, or all full. */
function unplacedReason(pairs: readonly Pair[], ctx: ReasonContext): ShortfallReason {
  if (pairs.length === 0) return 'no-candidates';
  const open = pairs.filter((p) => p.block === null);
  if (open.length === 0) return pairs.some((p) => p.block === 'forbidden') ? 'forbidden' : 'conflict';
  const reasons = open.map((p) => shortfall(p, ctx));
  return reasons.includes('fairness') ? 'fairness' : 'capacity';
}

/** Mentors some mentee could have been given: the population the load Gini is measured over. */
function candidatePool(lists: readonly AdmissibleList[], mentorCount: number): number[] {
  const inPool = new Uint8Array(mentorCount);
  for (const list of lists) for (const j of list.mentors) inPool[j] = 1;
  const pool: number[] = [];
  for (let j = 0; j < mentorCount; j++) if (inPool[j]) pool.push(j);
  return pool;
}

function reasonCounts(short: readonly MenteeOutcome[]): string {
  const counts = new Map<string, number>();
  for (const m of short) counts.set(m.reason ?? 'capacity', (counts.get(m.reason ?? 'capacity') ?? 0) + 1);
  return [...counts].map(([r, c]) => `${r}: ${c}`).join(', ');
}

function histogram(scores: readonly number[]): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const s of scores) bins[Math.min(9, Math.max(0, Math.floor(s * 10)))]!++;
  return bins;
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}
