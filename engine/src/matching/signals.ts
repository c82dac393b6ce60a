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
 * TF-IDF cosines of a question and a whole bio rarely reach 0.3 even when the bio is squarely on topic:
 * the bio has many terms the question lacks. Mapping [0, 0.2] onto [0, 1] puts a strong keyword match on
 * the same footing as a strong semantic one; it is one fixed map, so values stay comparable across questions.
 */
export const LEXICAL_CEILING = 0.3;

export function lexicalSignal(cosine: number, ceiling: number = LEXICAL_CEILING): number {
  if (!(cosine > 0)) return 0;
  return Math.min(1, cosine / ceiling);
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
