/**
 * Ranking quality on the demo data: the 41 labelled questions of test/fixtures/demo-eval over the 2000 seeded
 * demo mentors, embedded with the real model. Each question is ranked by the production /match path under the
 * hybrid defaults, embedding only and BM25 only, and scored by the evaluation harness `pnpm mm eval` uses
 * (engine/src/evaluation/run-evaluation.ts: same dataset loader, metrics and bootstrap), beside the engine's
 * active configuration exactly as `pnpm mm eval demo` scores it. Prints the table and writes
 * bench/demo-ranking.{json,md}.
 *
 *   npx tsx scripts/bench/eval-demo-ranking.ts [--no-write]
 *
 * Vectors are cached under .data/embedding-cache/ (see scripts/bench/embedding-cache.ts): the first run embeds
 * about 13,000 texts (minutes), later runs only seed the database and rank (seconds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/src/app.js';
import { loadConfig } from '../../engine/src/config.js';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import type { EvalDataset } from '../../engine/src/evaluation/eval-dataset.js';
import { rankMentors, relevantSet, type ScoreMatrix } from '../../engine/src/evaluation/metrics.js';
import { formatResultsTable } from '../../engine/src/evaluation/results-format.js';
import { runEvaluation, type EvaluationResult } from '../../engine/src/evaluation/run-evaluation.js';
import type { NamedScorer, Scorer } from '../../engine/src/evaluation/scoring.js';
import {
  DEFAULT_RULES,
  DEFAULT_WEIGHTS,
  FACTOR_NAMES,
  type Weights,
  type WeightConfig,
} from '../../engine/src/matching/weights.js';
import type { Engine } from '../../engine/src/services/engine.js';
import type { RetrievalMode } from '../../engine/src/services/match-service.js';
import { generateMentors } from '../demo-data/generate-mentors.js';
import { progressBar } from '../cli/progress.js';
import { CachedEmbeddingProvider, EMBEDDING_CACHE_DIR } from './embedding-cache.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Judged relevance from which a mentor is one a person would expect ("2 strong", "3 ideal"). */
export const EXPECTED_RELEVANCE = 2;
/** How many matches each question asks for: enough for nDCG@10 and recall@10. */
const K = 10;

export interface RankingVariant {
  name: string;
  description: string;
  mode: RetrievalMode;
  weights: Weights;
}

const only = (factor: keyof Weights): Weights =>
  ({ ...Object.fromEntries(FACTOR_NAMES.map((f) => [f, 0])), [factor]: 1 }) as Weights;

/**
 * The three rankings the issue compares. The single-signal variants also retrieve with that signal only
 * (nearest neighbours, resp. the BM25 top list), as an embedding-only or a keyword-only engine would.
 */
export const VARIANTS: readonly RankingVariant[] = [
  {
    name: 'hybrid',
    description: 'default weights, vector ∪ BM25 candidates',
    mode: 'hybrid',
    weights: { ...DEFAULT_WEIGHTS },
  },
  {
    name: 'embedding-only',
    description: 'weights { semantic: 1 }, vector candidates',
    mode: 'semantic',
    weights: only('semantic'),
  },
  {
    name: 'lexical-only',
    description: 'weights { lexical: 1 }, BM25 candidates',
    mode: 'lexical',
    weights: only('lexical'),
  },
];

export interface VariantResult {
  name: string;
  description: string;
  /** Share of questions with at least one expected mentor (relevance >= EXPECTED_RELEVANCE) in the top 5. */
  hitAt5: number;
  /** Questions with no expected mentor in the top 5. */
  misses: string[];
  /** The top 10 external ids /match returned per question. */
  rankings: Record<string, string[]>;
}

export interface DemoRanking {
  /** What runEvaluation reports, configuration by configuration, with intervals and paired differences. */
  evaluation: EvaluationResult;
  /** One per variant, in the order asked for. */
  variants: VariantResult[];
}

