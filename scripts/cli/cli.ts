/**
 * `pnpm mm <command>`: operations on the configured database (DATA_DIR or DATABASE_URL), in process.
 * Stop a running engine first when it uses the embedded database: PGlite allows one process at a time.
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { loadConfig } from '../../engine/src/config.js';
import { cliActor } from '../../engine/src/audit/audit-entry.js';
import { AppError } from '../../engine/src/errors.js';
import { createEngine, type Engine } from '../../engine/src/services/engine.js';
import type { ImportFormat } from '../../engine/src/services/import-service.js';
import { outcomesCsv } from '../../engine/src/services/outcome-log.js';
import { buildUseLite } from '../model/build-use-lite.js';
import { printable, progressBar } from './progress.js';
import { seedDemoMentors } from './seed.js';
import { parseConfigRefs, runEvalCommand } from './eval-command.js';
import { runUserCommand, userUsage } from './user-command.js';
import { assignUsage, runAssignCommand } from './assign-command.js';
import { generateMentors } from '../demo-data/generate-mentors.js';

const usage = `usage: pnpm mm <command> [options]
  import <file> [--format csv|jsonl|json]   import mentors (idempotent by id), with a progress bar; exit
                                            code 2 when some rows failed; Ctrl-C stops after the batch
                                            under way (import the file again to finish)
  export [--out file.jsonl]                 export all mentors as JSON Lines (written whole, then renamed)
  reindex                                   rebuild the vector index from the database
  seed [--count N] [--seed S]               seed demo mentors into an empty database, or finish a seed
                                            that was interrupted
  status                                    model, mentors and index state
  outcomes [--out file.csv]                 the outcome log (every served match and what followed, with
                                            pseudonyms) as CSV, as GET /api/evaluation/outcomes?format=csv
  eval <reviewer-expertise|demo> [--data dir] [--predictions file.json] [--out dir] [--configs list]
       [--cv folds]                         evaluate match quality against BM25, TF-IDF and embedding-only
                                            baselines; --configs is a comma list of active, research (the
                                            gold-standard preset, docs/evaluation.md) or version numbers, the
                                            first one reported; --cv also cross-validates the declared grid
                                            with experts grouped into that many folds; last line is a JSON
                                            summary
${assignUsage}
${userUsage}`;

async function withEngine<T>(fn: (engine: Engine) => Promise<T>, opts: { dropSnapshot?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  if (config.model === 'use-lite') await buildUseLite({ modelsDir: config.modelsDir });
  if (opts.dropSnapshot) await rm(path.join(config.dataDir, 'index'), { recursive: true, force: true });
  const log = Fastify({ logger: { level: 'warn' } }).log;
  const bar = progressBar('Index');
  const engine = await createEngine(config, {
    log,
    onIndexProgress: (p) => bar.update(p.done, p.total, p.stage),
    generators: { demo: (count, seed) => [...generateMentors({ count, seed })] },
  });
  try {
    await engine.search.whenReady();
    bar.stop();
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * A path as the user typed it: pnpm runs scripts in the repository root and says where it was called from in
 * INIT_CWD, so `pnpm -C repo mm import mentors.csv` reads the caller's file.
 */
