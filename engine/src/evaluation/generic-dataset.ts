import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { MentorInput } from '../domain/mentor.js';
import { AppError } from '../errors.js';
import {
  buildJudgments,
  checksumOf,
  DatasetFormatError,
  evalMentor,
  parseJsonLines,
  type EvalDataset,
  type EvalMentor,
} from './eval-dataset.js';

/** Deterministic mentor source named by `dataset.json`; injected so engine code never imports scripts. */
export type MentorGenerator = (count: number, seed: number) => Iterable<MentorInput> | Promise<Iterable<MentorInput>>;

export interface GenericDatasetOptions {
  /** Generators by the name `dataset.json` uses (`{"mentors":{"generator":"demo",...}}`). */
  generators?: Readonly<Record<string, MentorGenerator>>;
}

interface Manifest {
  name?: string;
  relevanceThreshold?: number;
  /** A generator, or a file next to dataset.json (`mentors.jsonl` when absent). */
  mentors?: { generator: string; count: number; seed: number } | { file: string };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

const stringArray = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

function mentorFromRow(file: string, row: Record<string, unknown>, line: number): EvalMentor {
  const id = row.externalId ?? row.external_id ?? row.id;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw new DatasetFormatError(file, `row ${line} has no externalId`);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return evalMentor({
    externalId: String(id),
    name: str(row.name),
    headline: str(row.headline),
    bio: str(row.bio),
    skills: stringArray(row.skills),
    languages: stringArray(row.languages),
    timezone: str(row.timezone),
    location: str(row.location) ?? null,
    yearsExperience: num(row.yearsExperience),
    capacityPerMonth: num(row.capacityPerMonth),
    active: typeof row.active === 'boolean' ? row.active : undefined,
    passages: stringArray(row.passages),
  });
}

/**
 * Reads the generic evaluation format (documented in README.md next to this file): `mentors.jsonl`
 * or a generator named in `dataset.json`, `queries.jsonl` and `judgments.csv`.
 */
export async function loadGenericDataset(dir: string, options: GenericDatasetOptions = {}): Promise<EvalDataset> {
  if (!(await exists(dir))) throw new AppError('DATASET_NOT_FOUND', { name: dir });
  const parts: [string, Buffer][] = [];
  const read = async (name: string) => {
    const body = await readFile(path.join(dir, name));
    parts.push([name, body]);
    return body.toString('utf8');
  };

  const manifestPath = path.join(dir, 'dataset.json');
  let manifest: Manifest = {};
  if (await exists(manifestPath)) {
    try {
      manifest = JSON.parse(await read('dataset.json')) as Manifest;
    } catch (err) {
      throw new DatasetFormatError('dataset.json', (err as Error).message);
    }
  }

  let mentors: EvalMentor[];
  if (manifest.mentors && 'generator' in manifest.mentors) {
    const { generator, count, seed } = manifest.mentors;
    const generate = options.generators?.[generator];
    if (!generate)
      throw new DatasetFormatError(
        'dataset.json',
        `mentors come from generator "${generator}", which was not supplied`,
      );
    if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(seed)) {
      throw new DatasetFormatError(
        'dataset.json',
        'mentors.count must be a positive integer and mentors.seed an integer',
      );
    }
    mentors = [...(await generate(count, seed))].map((m) => evalMentor(m));
  } else {
    const file = manifest.mentors?.file ?? 'mentors.jsonl';
    if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..'))
      throw new DatasetFormatError('dataset.json', `mentors.file must stay inside the folder: ${file}`);
    mentors = parseJsonLines(file, await read(file)).map((row, i) => mentorFromRow(file, row, i + 1));
  }
  const mentorIds = new Set(mentors.map((m) => m.externalId));
  if (mentorIds.size !== mentors.length) throw new DatasetFormatError('mentors', 'externalIds are not unique');

  const queries = parseJsonLines('queries.jsonl', await read('queries.jsonl')).map((row, i) => {
    const id = row.query_id ?? row.id;
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof row.text !== 'string') {
      throw new DatasetFormatError('queries.jsonl', `row ${i + 1} needs query_id and text`);
    }
    return { id: String(id), text: row.text };
  });
  const queryIds = new Set(queries.map((q) => q.id));
  if (queryIds.size !== queries.length) throw new DatasetFormatError('queries.jsonl', 'query_ids are not unique');

  let records: Record<string, string>[];
  try {
    records = parse(await read('judgments.csv'), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new DatasetFormatError('judgments.csv', (err as Error).message);
  }
  const judgments = buildJudgments(
    'judgments.csv',
    records.map((r) => ({
      queryId: r.query_id ?? '',
      mentorId: r.mentor_id ?? '',
      relevance: r.relevance ? Number(r.relevance) : Number.NaN,
    })),
    queryIds,
    mentorIds,
  );

  return {
    name: manifest.name ?? path.basename(path.resolve(dir)),
    mentors,
    queries,
    judgments,
    checksum: checksumOf(parts),
    relevanceThreshold: manifest.relevanceThreshold ?? 1,
    options: manifest.mentors ? { mentors: manifest.mentors } : {},
  };
}
