/** Ranking signals, each a pure function onto [0, 1]. */

export interface CosineCalibration {
  /** Cosines at or below this are unrelated text for the sentence encoders we use. */
  floor: number;
  /** Cosines at or above this are as close as a question and a bio get. */
  ceiling: number;
}

/**
 * Sentence-encoder cosines between a short question and a bio passage rarely leave [0.05, 0.75]: unrelated
 * texts sit near 0.1, a passage on the question's topic near 0.5-0.7. The linear map between those points
 * spreads that useful range over [0, 1]; below the floor is 0, above the ceiling 1.
 */
export const SEMANTIC_CALIBRATION: Readonly<CosineCalibration> = Object.freeze({ floor: 0.05, ceiling: 0.75 });

export function calibrateCosine(cosine: number, calibration: CosineCalibration = SEMANTIC_CALIBRATION): number {
  if (!Number.isFinite(cosine)) return 0;
  const value = (cosine - calibration.floor) / (calibration.ceiling - calibration.floor);
  return Math.min(1, Math.max(0, value));
}

/**
 * Raw semantic similarity: 0.5 × best passage + 0.3 × mean of the top three passages + 0.2 × whole text.
 * The best passage finds the one sentence on topic; the top-3 mean rewards a bio that keeps returning to it;
 * the whole-text cosine keeps context the passages lose. Missing parts hand their weight to the others.
 */
export function aggregateSimilarity(whole: number | null, passages: readonly number[]): number | null {
  // The three best passages by one scan: this runs for every candidate of every match, and sorting a copy of
  // the list allocated more than any other step of ranking. Summed best first, as a sorted list would be.
  let first = -Infinity;
  let second = -Infinity;
  let third = -Infinity;
  let count = 0;
  for (const p of passages) {
    if (!Number.isFinite(p)) continue;
    count++;
    if (p > first) {
      third = second;
      second = first;
      first = p;
    } else if (p > second) {
      third = second;
      second = p;
    } else if (p > third) third = p;
  }
  const hasWhole = whole !== null && Number.isFinite(whole);
  if (count === 0 && !hasWhole) return null;
  let weighted = 0;
  let weight = 0;
  if (count > 0) {
    const top = count === 1 ? first : count === 2 ? first + second : first + second + third;
    weighted += 0.5 * first + 0.3 * (top / Math.min(count, 3));
    weight += 0.5 + 0.3;
  }
  if (hasWhole) {
    weighted += 0.2 * whole;
    weight += 0.2;
  }
  return weighted / weight;
}

/** The calibrated signal and the raw aggregate under it (null without any vector), which breaks ties of saturated values. */
export function semanticSignal(
  whole: number | null,
  passages: readonly number[],
  calibration?: CosineCalibration,
): { value: number; raw: number | null } {
  const raw = aggregateSimilarity(whole, passages);
  return { value: raw === null ? 0 : calibrateCosine(raw, calibration), raw };
}

/**
 * The fixed affine maps of the two topical signals' raw similarities (semantic aggregate, TF-IDF cosine) onto
 * [0, 1], stored with each weight configuration (rules.signalMaps). One fixed map per signal works one question
 * at a time in /match and keeps every mentor's order across questions, which per-question rescaling breaks.
 */
export interface SignalMaps {
  semantic: CosineCalibration;
  lexical: CosineCalibration;
}

/**
 * The maps before issue 23: the semantic calibration above, and the TF-IDF cosine over [0, 0.3] (a whole bio
 * has many terms a question lacks, so even an on-topic cosine rarely reaches 0.3).
 */
export const LEGACY_SIGNAL_MAPS: Readonly<SignalMaps> = Object.freeze({
  semantic: SEMANTIC_CALIBRATION,
  lexical: Object.freeze({ floor: 0, ceiling: 0.3 }),
});

/**
 * A map estimated from a reference sample of question-mentor raw similarities, with no judgments: the least
 * similar pair of the sample maps to 0, and one unit spans `spread` standard deviations. Scaling each signal by
 * its own deviation puts the signals on one scale, so a weight says how much a signal counts rather than how
 * widely it happens to vary (a TF-IDF cosine varies by about 0.03 over pairs, a sentence-encoder aggregate by
 * about 0.08 to 0.12). The floor sits at the sample's minimum, not at a spread below the mean, because short
 * questions' TF-IDF cosines are zero for half of all pairs with a long tail above: the strongest matches are
 * far above the mean, and a ceiling a few deviations above the mean tied them at 1 (docs/evaluation.md).
 */
