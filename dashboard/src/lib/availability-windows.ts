/**
 * A mentor's weekly availability as the Profile page edits it: windows of a weekday (ISO, 1 = Monday) in the
 * mentor's own time zone, 'HH:MM' to 'HH:MM'. The engine checks them again; this says what is wrong before saving.
 */

export interface AvailabilityWindow {
  weekday: number;
  start: string;
  end: string;
}

export const WEEKDAYS: readonly { weekday: number; label: string }[] = [
  { weekday: 1, label: 'Monday' },
  { weekday: 2, label: 'Tuesday' },
  { weekday: 3, label: 'Wednesday' },
  { weekday: 4, label: 'Thursday' },
  { weekday: 5, label: 'Friday' },
  { weekday: 6, label: 'Saturday' },
  { weekday: 7, label: 'Sunday' },
];

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Minutes from midnight of 'HH:MM'; '24:00' is the end of the day. */
function minutes(time: string): number | null {
  if (time === '24:00') return 1440;
  if (!TIME.test(time)) return null;
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** What is wrong with the windows, one sentence each, naming the day; empty when they can be saved. */
export function windowProblems(windows: readonly AvailabilityWindow[]): string[] {
  const problems: string[] = [];
  const byDay = new Map<number, { start: number; end: number }[]>();
  for (const w of windows) {
    const day = WEEKDAYS.find((d) => d.weekday === w.weekday)?.label ?? `day ${w.weekday}`;
    const start = minutes(w.start);
    const end = minutes(w.end);
    if (start === null || start === 1440 || end === null) {
      problems.push(`${day}: give times as HH:MM, such as 09:00 to 12:30.`);
      continue;
    }
    if (start >= end) {
      problems.push(`${day}: ${w.start}–${w.end} ends before it starts.`);
      continue;
    }
    const list = byDay.get(w.weekday) ?? [];
    if (list.some((o) => start < o.end && o.start < end))
      problems.push(`${day}: ${w.start}–${w.end} overlaps another window.`);
    list.push({ start, end });
    byDay.set(w.weekday, list);
  }
  return problems;
}

/** The windows in the order a week reads: by day, then by start time. */
export function sortWindows(windows: readonly AvailabilityWindow[]): AvailabilityWindow[] {
  return [...windows].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
}

/** The time zones the browser knows, with the mentor's own first when the browser does not list it. */
export function timeZoneChoices(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = zones.includes('UTC') ? zones : ['UTC', ...zones];
  return current && !all.includes(current) ? [current, ...all] : all;
}
