/** Number and metric wording for evaluation results, shared by the table and the charts. */

const MINUS = '\u2212';

/** Rounded as `digits` would print it: -0.0002 is 0 at three digits, so it must not read "-0.000". */
const rounded = (value: number, digits: number) => Number(value.toFixed(digits)) || 0;

/** Fixed-point text with a typographic minus; a value that rounds to zero has no sign, a missing one reads "—". */
export function fixed(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const r = rounded(value, digits);
  return r < 0 ? `${MINUS}${Math.abs(r).toFixed(digits)}` : r.toFixed(digits);
}

/** A difference: "+0.012", "−0.012", or "0.000" when it rounds to nothing. */
export function signed(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const r = rounded(value, digits);
  return r > 0 ? `+${r.toFixed(digits)}` : fixed(r, digits);
}

/** "[low, high]" of a confidence interval, each bound written by `format`. */
export function interval(ci: readonly number[], format: (value: number | undefined) => string = fixed): string {
  return `[${format(ci[0])}, ${format(ci[1])}]`;
}

/**
 * Whether a paired difference's interval leaves out 0 as printed: one that rounds to [0.000, +0.050] would be
 * marked as a clear difference while its text shows it touching zero.
 */
export function clearOfZero(ci: readonly number[], digits = 3): boolean {
  const [low, high] = [ci[0], ci[1]];
  if (low === undefined || high === undefined || !Number.isFinite(low) || !Number.isFinite(high)) return false;
  return rounded(low, digits) > 0 || rounded(high, digits) < 0;
}

export type Better = 'lower' | 'higher';

export interface MetricInfo {
  label: string;
  /** Which way is better; null for a metric this page does not know. */
  better: Better | null;
  /** What "better" means for it, under the label. */
  hint: string | null;
}

const known: Record<string, { label: string; better: Better; hint?: string }> = {
  pairwise_loss: { label: 'Pairwise loss', better: 'lower' },
  easy_accuracy: { label: 'Easy accuracy', better: 'higher' },
  hard_accuracy: { label: 'Hard accuracy', better: 'higher' },
  mrr: { label: 'MRR', better: 'higher' },
  gini: { label: 'Gini of exposure', better: 'lower', hint: 'lower is more even' },
  never_shown: { label: 'Share never shown', better: 'lower' },
};

/** Label and direction of a metric by its engine name ("recall@5" → "Recall@5", higher is better). */
export function metricInfo(name: string): MetricInfo {
  const at = /^(recall|p|ndcg)@(\d+)$/.exec(name);
  const entry =
    known[name] ??
    (at
      ? { label: `${{ recall: 'Recall', p: 'P', ndcg: 'nDCG' }[at[1]!]}@${at[2]}`, better: 'higher' as const }
      : null);
  if (!entry) return { label: name, better: null, hint: null };
  return { label: entry.label, better: entry.better, hint: entry.hint ?? `${entry.better} is better` };
}

/** Whether a paired difference (this minus the first configuration) is an improvement, for a metric's direction. */
export function improves(delta: number, better: Better | null): boolean | null {
  if (better === null || delta === 0) return null;
  return better === 'higher' ? delta > 0 : delta < 0;
}
