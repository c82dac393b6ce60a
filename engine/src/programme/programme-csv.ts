import type { MentorLoad } from './programme-stats.js';

/**
 * A CSV cell. Text a spreadsheet would run as a formula (a name such as "=HYPERLINK(...)" typed into a profile)
 * gets a leading apostrophe, so that opening the export runs nothing.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const COLUMNS: ReadonlyArray<readonly [string, (m: MentorLoad) => string | number | boolean | null]> = [
  ['mentor_id', (m) => m.mentorId],
  ['name', (m) => m.name],
  ['active', (m) => m.active],
  ['capacity_per_month', (m) => m.capacityPerMonth],
  ['capacity', (m) => m.capacity],
  ['served', (m) => m.served],
  ['requested', (m) => m.requested],
  ['accepted', (m) => m.accepted],
  ['completed', (m) => m.completed],
  ['capacity_used', (m) => (m.capacityUsed === null ? null : Number(m.capacityUsed.toFixed(4)))],
];

/** The per-mentor table, one mentor a line, in the order the programme view lists them. */
export function mentorLoadsCsv(rows: readonly MentorLoad[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const row of rows) lines.push(COLUMNS.map(([, get]) => csvCell(get(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
