import { createHash } from 'node:crypto';
import type { MentorInput } from '../domain/mentor.js';
import type { Judgments } from './metrics.js';

export interface EvalMentor extends MentorInput {
  /**
   * Independently scorable pieces of the profile (one per paper for researchers), for scorers
   * that aggregate passage similarities (max, mean of the top few) instead of one whole text.
   */
  passages: string[];
}

export interface EvalQuery {
  id: string;
  text: string;
}

export interface EvalDataset {
  name: string;
  mentors: EvalMentor[];
  queries: EvalQuery[];
  judgments: Judgments;
  /** sha256 over the files read, so a result names exactly its data; adapter options are in `options`. */
  checksum: string;
  /** Judged relevance at or above this counts as relevant for MRR, recall and precision. */
  relevanceThreshold: number;
  /** How the dataset was built (adapter options), recorded with every result. */
  options: Record<string, unknown>;
}

/** The whole profile as one text; like `mentorWholeText` but without empty headline or skills. */
export function evalMentorText(m: Pick<MentorInput, 'headline' | 'bio' | 'skills'>): string {
  const parts = [m.headline.trim(), m.bio.trim()].filter(Boolean);
  if (m.skills.length) parts.push(`Skills: ${m.skills.join(', ')}.`);
  return parts.map((p, i) => (i < parts.length - 1 && !/[.!?]$/.test(p) ? `${p}.` : p)).join(' ');
}

export function judgmentCount(judgments: Judgments): number {
  let n = 0;
  for (const ratings of judgments.values()) n += ratings.size;
  return n;
}

/** Hashes named parts in a fixed order, length-prefixed so part boundaries cannot collide. */
export function checksumOf(parts: ReadonlyArray<readonly [string, string | Buffer]>): string {
  const hash = createHash('sha256');
  for (const [name, content] of parts) {
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    hash.update(`${name}\n${body.length}\n`);
    hash.update(body);
  }
  return hash.digest('hex');
}

/** Fills the MentorInput fields an evaluation source may not have. */
export function evalMentor(fields: Partial<MentorInput> & { externalId: string; passages?: string[] }): EvalMentor {
  const mentor: MentorInput = {
    externalId: fields.externalId,
    name: fields.name ?? fields.externalId,
    headline: fields.headline ?? '',
    bio: fields.bio ?? '',
    skills: fields.skills ?? [],
    languages: fields.languages ?? ['en'],
    timezone: fields.timezone ?? 'UTC',
    location: fields.location ?? null,
    yearsExperience: fields.yearsExperience ?? 0,
    capacityPerMonth: fields.capacityPerMonth ?? 1,
    active: fields.active ?? true,
  };
  const passages = fields.passages?.filter((p) => p.trim()) ?? [];
  return { ...mentor, passages: passages.length ? passages : [evalMentorText(mentor)] };
}

/** The dataset's files exist but do not hold what the format requires. */
export class DatasetFormatError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'DatasetFormatError';
  }
}

/** Parses JSON Lines, skipping blank lines, and names the line of the first bad row. */
export function parseJsonLines(file: string, text: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new DatasetFormatError(file, `line ${i + 1} is not JSON (${(err as Error).message})`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      throw new DatasetFormatError(file, `line ${i + 1} is not an object`);
    rows.push(row as Record<string, unknown>);
  });
  return rows;
}

/** Builds the judgments map and checks that every id it names exists. */
export function buildJudgments(
  file: string,
  rows: Iterable<{ queryId: string; mentorId: string; relevance: number }>,
  queryIds: ReadonlySet<string>,
  mentorIds: ReadonlySet<string>,
): Map<string, Map<string, number>> {
  const judgments = new Map<string, Map<string, number>>();
  for (const { queryId, mentorId, relevance } of rows) {
    if (!queryIds.has(queryId)) throw new DatasetFormatError(file, `unknown query ${queryId}`);
    if (!mentorIds.has(mentorId)) throw new DatasetFormatError(file, `unknown mentor ${mentorId}`);
    if (!Number.isFinite(relevance))
      throw new DatasetFormatError(file, `relevance of ${queryId}/${mentorId} is not a number`);
    let ratings = judgments.get(queryId);
    if (!ratings) {
      ratings = new Map();
      judgments.set(queryId, ratings);
    }
    if (ratings.has(mentorId)) throw new DatasetFormatError(file, `${queryId}/${mentorId} is judged twice`);
    ratings.set(mentorId, relevance);
  }
  return judgments;
}