export const SIGNAL_MAP_SPREAD = 12;

export function estimateSignalMap(values: Iterable<number>, spread: number = SIGNAL_MAP_SPREAD): CosineCalibration {
  const finite = [...values].filter(Number.isFinite);
  if (finite.length < 2) throw new RangeError('a signal map needs at least two finite reference values');
  const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
  // Two passes: the one-pass formula leaves rounding noise where every value is equal.
  const sd = Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / finite.length);
  if (!(sd > 0)) throw new RangeError('a signal map needs reference values that vary');
  const floor = finite.reduce((a, b) => Math.min(a, b));
  return { floor, ceiling: floor + spread * sd };
}

/** Share of the question's skills that the mentor has (canonical keys). */
export function skillsSignal(
  questionSkills: ReadonlySet<string>,
  mentorSkills: ReadonlySet<string>,
): { value: number; matched: string[] } {
  if (questionSkills.size === 0) return { value: 0, matched: [] };
  const matched = [...questionSkills].filter((s) => mentorSkills.has(s));
  return { value: matched.length / questionSkills.size, matched };
}

/** 1 when the mentor speaks any of the mentee's languages. */
export function languageSignal(
  menteeLanguages: readonly string[],
  mentorLanguages: readonly string[],
): { value: number; shared: string[] } {
  const mentor = new Set(mentorLanguages.map((l) => l.toLowerCase()));
  const shared = [...new Set(menteeLanguages.map((l) => l.toLowerCase()))].filter((l) => mentor.has(l));
  return { value: shared.length ? 1 : 0, shared };
}

const offsetFormats = new Map<string, Intl.DateTimeFormat | null>();
const offsets = new Map<string, number | null>();
// Zones change offset on quarter-hour boundaries at the finest, so one lookup per zone and quarter hour is exact.
const QUARTER_HOUR = 15 * 60 * 1000;

