/** Wording and arithmetic for the assignment page, kept out of the component so that they are tested. */

export type ShortfallReason = 'capacity' | 'fairness' | 'conflict' | 'forbidden' | 'no-candidates';

const REASON_TEXT: Readonly<Record<ShortfallReason, string>> = {
  capacity: 'their first choice was full',
  fairness: 'the fairness options ruled their first choice out',
  conflict: 'their first choice is a conflict (same team or reporting line)',
  forbidden: 'you forbade their first choice',
  'no-candidates': 'no mentor passed the hard rules',
};

/** Why a mentee did not get their first choice (or anyone), as a sentence's end. */
export function reasonText(reason: ShortfallReason | null, assigned: boolean): string {
  if (reason === null) return assigned ? 'got their first choice' : '';
  if (!assigned) return reason === 'capacity' ? 'every candidate was full' : REASON_TEXT[reason];
  return REASON_TEXT[reason];
}

/** `value` against a baseline: "+1.23 (+0.6%)"; the percentage is left out when the baseline is zero. */
export function versus(value: number, baseline: number): string {
  const diff = value - baseline;
  const sign = diff >= 0 ? '+' : '−';
  const abs = Math.abs(diff).toFixed(2);
  if (baseline === 0) return `${sign}${abs}`;
  return `${sign}${abs} (${sign}${Math.abs((100 * diff) / baseline).toFixed(1)}%)`;
}

/** The format a cohort file is read in, from its name: .csv is CSV, anything else JSON Lines. */
export function cohortFormat(fileName: string): 'csv' | 'jsonl' {
  return fileName.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

/** The ten histogram bins' labels: "0.0–0.1" … "0.9–1.0". */
export const HISTOGRAM_LABELS = Array.from(
  { length: 10 },
  (_, i) => `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`,
);

/** A pair's key in the pin and forbid sets. */
export const pairKey = (menteeId: string, mentorId: string): string => `${menteeId}\u0000${mentorId}`;

/** Adds the pair to the list, or removes it when it is there. */
export function togglePair<T extends { menteeId: string; mentorId: string }>(list: readonly T[], pair: T): T[] {
  const key = pairKey(pair.menteeId, pair.mentorId);
  return list.some((p) => pairKey(p.menteeId, p.mentorId) === key)
    ? list.filter((p) => pairKey(p.menteeId, p.mentorId) !== key)
    : [...list, pair];
}
