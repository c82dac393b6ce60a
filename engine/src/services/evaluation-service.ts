import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import { DatasetFormatError, type EvalDataset } from '../evaluation/eval-dataset.js';
import { loadGenericDataset, type MentorGenerator } from '../evaluation/generic-dataset.js';
import { loadReviewerExpertiseDataset, REVIEWER_EXPERTISE_FILES } from '../evaluation/reviewer-expertise-dataset.js';
import { bm25Scorer, tfidfScorer } from '../evaluation/lexical-scorers.js';
import { embeddingScorer, type EmbedTexts } from '../evaluation/embedding-scorer.js';
import { sifScorer } from '../evaluation/sif-scorer.js';
import { loadWordVectors, wordVectorsAvailable } from '../embedding/word-vectors.js';
import { RESEARCH_CONFIG, researchScorer } from '../evaluation/research-preset.js';
import { runEvaluation, type EvaluationResult, type MetricResult } from '../evaluation/run-evaluation.js';
import type { SignalMaps } from '../matching/signals.js';
import type { WeightConfig } from '../matching/weights.js';
import type { ScoreMatrix } from '../evaluation/metrics.js';
import type { NamedScorer } from '../evaluation/scoring.js';
import { confidenceCalibration, type CalibrationBin } from '../evaluation/calibration.js';
import { crossValidate, type CrossValidationResult, type CvCandidate } from '../evaluation/cross-validation.js';
import type { ActiveConfig, ConfigService } from './config-service.js';
import type { JobProgress, JobService, ProgressReporter } from './job-service.js';
import { hybridScorer, referenceSignalMaps } from './hybrid-scorer.js';

export interface DatasetInfo {
  name: string;
  kind: 'generic' | 'reviewer-expertise';
  path: string;
  /** Every file the dataset needs is in its folder. */
  available: boolean;
  /** When not available: which files are missing, where they go and where the data comes from; null when available. */
  howToGet: string | null;
}

/**
 * The engine's own datasets: the setting that names each folder, the files it must hold, and where the data
 * comes from. A missing folder is named by its setting and its default, not by its absolute path (an
 * error body must not disclose the server's file system).
 */
const DATASETS = [
  {
    name: 'demo',
    kind: 'generic',
    folder: (config: Readonly<AppConfig>) => config.demoEvalDir,
    setting: 'DEMO_EVAL_DIR',
    defaultFolder: 'test/fixtures/demo-eval in the repository',
    files: ['queries.jsonl', 'judgments.csv'],
    source: 'The demo questions ship with the repository: restore the folder from git.',
  },
  {
    name: 'reviewer-expertise',
    kind: 'reviewer-expertise',
    folder: (config: Readonly<AppConfig>) => config.reviewerExpertiseDir,
    setting: 'REVIEWER_EXPERTISE_DIR',
    defaultFolder: '../shared/data/reviewer-expertise-goldstandard beside the repository',
    files: REVIEWER_EXPERTISE_FILES,
    source:
      'The data is the reviewer-expertise gold standard of Stelmakh et al. (TMLR 2025, ' +
      'github.com/niharshah/goldstandard-reviewer-paper-match), converted to these files as docs/evaluation.md ' +
      'describes; its paper texts may not be copied into the repository.',
  },
] as const;

/**
 * A stored weight configuration version, the active one, or the research configuration
 * (engine/src/evaluation/research-preset.ts: TF-IDF whole + best paper + embedding centroid,
 * standardised and weighed equally, over every paper of each researcher).
 */
export type EvaluationConfigRef = number | 'active' | typeof RESEARCH_CONFIG;

export interface EvaluationRequest {
  dataset: string;
  /** What to evaluate, in order; the first is the run's primary configuration. */
  configs: EvaluationConfigRef[];
  /** Also run the lexical (BM25, TF-IDF) and embedding-only baselines. */
  baselines?: boolean;
  seed?: number;
  bootstrapSamples?: number;
}