/** UTC offset of an IANA zone at an instant, in minutes east of UTC; null for an unknown zone. */
export function utcOffsetMinutes(timeZone: string, at: Date): number | null {
  const key = `${timeZone}|${Math.floor(at.getTime() / QUARTER_HOUR)}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  if (offsets.size >= 10_000) offsets.clear();
  const offset = computeOffset(timeZone, at);
  offsets.set(key, offset);
  return offset;
}

function computeOffset(timeZone: string, at: Date): number | null {
  let format = offsetFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    } catch {
      format = null;
    }
    offsetFormats.set(timeZone, format);
  }
  if (format === null) return null;
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(name);
  if (!m) return null;
  if (!m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** A daily window in local hours, [startHour, endHour); endHour <= startHour wraps past midnight. */
export interface DailyWindow {
  startHour: number;
  endHour: number;
  utcOffsetMinutes: number;
}

const DAY = 24 * 60;

function windowLength(w: DailyWindow): number {
  const length = ((((w.endHour - w.startHour) * 60) % DAY) + DAY) % DAY;
  return length === 0 ? DAY : length;
}

/** The window as non-wrapping UTC minute ranges within one day. */
function utcSegments(w: DailyWindow): [number, number][] {
  const start = (((w.startHour * 60 - w.utcOffsetMinutes) % DAY) + DAY) % DAY;
  const end = start + windowLength(w);
  return end <= DAY
    ? [[start, end]]
    : [
        [start, DAY],
        [0, end - DAY],
      ];
}

export function overlapHours(a: DailyWindow, b: DailyWindow): number {
  let minutes = 0;
  for (const [s1, e1] of utcSegments(a)) {
    for (const [s2, e2] of utcSegments(b)) minutes += Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  }
  return minutes / 60;
}

/** Overlap as a share of the shorter window: a mentee free for two hours is fully served by two hours. */
export function timezoneSignal(mentee: DailyWindow, mentor: DailyWindow): { value: number; overlapHours: number } {
  const hours = overlapHours(mentee, mentor);
  const shorter = Math.min(windowLength(mentee), windowLength(mentor)) / 60;
  return { value: Math.min(1, hours / shorter), overlapHours: hours };
}

/**
 * Half relative (share of the mentor's own capacity still free), half absolute (free slots, saturating at
 * `saturation`): a mentor with 1 of 1 slot left is available but not as available as one with 5 of 8.
 */
export function capacitySignal(
  capacityPerMonth: number,
  servedThisMonth: number,
  saturation: number,
): { value: number; remaining: number } {
  const remaining = Math.max(0, capacityPerMonth - servedThisMonth);
  if (remaining === 0 || capacityPerMonth <= 0) return { value: 0, remaining };
  return { value: 0.5 * (remaining / capacityPerMonth) + 0.5 * Math.min(1, remaining / saturation), remaining };
}

/**
 * With the mentee's years known: closeness of the actual gap to `preferredGapYears`, a bell whose tail is twice
 * as wide above the preference (more experience is less of a miss than too little). Without them: more
 * experience is better, saturating (5 years ≈ 0.46, 10 ≈ 0.71, 20 ≈ 0.92).
 */
export function experienceSignal(
  mentorYears: number,
  menteeYears: number | null | undefined,
  preferredGapYears: number,
): number {
  if (!Number.isFinite(mentorYears)) return 0;
  if (menteeYears === null || menteeYears === undefined || !Number.isFinite(menteeYears)) {
    return 1 - Math.exp(-Math.max(0, mentorYears) / 8);
  }
  const miss = mentorYears - menteeYears - preferredGapYears;
  const spread = Math.max(2, Math.abs(preferredGapYears) / 2) * (miss > 0 ? 2 : 1);
  return Math.exp(-(miss * miss) / (2 * spread * spread));
}

/**
 * Exposure balancing. A mentor's fair share of the recent window's impressions is `totalShown × capacityShare`
 * (plus one, so a cold start does not punish the first mentor shown). Up to `tolerance` × that share is fine;
 * beyond it the value falls as tolerance / ratio.
 */
export function fairnessSignal(
  shownRecently: number,
  totalShown: number,
  capacityShare: number,
  tolerance: number,
): { value: number; ratio: number } {
  const expected = Math.max(0, totalShown) * Math.max(0, capacityShare) + 1;
  const ratio = Math.max(0, shownRecently) / expected;
  return { value: ratio <= tolerance ? 1 : tolerance / ratio, ratio };
}

/**
 * What the programme has seen of one mentor's answers and of mentees' ratings of their sessions
 * (MentorOutcomeRepository). Only requests whose answer is known count: answered, or expired by the sessions'
 * state machine; open ones and those withdrawn before an answer say nothing about the mentor.
 */
export interface MentorOutcomeStats {
  /** Requests answered (accepted or declined) or left to expire. */
  decided: number;
  /** Of those, answered before they expired. */
  answeredInTime: number;
  /** Of those, answered within 24 hours of the request. */
  answeredWithinDay: number;
  /** Median hours from request to answer over the answered ones; null when none was answered. */
  medianHoursToAnswer: number | null;
  /** Mentees' ratings of sessions with this mentor. */
  ratings: number;
  /** Their mean helpfulness, 1 to 5; null without ratings. */
  meanHelpfulness: number | null;
  /** How often mentees said the mentor was the right person for the question. */
  rightPerson: { yes: number; partly: number; no: number };
}

/** The record of a mentor nothing is known of yet. */
export function emptyOutcomeStats(): MentorOutcomeStats {
  return {
    decided: 0,
    answeredInTime: 0,
    answeredWithinDay: 0,
    medianHoursToAnswer: null,
    ratings: 0,
    meanHelpfulness: null,
    rightPerson: { yes: 0, partly: 0, no: 0 },
  };
}

/** The programme-wide means every mentor's own record is shrunk towards (outcomePriors). */
export interface OutcomePriors {
  inTimeShare: number;
  withinDayShare: number;
  /** On the 1-5 scale. */
  meanHelpfulness: number;
}

/**
 * Prior strengths, in pseudo-observations. A mentor's answered-in-time share is the mean of a Beta posterior
 * whose prior is Beta(k·p, k·(1-p)) around the programme share p with k = 4 requests: one unanswered request
 * moves a new mentor a fifth of the way, ten requests outweigh the prior more than two to one. Ratings are a
 * Bayesian average with m = 5 pseudo-ratings at the programme mean: one 5/5 session does not lift a mentor
 * above one rated 4.8 by twenty mentees. A mentor with no record gets exactly the programme mean, so a new
 * mentor is neither punished nor boosted. The programme means themselves are shrunk the same way towards a
 * neutral start (half of requests in time and in a day, 3/5), so that the first session of a new programme
 * moves them gently and a programme without any record ranks every mentor alike on these two factors.
 */
export const RESPONSIVENESS_PRIOR_REQUESTS = 4;
export const HELPFULNESS_PRIOR_RATINGS = 5;
const NEUTRAL_SHARE = 0.5;
const NEUTRAL_RATING = 3;

/** Posterior mean of a share: `hits` of `n` observed, `strength` pseudo-observations at `prior`. */
export function shrunkShare(hits: number, n: number, prior: number, strength: number): number {
  const total = Math.max(0, n) + strength;
  return total > 0 ? (Math.max(0, hits) + strength * prior) / total : prior;
}

/** Bayesian average of `n` ratings with mean `mean` and `strength` pseudo-ratings at `prior`. */
export function shrunkMean(mean: number | null, n: number, prior: number, strength: number): number {
  if (mean === null || !Number.isFinite(mean) || !(n > 0)) return prior;
  return (mean * n + prior * strength) / (n + strength);
}

/** The programme's means from every mentor's record together, each shrunk towards a neutral start. */
export function outcomePriors(all: Iterable<MentorOutcomeStats>): OutcomePriors {
  let decided = 0;
  let inTime = 0;
  let withinDay = 0;
  let ratings = 0;
  let ratingSum = 0;
  for (const s of all) {
    decided += s.decided;
    inTime += s.answeredInTime;
    withinDay += s.answeredWithinDay;
    if (s.meanHelpfulness !== null && s.ratings > 0) {
      ratings += s.ratings;
      ratingSum += s.meanHelpfulness * s.ratings;
    }
  }
  return {
    inTimeShare: shrunkShare(inTime, decided, NEUTRAL_SHARE, RESPONSIVENESS_PRIOR_REQUESTS),
    withinDayShare: shrunkShare(withinDay, decided, NEUTRAL_SHARE, RESPONSIVENESS_PRIOR_REQUESTS),
    meanHelpfulness: shrunkMean(
      ratings > 0 ? ratingSum / ratings : null,
      ratings,
      NEUTRAL_RATING,
      HELPFULNESS_PRIOR_RATINGS,
    ),
  };
}

/** Priors of a programme with no record at all: what the evaluation harness and a new programme rank with. */
export const NEUTRAL_OUTCOME_PRIORS: Readonly<OutcomePriors> = Object.freeze(outcomePriors([]));

/**
 * Answering in time and answering fast, half each, every share shrunk towards the programme's: a mentor who
 * lets requests expire ranks lower, one who answers the same day higher.
 */
export function responsivenessSignal(stats: MentorOutcomeStats | null | undefined, priors: OutcomePriors): number {
  const n = stats?.decided ?? 0;
  const inTime = shrunkShare(stats?.answeredInTime ?? 0, n, priors.inTimeShare, RESPONSIVENESS_PRIOR_REQUESTS);
  const fast = shrunkShare(stats?.answeredWithinDay ?? 0, n, priors.withinDayShare, RESPONSIVENESS_PRIOR_REQUESTS);
  return Math.min(1, Math.max(0, 0.5 * inTime + 0.5 * fast));
}

/** Mentees' helpfulness ratings, shrunk towards the programme mean, with 1/5 mapped to 0 and 5/5 to 1. */
export function helpfulnessSignal(stats: MentorOutcomeStats | null | undefined, priors: OutcomePriors): number {
  const mean = shrunkMean(
    stats?.meanHelpfulness ?? null,
    stats?.ratings ?? 0,
    priors.meanHelpfulness,
    HELPFULNESS_PRIOR_RATINGS,
  );
  return Math.min(1, Math.max(0, (mean - 1) / 4));
}
