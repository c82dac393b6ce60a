import { parse as parseCsv } from 'csv-parse/sync';
import { splitListText } from '../domain/mentor-schema.js';
import { isValidTimezone } from '../domain/mentor-validation.js';
import { MAX_MENTORS_PER_MENTEE } from './solve-assignment.js';

/** One mentee of a cohort, with their question and what the programme knows of them. */
export interface CohortEntry {
  /** The cohort file's id, or the email when the row has none: what the output names the mentee by. */
  id: string;
  email: string | null;
  question: string;
  languages: string[];
  timezone: string | null;
  department: string | null;
  careerStartYear: number | null;
  /** Mentors the mentee asked for: preferred when the solver has a choice. */
  preferred: string[];
  /** Mentors the mentee must not get (same team, reporting line): conflicts. */
  excluded: string[];
  /** How many mentors this mentee wants; null: the run's default. */
  mentors: number | null;
}

export interface CohortRowError {
  row: number;
  message: string;
}

export const COHORT_LIMITS = { questionMax: 5000, idMax: 128, rowsMax: 20_000 } as const;

/** Column names as a file may spell them; the first is the documented one. */
const COLUMNS: Record<keyof Omit<CohortEntry, 'id'> | 'id', readonly string[]> = {
  id: ['id', 'mentee_id'],
  email: ['email'],
  question: ['question', 'text'],
  languages: ['languages'],
  timezone: ['timezone', 'time_zone'],
  department: ['department'],
  careerStartYear: ['career_start_year', 'careerStartYear'],
  preferred: ['preferred_mentors', 'preferred', 'preferredMentors'],
  excluded: ['excluded_mentors', 'excluded', 'excludedMentors'],
  mentors: ['mentors'],
};

/**
 * Reads a cohort file, CSV with a header row or JSON Lines, the same fields either way (lists in a CSV cell
 * separated as in mentor imports). Rows that cannot be used come back as errors with their row number; the
 * others are kept, so a coordinator sees every problem of a file at once.
 */
export function parseCohort(
  text: string,
  format: 'csv' | 'jsonl',
): { entries: CohortEntry[]; errors: CohortRowError[] } {
  const records: Array<{ row: number; value: unknown }> = [];
  const errors: CohortRowError[] = [];
  if (format === 'csv') {
    let rows: Record<string, string>[];
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    } catch (err) {
      return { entries: [], errors: [{ row: 0, message: `the CSV cannot be read: ${(err as Error).message}` }] };
    }
    for (const [i, value] of rows.entries()) records.push({ row: i + 2, value });
  } else {
    for (const [i, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      try {
        records.push({ row: i + 1, value: JSON.parse(line) });
      } catch {
        errors.push({ row: i + 1, message: 'not a JSON object' });
      }
    }
  }
  if (records.length > COHORT_LIMITS.rowsMax)
    return { entries: [], errors: [{ row: 0, message: `at most ${COHORT_LIMITS.rowsMax} mentees per cohort` }] };
  const entries: CohortEntry[] = [];
  const seen = new Set<string>();
  for (const { row, value } of records) {
    const entry = cohortEntry(value);
    if (typeof entry === 'string') errors.push({ row, message: entry });
    else if (seen.has(entry.id)) errors.push({ row, message: `mentee ${entry.id} appears twice` });
    else {
      seen.add(entry.id);
      entries.push(entry);
    }
  }
  return { entries, errors };
}

/** A row as an entry, or what is wrong with it. */
function cohortEntry(value: unknown): CohortEntry | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const field = (name: keyof typeof COLUMNS): unknown => {
    for (const key of COLUMNS[name]) {
      const v = record[key];
      if (v !== undefined && v !== null && v !== '') return v;
    }
    return undefined;
  };
  const text = (name: keyof typeof COLUMNS): string | null => {
    const v = field(name);
    return v === undefined ? null : String(v).trim() || null;
  };
  const list = (name: keyof typeof COLUMNS): string[] => {
    const v = field(name);
    if (v === undefined) return [];
    return Array.isArray(v) ? v.map((x) => String(x).trim()).filter(Boolean) : splitListText(String(v));
  };
  const email = text('email');
  const id = text('id') ?? email;
  if (id === null) return 'needs an id or an email';
  if (id.length > COHORT_LIMITS.idMax) return `the id is longer than ${COHORT_LIMITS.idMax} characters`;
  const question = text('question');
  if (question === null) return `mentee ${id} has no question`;
  if (question.length > COHORT_LIMITS.questionMax)
    return `mentee ${id}: the question is longer than ${COHORT_LIMITS.questionMax} characters`;
  const timezone = text('timezone');
  if (timezone !== null && !isValidTimezone(timezone))
    return `mentee ${id}: timezone must be an IANA time zone such as "Europe/Berlin", got "${timezone}"`;
  const languages = list('languages').map((l) => l.toLowerCase());
  const badLanguage = languages.find((l) => !/^[a-z]{2,3}$/.test(l));
  if (badLanguage !== undefined)
    return `mentee ${id}: languages must be ISO 639-1 codes such as "en", got "${badLanguage}"`;
  const year = text('careerStartYear');
  const careerStartYear = year === null ? null : Number(year);
  if (
    careerStartYear !== null &&
    !(Number.isInteger(careerStartYear) && careerStartYear >= 1940 && careerStartYear <= 2100)
  )
    return `mentee ${id}: career_start_year must be a year such as 2019, got "${year}"`;
  const count = text('mentors');
  const mentors = count === null ? null : Number(count);
  if (mentors !== null && !(Number.isInteger(mentors) && mentors >= 1 && mentors <= MAX_MENTORS_PER_MENTEE))
    return `mentee ${id}: mentors must be a whole number from 1 to ${MAX_MENTORS_PER_MENTEE}, got "${count}"`;
  return {
    id,
    email,
    question,
    languages,
    timezone,
    department: text('department'),
    careerStartYear,
    preferred: list('preferred'),
    excluded: list('excluded'),
    mentors,
  };
}