export interface DemoRankingHarness {
  dataset: EvalDataset;
  /** The seeded engine, for diagnostics beyond the fixed variants. */
  engine: Engine;
  modelId: string;
  /** Texts the model embedded while seeding (0 when the cache held them all). */
  embeddedWhileSeeding: number;
  /**
   * Ranks every question through /match under each variant and evaluates the rankings with runEvaluation;
   * with `activeConfig`, the engine's active configuration is evaluated first, as `pnpm mm eval demo` does
   * (every mentor ranked, no retrieval step), so the table shows both and the paired differences from it.
   */
  evaluate(
    variants: readonly RankingVariant[],
    opts?: { activeConfig?: boolean; bootstrapSamples?: number },
  ): Promise<DemoRanking>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

/**
 * A Scorer that asks MatchService.match, the code behind POST /match, for each question's top K: same candidate
 * retrieval, signals and ranker. The K returned mentors score K..1, every other mentor 0; the harness breaks that
 * tie against the scorer, so a mentor /match did not return ranks below all it did. Nothing is recorded, so
 * exposure and capacity stay as on a fresh start for every question.
 */
function matchScorer(engine: Engine, variant: RankingVariant, rankings: Record<string, string[]>): Scorer {
  const config: WeightConfig & { version: null } = {
    weights: variant.weights,
    rules: { ...DEFAULT_RULES, requiredLanguages: [] },
    version: null,
  };
  // A fixed instant, so the ranking cannot depend on the day it runs (capacity month, time zones).
  const now = new Date('2026-01-15T12:00:00Z');
  return async (dataset, onProgress) => {
    const matrix = new Map<string, Map<string, number>>();
    for (const [i, query] of dataset.queries.entries()) {
      const result = await engine.matcher.match(
        { text: query.text, k: K },
        { record: false, config, mode: variant.mode, now },
      );
      const ranking = result.matches.map((m) => m.externalId);
      rankings[query.id] = ranking;
      const scores = new Map<string, number>(dataset.mentors.map((m) => [m.externalId, 0]));
      ranking.forEach((id, rank) => {
        scores.set(id, K - rank);
      });
      matrix.set(query.id, scores);
      onProgress?.(i + 1, dataset.queries.length);
    }
    return matrix;
  };
}

/** Share of questions whose top 5 in the harness's ranking (ties against the scorer) holds an expected mentor. */
function hitsAt5(dataset: EvalDataset, scores: ScoreMatrix): { hitAt5: number; misses: string[] } {
  const misses: string[] = [];
  for (const query of dataset.queries) {
    const relevance = dataset.judgments.get(query.id) ?? new Map<string, number>();
    const expected = relevantSet(relevance, EXPECTED_RELEVANCE);
    const top5 = rankMentors(scores.get(query.id)!, relevance).slice(0, 5);
    if (!top5.some((id) => expected.has(id))) misses.push(query.id);
  }
  return { hitAt5: 1 - misses.length / dataset.queries.length, misses };
}

/**
 * Seeds the demo mentors into a throwaway engine (real model behind the on-disk cache) and loads the demo dataset
 * through the engine's evaluation service, the loader `pnpm mm eval demo` uses.
 */
export async function openDemoRankingHarness(opts: HarnessOptions = {}): Promise<DemoRankingHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-demo-ranking-'));
  // Exact nearest neighbours: the comparison should not depend on HNSW's approximation (recall 0.99 here anyway).
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DASHBOARD_DIR: '',
    EXACT_SCAN_BELOW: '1000000',
    SEED_DEMO_MENTORS: '0',
  });
  const embedder = CachedEmbeddingProvider.open(
    await createEmbeddingProvider(config),
    opts.cacheDir ?? EMBEDDING_CACHE_DIR,
  );
  let app: FastifyInstance | null = null;
  try {
    app = await buildApp({
      config,
      embedder,
      generators: { demo: (count, seed) => [...generateMentors({ count, seed })] },
    });
    await app.ready();
    const engine = app.engine();
    await engine.search.whenReady();
    const dataset = await engine.evaluation.loadDataset('demo');
    const mentors = dataset.mentors.map(({ passages: _passages, ...input }) => input);
    for (let i = 0; i < mentors.length; i += 128) {
      await engine.mentors.upsertBatch(mentors.slice(i, i + 128));
      opts.onProgress?.(Math.min(i + 128, mentors.length), mentors.length);
    }
    const embeddedWhileSeeding = embedder.embedded;
    const opened = app;

    return {
      dataset,
      engine,
      modelId: embedder.id,
      embeddedWhileSeeding,
      async evaluate(variants, { activeConfig = false, bootstrapSamples = 1000 } = {}) {
        const rankings = new Map(variants.map((v) => [v.name, {} as Record<string, string[]>]));
        const scorers: NamedScorer[] = [
          ...(activeConfig ? await engine.evaluation.scorers(['active'], false) : []),
          ...variants.map((v) => ({ name: v.name, score: matchScorer(engine, v, rankings.get(v.name)!) })),
        ];
        const scores = new Map<string, ScoreMatrix>();
        const evaluation = await runEvaluation(dataset, scorers, {
          // The settings `pnpm mm eval` runs with (EvaluationService.run).
          seed: 42,
          bootstrapSamples,
          meta: { model: embedder.id },
          onScores: (name, s) => scores.set(name, s),
        });
        return {
          evaluation,
          variants: variants.map((v) => ({
            name: v.name,
            description: v.description,
            ...hitsAt5(dataset, scores.get(v.name)!),
            rankings: rankings.get(v.name)!,
          })),
        };
      },
      async close() {
        await opened.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await (app ? app.close() : embedder.close());
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** hit@5 and the questions missed, per variant; the other metrics are in the harness's table. */
export function formatTable(results: readonly VariantResult[]): string {
  const rows = results.map((r) => `| ${r.name} | ${r.hitAt5.toFixed(3)} | ${r.misses.join(', ') || 'none'} |`);
  return ['| ranking | hit@5 | missed (no expected mentor in the top 5) |', '| --- | ---: | --- |', ...rows].join('\n');
}

async function main(): Promise<void> {
  const write = !process.argv.includes('--no-write');
  const bar = progressBar('Seeding demo mentors');
  const harness = await openDemoRankingHarness({
    onProgress: (done, total) => bar.update(done, total, 'embedding (cached) and indexing'),
  });
  bar.stop();
  try {
    const { evaluation, variants } = await harness.evaluate(VARIANTS, { activeConfig: true });
    const table = formatTable(variants);
    const harnessTable = formatResultsTable(evaluation);
    console.log(
      `\n${harness.dataset.queries.length} questions, ${harness.dataset.mentors.length} mentors, model ${harness.modelId} (${harness.embeddedWhileSeeding} texts embedded by the model while seeding, the others from .data/embedding-cache)\n`,
    );
    console.log(harnessTable);
    console.log(`\n${table}`);
    if (!write) return;
    const benchDir = path.join(repoRoot, 'bench');
    const json = {
      generatedAt: new Date().toISOString(),
      model: harness.modelId,
      questions: harness.dataset.queries.length,
      mentors: harness.dataset.mentors.length,
      expectedRelevance: EXPECTED_RELEVANCE,
      defaults: { weights: DEFAULT_WEIGHTS },
      results: variants.map(({ rankings: _r, ...rest }) => rest),
      // Without the Lorenz curves (101 points per configuration), which only the dashboard's chart draws.
      evaluation: {
        ...evaluation,
        configs: evaluation.configs.map(({ exposure: { lorenz: _l, ...exposure }, ...c }) => ({ ...c, exposure })),
      },
    };
    fs.writeFileSync(path.join(benchDir, 'demo-ranking.json'), `${JSON.stringify(json, null, 2)}\n`);
    const mdPath = path.join(benchDir, 'demo-ranking.md');
    const previous = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : '';
    // The hand-written notes after the marker (calibration history) survive regeneration.
    const marker = '<!-- notes -->';
    const notes = previous.includes(marker) ? previous.slice(previous.indexOf(marker)) : `${marker}\n`;
    const active = evaluation.configs[0]!.name;
    const md = [
      '# Ranking quality on the demo data',
      '',
      `${json.questions} hand-labelled questions (test/fixtures/demo-eval) over the ${json.mentors} seeded demo mentors, model \`${json.model}\`.`,
      'The rankings named hybrid, embedding-only and lexical-only come from the production `/match` path (exact nearest',
      'neighbours ∪ BM25 top list, pool as in `MatchService`, then the ranker), k = 10; a mentor it did not return ranks last.',
      `\`${active}\` is the engine's active configuration ranking every mentor, as \`pnpm mm eval demo\` scores it.`,
      'All are evaluated by the same harness as `pnpm mm eval` (engine/src/evaluation/run-evaluation.ts): MRR, recall and',
      `precision count relevance >= ${evaluation.settings.relevanceThreshold} (the dataset's threshold), nDCG@10 uses every judgment, and the paired`,
      'differences are from the first row.',
      '',
      '```text',
      harnessTable,
      '```',
      '',
      `hit@5 is the share of questions with at least one expected mentor (judged >= ${EXPECTED_RELEVANCE}, "strong" or "ideal") in the top 5`,
      'of the same rankings.',
      '',
      table,
      '',
      ...variants.map((r) => `- ${r.name}: ${r.description}`),
      '',
      'Regenerate with `npx tsx scripts/bench/eval-demo-ranking.ts`; `test/quality/demo-ranking.int.test.ts` asserts hit@5 >= 0.8 and',
      'hybrid >= each single signal.',
      '',
      notes.trimEnd(),
      '',
    ].join('\n');
    fs.writeFileSync(mdPath, md);
    console.log(`\nwrote bench/demo-ranking.json and bench/demo-ranking.md`);
  } finally {
    await harness.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
