/** How the Programme page writes its numbers: shares as whole percents, hours as hours or days, nothing as a dash. */

export const NONE = '–';

export function percent(value: number | null, digits = 0): string {
  return value === null ? NONE : `${(value * 100).toFixed(digits)}%`;
}

export function hoursText(hours: number | null): string {
  if (hours === null) return NONE;
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(hours < 10 ? 1 : 0)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

export interface FunnelStep {
  key: string;
  label: string;
  count: number;
  /** Of the step before; null for the first step, or when the step before is empty. */
  ofPrevious: number | null;
}

const FUNNEL_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['asked', 'Asked a question'],
  ['requested', 'Requested a session'],
  ['accepted', 'Accepted'],
  ['completed', 'Completed'],
  ['rated', 'Rated by the mentee'],
];

/** The funnel's steps in order, each with its share of the step before. */
export function funnelSteps(funnel: Readonly<Record<string, number>>): FunnelStep[] {
  return FUNNEL_LABELS.map(([key, label], i) => {
    const count = funnel[key] ?? 0;
    const previous = i === 0 ? null : (funnel[FUNNEL_LABELS[i - 1]![0]] ?? 0);
    return { key, label, count, ofPrevious: previous === null || previous === 0 ? null : count / previous };
  });
}

/** The API address of the view for these filters; `csv` for the per-mentor table's download. */
export function programmeUrl(filters: { from: string; to: string; department: string }, csv = false): string {
  const query = new URLSearchParams();
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  if (filters.department) query.set('department', filters.department);
  if (csv) query.set('format', 'csv');
  const text = query.toString();
  return `/api/programme${text ? `?${text}` : ''}`;
}

export type PeriodPreset = 'month' | 'quarter' | 'year';

export const PERIOD_PRESETS: ReadonlyArray<readonly [PeriodPreset, string]> = [
  ['month', 'This month'],
  ['quarter', 'Last 3 months'],
  ['year', 'Last 12 months'],
];

/** From the first of this month, or of the month 2 or 11 months before, to today (UTC days, as the engine reads them). */
export function presetPeriod(preset: PeriodPreset, today: Date): { from: string; to: string } {
  const back = preset === 'month' ? 0 : preset === 'quarter' ? 2 : 11;
  const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1));
  return { from: from.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };
}