function fromCaller(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function positiveInteger(name: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return n;
}

/**
 * Writes `lines` to standard output, or to `target`: beside it first, then renamed, so that an interrupted
 * export leaves no half file under the name.
 */
async function writeLines(target: string | null, lines: AsyncIterable<string>): Promise<void> {
  const partial = target === null ? null : `${target}.partial`;
  const out = partial === null ? process.stdout : createWriteStream(partial);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    for await (const line of lines) {
      if (!out.write(line)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
    }
    if (partial !== null) {
      await Promise.race([new Promise<void>((r) => out.end(() => r())), failed]);
      await rename(partial, target!);
    }
  } catch (err) {
    if (partial !== null) await rm(partial, { force: true });
    // A reader that stopped early (`| head`) is not a failure of the export.
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}

function formatOf(file: string, given?: string): ImportFormat {
  if (given === 'csv' || given === 'jsonl' || given === 'json') return given;
  if (given) throw new Error(`--format must be csv, jsonl or json, got ${given}`);
  const ext = path.extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : 'jsonl';
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // Its own options; it opens the database only.
  if (command === 'user') {
    await runUserCommand(rest, loadConfig(), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    return;
  }
  // Its own options too.
  if (command === 'assign') {
    await runAssignCommand(rest, withEngine, fromCaller);
    return;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      data: { type: 'string' },
      predictions: { type: 'string' },
      configs: { type: 'string' },
      cv: { type: 'string' },
    },
  });
  switch (command) {
    case 'import': {
      const file = positionals[0] === undefined ? undefined : fromCaller(positionals[0]);
      if (!file || !existsSync(file)) throw new Error(`import needs an existing file, got ${file ?? 'nothing'}`);
      const format = formatOf(file, values.format);
      const stop = new AbortController();
      process.once('SIGINT', () => {
        console.error(
          '\nstopping after the batch under way; import the file again to finish (imports are idempotent by id)',
        );
        stop.abort();
      });
      const result = await withEngine(async (engine) => {
        const bar = progressBar(`Importing ${path.basename(file)}`);
        const rows = await engine.imports.readRows(createReadStream(file), format);
        try {
          return await engine.imports.importRows(
            rows,
            (p) => bar.update(p.done, p.total, p.stage),
            stop.signal,
            cliActor(),
          );
        } finally {
          bar.stop();
          // The import is in the database either way; a snapshot that cannot be written is rebuilt at the next start.
          await engine.search
            .saveSnapshot()
            .catch((err: unknown) =>
              console.error(
                `warning: the index snapshot was not saved (${err instanceof Error ? err.message : String(err)})`,
              ),
            );
        }
      });
      // Ids and messages quote the file, whose control characters would otherwise drive the terminal.
      for (const e of result.errors)
        console.error(printable(`row ${e.row}${e.id ? ` (${e.id})` : ''}: ${e.code}: ${e.message}`));
      for (const w of result.warnings) console.error(printable(`warning: ${w}`));
      console.log(
        `rows ${result.rows}: created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}, failed ${result.failed}`,
      );
      if (result.failed > 0) process.exitCode = 2;
      return;
    }
    case 'export': {
      const target = values.out === undefined ? null : fromCaller(values.out);
      if (target !== null) {
        if (!/\.(jsonl|ndjson)$/i.test(target))
          throw new Error(`export writes JSON Lines: name the file .jsonl or .ndjson, got ${target}`);
        if (!statSync(path.dirname(target), { throwIfNoEntry: false })?.isDirectory())
          throw new Error(`export --out: the folder ${path.dirname(target)} does not exist`);
      }
      await withEngine((engine) => writeLines(target, engine.mentors.exportJsonLines()));
      return;
    }
    case 'outcomes': {
      const target = values.out === undefined ? null : fromCaller(values.out);
      if (target !== null) {
        if (!/\.csv$/i.test(target)) throw new Error(`outcomes writes CSV: name the file .csv, got ${target}`);
        if (!statSync(path.dirname(target), { throwIfNoEntry: false })?.isDirectory())
          throw new Error(`outcomes --out: the folder ${path.dirname(target)} does not exist`);
      }
      await withEngine((engine) => writeLines(target, outcomesCsv(engine.outcomeLog.all({}))));
      return;
    }
    case 'reindex': {
      const status = await withEngine(async (engine) => engine.status(), { dropSnapshot: true });
      console.log(`index rebuilt: ${status.index.kind}, ${status.index.size} mentors, model ${status.model.id}`);
      return;
    }
    case 'seed': {
      const count = positiveInteger('--count', values.count, 10_000_000);
      const seed = positiveInteger('--seed', values.seed, 2 ** 32 - 1);
      const n = await withEngine((engine) =>
        seedDemoMentors(engine, { ...(count ? { count } : {}), ...(seed ? { seed } : {}) }),
      );
      console.log(
        n > 0
          ? `seeded ${n} demo mentors`
          : "the database already has mentors that are not this seed's demo mentors, or all of them; nothing seeded",
      );
      return;
    }
    case 'status': {
      console.log(JSON.stringify(await withEngine((engine) => engine.status()), null, 2));
      return;
    }
    case 'eval': {
      const dataset = positionals[0];
      if (dataset !== 'reviewer-expertise' && dataset !== 'demo')
        throw new Error(`eval needs a dataset name: reviewer-expertise or demo, got ${dataset ?? 'nothing'}`);
      parseConfigRefs(values.configs);
      const cv = positiveInteger('--cv', values.cv, 1000);
      if (cv === 1) throw new Error('--cv needs at least 2 folds');
      const paths = { data: values.data, predictions: values.predictions, out: values.out };
      const resolved = Object.fromEntries(
        Object.entries(paths).map(([k, v]) => [k, v === undefined ? undefined : fromCaller(v)]),
      );
      await withEngine((engine) => runEvalCommand(engine, dataset, { ...values, ...resolved, cv }));
      return;
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return;
    default:
      console.error(command ? `unknown command ${printable(command)}\n${usage}` : usage);
      process.exitCode = command ? 1 : 0;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
