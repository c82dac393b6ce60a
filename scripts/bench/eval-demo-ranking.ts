/**
 * Ranking quality on the demo data: the 41 labelled questions of test/fixtures/demo-eval over the 2000 seeded
 * demo mentors, embedded with the real model, ranked by the production /match path under the hybrid defaults,
 * embedding only and BM25 only. Prints a table and writes bench/demo-ranking.{json,md}.
 *
 *   npx tsx scripts/bench/eval-demo-ranking.ts [--no-write]
 *
 * Vectors are cached under .data/embedding-cache/ (see scripts/bench/embedding-cache.ts): the first run embeds
 * about 11,000 texts (minutes), later runs only seed the database and rank (seconds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/src/app.js';
import { loadConfig } from '../../engine/src/config.js';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import { loadGenericDataset } from '../../engine/src/evaluation/generic-dataset.js';
import type { EvalDataset } from '../../engine/src/evaluation/eval-dataset.js';
import { ndcgAtK, reciprocalRank, recallAtK, relevantSet } from '../../engine/src/evaluation/metrics.js';
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
import { CachedEmbeddingProvider } from './embedding-cache.js';
import { progressBar } from '../cli/progress.js';

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
  /** Share of questions with at least one expected mentor in the top 5. */
  hitAt5: number;
  mrr: number;
  ndcgAt10: number;
  recallAt10: number;
  /** Questions with no expected mentor in the top 5. */
  misses: string[];
  /** Top 10 external ids per question. */
  rankings: Record<string, string[]>;
}

export interface DemoRankingHarness {
  dataset: EvalDataset;
  /** The seeded engine, for diagnostics beyond the fixed variants. */
  engine: Engine;
  modelId: string;
  /** Texts the model embedded while seeding (0 when the cache held them all). */
  embeddedWhileSeeding: number;
  evaluate(variant: RankingVariant): Promise<VariantResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

const mean = (xs: readonly number[]): number => {
  const finite = xs.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
};

/**
 * Seeds the demo mentors into a throwaway engine (real model behind the on-disk cache) and returns a harness that
 * ranks every question through MatchService.match, the code behind POST /match: same candidate retrieval, same
 * signals, same ranker. Nothing is recorded, so exposure and capacity stay as on a fresh start for every question.
 */
export async function openDemoRankingHarness(opts: HarnessOptions = {}): Promise<DemoRankingHarness> {
  const demoEvalDir = path.join(repoRoot, 'test/fixtures/demo-eval');
  const dataset = await loadGenericDataset(demoEvalDir, {
    generators: { demo: (count, seed) => generateMentors({ count, seed }) },
  });
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
    opts.cacheDir ?? path.join(repoRoot, '.data/embedding-cache'),
  );
  let app: FastifyInstance | null = null;
  try {
    app = await buildApp({ config, embedder });
    await app.ready();
    const engine = app.engine();
    await engine.search.whenReady();
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
      async evaluate(variant) {
        const matchConfig: WeightConfig & { version: null } = {
          weights: variant.weights,
          rules: { ...DEFAULT_RULES, requiredLanguages: [] },
          version: null,
        };
        const rankings: Record<string, string[]> = {};
        const hits: number[] = [];
        const rr: number[] = [];
        const ndcg: number[] = [];
        const recall: number[] = [];
        const misses: string[] = [];
        // A fixed instant, so the ranking cannot depend on the day the test runs (capacity month, time zones).
        const now = new Date('2026-01-15T12:00:00Z');
        for (const query of dataset.queries) {
          const result = await engine.matcher.match(
            { text: query.text, k: K },
            { record: false, config: matchConfig, mode: variant.mode, now },
          );
          const ranking = result.matches.map((m) => m.externalId);
          const relevance = dataset.judgments.get(query.id) ?? new Map<string, number>();
          const expected = relevantSet(relevance, EXPECTED_RELEVANCE);
          rankings[query.id] = ranking;
          const hit = ranking.slice(0, 5).some((id) => expected.has(id));
          hits.push(hit ? 1 : 0);
          if (!hit) misses.push(query.id);
          rr.push(reciprocalRank(ranking, expected));
          ndcg.push(ndcgAtK(ranking, relevance, K));
          recall.push(recallAtK(ranking, expected, K));
        }
        return {
          name: variant.name,
          description: variant.description,
          hitAt5: mean(hits),
          mrr: mean(rr),
          ndcgAt10: mean(ndcg),
          recallAt10: mean(recall),
          misses,
          rankings,
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

export function formatTable(results: readonly VariantResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.hitAt5.toFixed(3)} | ${r.mrr.toFixed(3)} | ${r.ndcgAt10.toFixed(3)} | ${r.recallAt10.toFixed(3)} |`,
  );
  return ['| ranking | hit@5 | MRR | nDCG@10 | recall@10 |', '| --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

async function main(): Promise<void> {
  const write = !process.argv.includes('--no-write');
  const bar = progressBar('Seeding demo mentors');
  const harness = await openDemoRankingHarness({
    onProgress: (done, total) => bar.update(done, total, 'embedding (cached) and indexing'),
  });
  bar.stop();
  try {
    const results: VariantResult[] = [];
    for (const variant of VARIANTS) results.push(await harness.evaluate(variant));
    const table = formatTable(results);
    console.log(
      `\n${harness.dataset.queries.length} questions, ${harness.dataset.mentors.length} mentors, model ${harness.modelId} (${harness.embeddedWhileSeeding} texts embedded by the model, the others from .data/embedding-cache)\n`,
    );
    console.log(table);
    for (const r of results)
      console.log(`${r.name} misses (no expected mentor in the top 5): ${r.misses.join(' ') || 'none'}`);
    if (!write) return;
    const benchDir = path.join(repoRoot, 'bench');
    const json = {
      generatedAt: new Date().toISOString(),
      model: harness.modelId,
      questions: harness.dataset.queries.length,
      mentors: harness.dataset.mentors.length,
      expectedRelevance: EXPECTED_RELEVANCE,
      defaults: { weights: DEFAULT_WEIGHTS },
      results: results.map(({ rankings: _r, ...rest }) => rest),
    };
    fs.writeFileSync(path.join(benchDir, 'demo-ranking.json'), `${JSON.stringify(json, null, 2)}\n`);
    const mdPath = path.join(benchDir, 'demo-ranking.md');
    const previous = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : '';
    // The hand-written notes after the marker (calibration history) survive regeneration.
    const marker = '<!-- notes -->';
    const notes = previous.includes(marker) ? previous.slice(previous.indexOf(marker)) : `${marker}\n`;
    const md = [
      '# Ranking quality on the demo data',
      '',
      `${json.questions} hand-labelled questions (test/fixtures/demo-eval) over the ${json.mentors} seeded demo mentors, model \`${json.model}\`,`,
      'ranked by the production `/match` path (exact nearest neighbours ∪ BM25 top list, pool as in `MatchService`, then the ranker), k = 10.',
      `Expected mentors are those judged relevance >= ${EXPECTED_RELEVANCE} ("strong" or "ideal"). hit@5 is the share of questions`,
      'with at least one expected mentor in the top 5; MRR, nDCG@10 (graded, all judgments) and recall@10 are means over questions.',
      '',
      table,
      '',
      ...results.map((r) => `- ${r.name} (${r.description}); misses: ${r.misses.join(', ') || 'none'}`),
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
