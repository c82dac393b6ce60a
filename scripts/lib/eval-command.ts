import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../../engine/src/services/engine.js';
import { formatResultsTable, predictionsExport, resultsToCsv } from '../../engine/src/evaluation/results-format.js';
import { progressBar } from './progress.js';

interface EvalOptions {
  data?: string | undefined;
  predictions?: string | undefined;
  out?: string | undefined;
  configs?: string | undefined;
}

/**
 * `pnpm mm eval <dataset>`: the active configuration (and any --configs versions) against the
 * baselines; prints the table, writes JSON + CSV (and the score export), and ends with a JSON summary line.
 */
export async function runEvalCommand(engine: Engine, dataset: string | undefined, options: EvalOptions): Promise<void> {
  if (!dataset) throw new Error('eval needs a dataset name: reviewer-expertise or demo');
  const versions: Array<number | 'active'> = ['active', ...(options.configs ? options.configs.split(',').map(Number) : [])];
  const bar = progressBar(`Evaluating on ${dataset}`);
  const run = await engine.evaluation.run({ dataset, configs: versions, baselines: true }, (p) => bar.update(p.done, p.total, p.stage), options.data);
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
  const metric = (name: string) => primary.metrics.find((m) => m.name === name)?.value ?? null;
  console.log(
    JSON.stringify({
      dataset,
      config: primary.name,
      model: engine.embedder.id,
      checksum: run.result.checksum,
      loss: metric('pairwise_loss') ?? metric('loss'),
      mrr: metric('mrr'),
      metrics: Object.fromEntries(primary.metrics.map((m) => [m.name, m.value])),
      results: path.join(outDir, 'results.json'),
      predictions: options.predictions ?? null,
    }),
  );
}