export interface EvaluationRun {
  result: EvaluationResult;
  scores: Map<string, ScoreMatrix>;
}

const andList = (items: readonly string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');

/**
 * The grid cross-validation chooses from: the semantic signal's share of the topical weight. A handful of
 * values from "lexical only" to "semantic only", declared before looking at any fold, so that the choice
 * cannot be tuned finer than the data can tell apart.
 */
export const CV_SEMANTIC_SHARES: readonly number[] = [0, 0.2, 1 / 3, 0.5, 2 / 3, 1];

/** Finished runs kept for `get`, newest first. */
const KEPT_RUNS = 20;
/** Evaluation work that may wait behind the running one before more is refused. */
const MAX_WAITING = 2;

/** Runs the research evaluation harness against the engine's model and stored configurations. */
export class EvaluationService {
  private readonly runs = new Map<string, EvaluationRun>();
  private readonly embeddingCache = new Map<string, Float32Array>();
  /** Settles when the evaluation work started last has finished; the next waits for it. */
  private turn: Promise<void> = Promise.resolve();
  /** Evaluation work started and not finished: the one running and those waiting behind it. */
  private pending = 0;
  private runCount = 0;

  constructor(
    private readonly config: Readonly<AppConfig>,
    private readonly embedder: EmbeddingProvider,
    private readonly configs: ConfigService,
    private readonly jobs: JobService,
    private readonly generators: Readonly<Record<string, MentorGenerator>> = {},
  ) {}

  /** Every dataset the engine knows, present or not: a missing one says how to get it instead of failing a run. */
  datasets(): DatasetInfo[] {
    return DATASETS.map((d) => {
      const folder = d.folder(this.config);
      // Read at every listing, so files put into the folder count at once; a new setting needs a restart.
      const missing = d.files.filter((file) => !existsSync(path.join(folder, file)));
      const absent =
        missing.length === d.files.length
          ? 'none of them is there'
          : `${andList(missing)} ${missing.length === 1 ? 'is' : 'are'} not there`;
      return {
        name: d.name,
        kind: d.kind,
        path: folder,
        available: missing.length === 0,
        howToGet: missing.length
          ? `It needs ${andList(d.files)} in the folder ${d.setting} names (by default ${d.defaultFolder}), and ${absent}. ` +
            `Put them there, or start the engine with ${d.setting} set to the folder that holds them. ${d.source}`
          : null,
      };
    });
  }

  /**
   * The named dataset, refused when the engine does not know it (404 DATASET_NOT_FOUND) or, unless `dir` stands
   * in for its folder, when its files are missing (404 DATASET_UNAVAILABLE, saying how to get them).
   */
  requireDataset(name: string, dir?: string): DatasetInfo {
    const info = this.datasets().find((d) => d.name === name);
    if (!info) throw new AppError('DATASET_NOT_FOUND', { name });
    // A folder given on the command line is named; the engine's own folders say how to fill them.
    if (dir !== undefined && !existsSync(dir)) throw new AppError('DATASET_NOT_FOUND', { name: `${name} at ${dir}` });
    if (dir === undefined && info.howToGet !== null)
      throw new AppError('DATASET_UNAVAILABLE', { name, howToGet: info.howToGet });
    return info;
  }

  async loadDataset(name: string, dir?: string): Promise<EvalDataset> {
    const info = this.requireDataset(name, dir);
    const where = dir ?? info.path;
    try {
      return await (info.kind === 'generic'
        ? loadGenericDataset(where, { generators: this.generators })
        : loadReviewerExpertiseDataset(where));
    } catch (err) {
      if (err instanceof DatasetFormatError) throw new AppError('DATASET_INVALID', { name, detail: err.message });
      throw err;
    }
  }

  /** Embeds through the cache the hybrid scorer fills, so passages are embedded once per run. */
  private readonly embedCached: EmbedTexts = async (texts) => {
    const missing = [...new Set(texts.filter((t) => !this.embeddingCache.has(t)))];
    if (missing.length) {
      const vectors = await this.embedder.embed(missing);
      missing.forEach((t, i) => {
        this.embeddingCache.set(t, vectors[i]!);
      });
    }
    return texts.map((t) => this.embeddingCache.get(t)!);
  };

  async scorers(versions: readonly EvaluationConfigRef[], baselines: boolean): Promise<NamedScorer[]> {
    const out: NamedScorer[] = [];
    for (const v of versions) {
      if (v === RESEARCH_CONFIG) {
        out.push({ name: RESEARCH_CONFIG, score: researchScorer(this.embedCached) });
        continue;
      }
      const c = v === 'active' ? await this.configs.getActive() : await this.configs.resolve(v);
      out.push({
        name: `hybrid v${c.version}${v === 'active' ? ' (active)' : ''}`,
        score: hybridScorer(this.embedder, c, this.embeddingCache),
      });
    }
    if (baselines) {
      out.push(
        { name: 'embedding only', score: embeddingScorer(this.embedCached, { aggregate: 'whole' }) },
        { name: 'BM25', score: bm25Scorer() },
        { name: 'TF-IDF', score: tfidfScorer() },
      );
      // Evaluation-only (issue 23): present where someone built the optional GloVe folder.
      if (wordVectorsAvailable(this.config.modelsDir))
        out.push({ name: 'GloVe SIF', score: sifScorer(loadWordVectors(this.config.modelsDir)) });
    }
    return out;
  }

  async run(
    request: EvaluationRequest,
    report?: ProgressReporter,
    dir?: string,
  ): Promise<EvaluationRun & { id: string }> {
    report?.({ done: 0, total: null, stage: `reading ${request.dataset}` });
    const dataset = await this.loadDataset(request.dataset, dir);
    const scorers = await this.scorers(request.configs, request.baselines ?? true);
    const scores = new Map<string, ScoreMatrix>();
    const active = await this.configs.getActive();
    const result = await runEvaluation(dataset, scorers, {
      seed: request.seed ?? 42,
      bootstrapSamples: request.bootstrapSamples ?? 1000,
      meta: { model: this.embedder.id, activeConfigVersion: active.version, configs: request.configs.join(',') },
      // The steps (two per configuration) name the stage; the count moves within it when the scorer reports
      // progress (texts embedded, questions scored), which is where a run spends its minutes.
      onProgress: (p) =>
        report?.({
          done: p.stageTotal === undefined ? 0 : (p.stageDone ?? 0),
          total: p.stageTotal ?? null,
          stage: `step ${Math.min(p.done + 1, p.total)} of ${p.total}: ${p.stage} ${p.config}`,
        }),
      onScores: (name, s) => scores.set(name, s),
    });
    const id = `${Date.now().toString(36)}-${++this.runCount}`;
    this.runs.set(id, { result, scores });
    // The newest runs stay reachable (the dashboard's ?run=); each holds every configuration's score matrix.
    for (const old of this.runs.keys()) {
      if (this.runs.size <= KEPT_RUNS) break;
      this.runs.delete(old);
    }
    return { id, result, scores };
  }

  /**
   * Grouped cross-validation of the declared grid (CV_SEMANTIC_SHARES) around the active configuration: the
   * topical weight (semantic + lexical) split at each share, under signal maps estimated from the dataset's own
   * question-mentor pairs (no judgments), and the active configuration as stored. Run after `run` on the same
   * dataset, it embeds nothing again.
   */
  async crossValidate(
    request: { dataset: string; folds: number; seed?: number; bootstrapSamples?: number },
    dir?: string,
  ): Promise<{ result: CrossValidationResult; signalMaps: SignalMaps; grid: Map<string, WeightConfig> }> {
    const dataset = await this.loadDataset(request.dataset, dir);
    const active = await this.configs.getActive();
    const signalMaps = await referenceSignalMaps(this.embedder, this.embeddingCache, dataset);
    const topical = active.weights.semantic + active.weights.lexical;
    const grid = new Map<string, WeightConfig>([[`active v${active.version} as stored`, active]]);
    for (const share of CV_SEMANTIC_SHARES) {
      grid.set(`semantic share ${share.toFixed(2)}, estimated maps`, {
        weights: { ...active.weights, semantic: topical * share, lexical: topical * (1 - share) },
        rules: { ...active.rules, signalMaps },
      });
    }
    const candidates: CvCandidate[] = [];
    for (const [name, config] of grid)
      candidates.push({ name, scores: await hybridScorer(this.embedder, config, this.embeddingCache)(dataset) });
    const result = crossValidate(dataset, candidates, {
      folds: request.folds,
      seed: request.seed ?? 42,
      bootstrapSamples: request.bootstrapSamples ?? 1000,
    });
    return { result, signalMaps, grid };
  }

  /**
   * Whether the active configuration's per-question confidence (matching/confidence.ts) is calibrated on a
   * labelled dataset: its questions in confidence terciles, each with the MRR and hit@5 it got.
   */
  async confidenceCalibration(datasetName: string, dir?: string): Promise<CalibrationBin[]> {
    const dataset = await this.loadDataset(datasetName, dir);
    const active = await this.configs.getActive();
    const confidence = new Map<string, number>();
    const scores = await hybridScorer(this.embedder, active, this.embeddingCache, (id, c) =>
      confidence.set(id, c.value),
    )(dataset);
    return confidenceCalibration(dataset, scores, confidence);
  }

  /**
   * The active configuration and a draft scored on a labelled dataset, for the coordinator's preview:
   * metrics with bootstrap intervals, and the draft's paired difference from the active one.
   */
  async compareConfigs(
    datasetName: string,
    active: ActiveConfig,
    draft: WeightConfig,
  ): Promise<{ active: MetricResult[]; draft: MetricResult[] }> {
    return this.inTurn(() => this.compare(datasetName, active, draft));
  }

  private async compare(
    datasetName: string,
    active: ActiveConfig,
    draft: WeightConfig,
  ): Promise<{ active: MetricResult[]; draft: MetricResult[] }> {
    const dataset = await this.loadDataset(datasetName);
    const result = await runEvaluation(
      dataset,
      [
        { name: 'active', score: hybridScorer(this.embedder, active, this.embeddingCache) },
        { name: 'draft', score: hybridScorer(this.embedder, draft, this.embeddingCache) },
      ],
      { seed: 42, bootstrapSamples: 200 },
    );
    return { active: result.configs[0]!.metrics, draft: result.configs[1]!.metrics };
  }

  /** Starts a run as a job, after the evaluation work already started; 429 when too much is waiting. */
  start(request: EvaluationRequest) {
    this.refuseWhenBusy();
    return this.jobs.start('evaluation', async (report, signal) => {
      if (this.pending > 0)
        report({ done: 0, total: null, stage: 'waiting for the evaluation started before this one' });
      // A run reports progress as it starts and every few questions; at shutdown it stops there, so a run that
      // waited its turn through a shutdown does not start.
      const reportUnlessStopped = (p: JobProgress) => {
        if (signal.aborted)
          throw new AppError('JOB_CANCELLED', { detail: 'the evaluation run was stopped; start it again' });
        report(p);
      };
      const { id, result } = await this.inTurn(() => this.run(request, reportUnlessStopped));
      return { runId: id, ...result };
    });
  }

  private refuseWhenBusy(): void {
    if (this.pending > MAX_WAITING) throw new AppError('EVALUATION_BUSY', { pending: this.pending });
  }

  /**
   * Evaluation work runs one piece at a time: each embeds and ranks thousands of texts on the cores mentees'
   * questions need, and four runs side by side took four times as long each.
   */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    this.refuseWhenBusy();
    this.pending++;
    const result = this.turn.then(work).finally(() => this.pending--);
    this.turn = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  get(id: string): EvaluationRun {
    const run = this.runs.get(id);
    if (!run) throw new AppError('EVALUATION_NOT_FOUND', { id });
    return run;
  }
}
