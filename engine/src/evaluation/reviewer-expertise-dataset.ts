import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { AppError } from '../errors.js';
import {
  buildJudgments,
  checksumOf,
  DatasetFormatError,
  evalMentor,
  parseJsonLines,
  type EvalDataset,
} from './eval-dataset.js';

export interface ReviewerExpertiseOptions {
  /** Each researcher's most recent N papers (ties by year keep the source order); 'all' keeps every one. */
  papersPerExpert?: number | 'all';
  /** What of each profile paper goes into the mentor's texts. */
  paperText?: 'titles' | 'titles+abstracts';
  /** Cut each profile abstract after this many characters (at a word boundary); null keeps it whole. */
  abstractChars?: number | null;
}

/**
 * Every paper a researcher lists, titles and abstracts. Older papers are expertise too, and a count
 * is one parameter fewer to fit: the source paper's d_20 (20 most recent) lost 0.015 pairwise loss
 * for the hybrid ranker and 0.025 for the research configuration on the development split.
 */
export const defaultReviewerExpertiseOptions: Required<ReviewerExpertiseOptions> = {
  papersPerExpert: 'all',
  paperText: 'titles+abstracts',
  abstractChars: null,
};

interface Paper {
  paper_id: string;
  title: string;
  abstract: string | null;
  year: number | null;
}

function truncateWords(text: string, max: number | null): string {
  if (max === null || text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return space > max / 2 ? cut.slice(0, space) : cut;
}

/** "Title. Abstract", without doubling the title's own final punctuation. */
export function paperText(title: string, abstract: string | null): string {
  const t = title.trim();
  const a = abstract?.trim();
  if (!a) return t;
  return /[.!?]$/.test(t) ? `${t} ${a}` : `${t}. ${a}`;
}

function asPaper(file: string, v: unknown): Paper {
  const p = v as Partial<Paper> | null;
  if (!p || typeof p.paper_id !== 'string' || typeof p.title !== 'string')
    throw new DatasetFormatError(file, 'a paper needs paper_id and title');
  return {
    paper_id: p.paper_id,
    title: p.title,
    abstract: typeof p.abstract === 'string' ? p.abstract : null,
    year: typeof p.year === 'number' ? p.year : null,
  };
}

/** The files the gold standard's folder holds, all read by the adapter. */
export const REVIEWER_EXPERTISE_FILES = ['experts.jsonl', 'queries.jsonl', 'judgments.csv'] as const;

/**
 * Reads the reviewer-expertise gold standard (Stelmakh et al., TMLR 2025) from `dir` at run time:
 * every researcher becomes a mentor whose bio and passages come from their papers, every rated
 * paper a query, and each self-rated expertise (1-5) a graded judgment; 4 or more counts as relevant.
 */
export async function loadReviewerExpertiseDataset(
  dir: string,
  options: ReviewerExpertiseOptions = {},
): Promise<EvalDataset> {
  const opts = { ...defaultReviewerExpertiseOptions, ...options };
  if (opts.papersPerExpert !== 'all' && (!Number.isInteger(opts.papersPerExpert) || opts.papersPerExpert < 1)) {
    throw new RangeError(`papersPerExpert must be a positive integer or 'all', got ${opts.papersPerExpert}`);
  }
  if (!(await stat(dir).catch(() => null))) throw new AppError('DATASET_NOT_FOUND', { name: dir });
  const bodies = await Promise.all(REVIEWER_EXPERTISE_FILES.map((f) => readFile(path.join(dir, f))));
  const [expertsText, queriesText, judgmentsText] = bodies.map((b) => b.toString('utf8')) as [string, string, string];

  const mentors = parseJsonLines('experts.jsonl', expertsText).map((row) => {
    if (typeof row.expert_id !== 'string' || !Array.isArray(row.profile_papers)) {
      throw new DatasetFormatError('experts.jsonl', 'a row needs expert_id and profile_papers');
    }
    const papers = row.profile_papers
      .map((p, i) => ({ p: asPaper('experts.jsonl', p), i }))
      .sort((a, b) => (b.p.year ?? -Infinity) - (a.p.year ?? -Infinity) || a.i - b.i)
      .map(({ p }) => p);
    const chosen = opts.papersPerExpert === 'all' ? papers : papers.slice(0, opts.papersPerExpert);
    const passages = chosen.map((p) =>
      opts.paperText === 'titles'
        ? p.title.trim()
        : paperText(p.title, p.abstract === null ? null : truncateWords(p.abstract, opts.abstractChars)),
    );
    return evalMentor({
      externalId: row.expert_id,
      name: `Researcher ${row.expert_id}`,
      bio: passages.join('\n'),
      passages,
    });
  });

  const queries = parseJsonLines('queries.jsonl', queriesText).map((row) => {
    const p = asPaper('queries.jsonl', row);
    return { id: p.paper_id, text: paperText(p.title, p.abstract) };
  });

  let records: Record<string, string>[];
  try {
    records = parse(judgmentsText, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new DatasetFormatError('judgments.csv', (err as Error).message);
  }
  const judgments = buildJudgments(
    'judgments.csv',
    records.map((r) => ({
      queryId: r.paper_id ?? '',
      mentorId: r.expert_id ?? '',
      relevance: r.expertise ? Number(r.expertise) : Number.NaN,
    })),
    new Set(queries.map((q) => q.id)),
    new Set(mentors.map((m) => m.externalId)),
  );

  return {
    name: 'reviewer-expertise',
    mentors,
    queries,
    judgments,
    checksum: checksumOf(REVIEWER_EXPERTISE_FILES.map((f, i) => [f, bodies[i]!] as const)),
    relevanceThreshold: 4,
    options: opts,
  };
}
