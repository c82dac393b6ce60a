import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../../engine/src/services/engine.js';
import type { EvaluationConfigRef } from '../../engine/src/services/evaluation-service.js';
import type { ConfigResult } from '../../engine/src/evaluation/run-evaluation.js';
import { formatCalibration } from '../../engine/src/evaluation/calibration.js';
import { formatCrossValidation } from '../../engine/src/evaluation/cross-validation.js';
import { formatResultsTable, predictionsExport, resultsToCsv } from '../../engine/src/evaluation/results-format.js';
import { progressBar } from './progress.js';

interface EvalOptions {
  data?: string | undefined;
  predictions?: string | undefined;
  out?: string | undefined;
  configs?: string | undefined;
  /** Folds of the grouped cross-validation; without it, none is run. */
  cv?: number | undefined;
}

/** `--configs active,research,3`: what to evaluate, in order; the first is the primary configuration. */
export function parseConfigRefs(list: string | undefined): EvaluationConfigRef[] {
  if (!list) return ['active'];
  return list.split(',').map((item) => {
    const ref = item.trim();
    if (ref === 'active' || ref === 'research') return ref;
    const version = Number(ref);
    if (!Number.isInteger(version) || version < 1)
      throw new Error(`--configs takes active, research or version numbers, got "${ref}"`);
    return version;
  });
}

function metricOf(config: ConfigResult, name: string): number | null {
  return config.metrics.find((m) => m.name === name)?.value ?? null;
}

/**
 * `pnpm mm eval <dataset>`: the --configs configurations (default: the active one) against the
 * baselines; prints the table, writes JSON + CSV (and the primary configuration's score export),
 * and ends with a JSON summary line for the primary configuration.
 */
export async function runEvalCommand(engine: Engine, dataset: string | undefined, options: EvalOptions): Promise<void> {
  if (!dataset) throw new Error('eval needs a dataset name: reviewer-expertise or demo');
  const versions = parseConfigRefs(options.configs);
  const bar = progressBar(`Evaluating on ${dataset}`);
  const run = await engine.evaluation.run(
    { dataset, configs: versions, baselines: true },
    (p) => bar.update(p.done, p.total, p.stage),
    options.data,
  );
  bar.stop();
  console.log(formatResultsTable(run.result));

  const outDir = path.resolve(options.out ?? path.join('results', dataset));
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'results.json'), `${JSON.stringify(run.result, null, 2)}\n`);
  await writeFile(path.join(outDir, 'results.csv'), resultsToCsv(run.result));
  const primary = run.result.configs[0]!;
  if (options.predictions) {
    await mkdir(path.dirname(path.resolve(options.predictions)), { recursive: true });
    await writeFile(options.predictions, `${JSON.stringify(predictionsExport(run.scores.get(primary.name)!))}\n`);
  }
  // Whether low-confidence questions rank worse: the notice "no profile is really about this" relies on it.
  const calibration = await engine.evaluation.confidenceCalibration(dataset, options.data);
  console.log(`\nConfidence calibration, active configuration (terciles of questions with a relevant mentor)\n`);
  console.log(formatCalibration(calibration));
  let cv: Record<string, unknown> | null = null;
  if (options.cv) {
    const cvBar = progressBar('Cross-validating the declared grid');
    cvBar.update(0, null, `${options.cv} folds`);
    const { result, signalMaps, grid } = await engine.evaluation.crossValidate(
      { dataset, folds: options.cv },
      options.data,
    );
    cvBar.stop();
    console.log(`\n${formatCrossValidation(result)}`);
    console.log(`\nSignal maps estimated from the dataset's question-mentor pairs: ${JSON.stringify(signalMaps)}`);
    await writeFile(
      path.join(outDir, 'cross-validation.json'),
      `${JSON.stringify({ ...result, signalMaps, grid: Object.fromEntries(grid) }, null, 2)}\n`,
    );
    cv = {
      folds: options.cv,
      choice: result.choice,
      loss: result.pooled.loss,
      mrr: result.pooled.mrr,
      worstLoss: result.worst.loss.value,
      worstMrr: result.worst.mrr.value,
    };
  }
  const metric = (name: string) => metricOf(primary, name);
  console.log(
    JSON.stringify({
      dataset,
      config: primary.name,
      model: engine.embedder.id,
      checksum: run.result.checksum,
      loss: metric('pairwise_loss') ?? metric('loss'),
      mrr: metric('mrr'),
      metrics: Object.fromEntries(primary.metrics.map((m) => [m.name, m.value])),
      configs: run.result.configs.map((c) => ({
        name: c.name,
        loss: metricOf(c, 'pairwise_loss'),
        mrr: metricOf(c, 'mrr'),
      })),
      results: path.join(outDir, 'results.json'),
      predictions: options.predictions ?? null,
      cv,
    }),
  );
}
