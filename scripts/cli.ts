/**
 * `pnpm mm <command>`: operations on the configured database (DATA_DIR or DATABASE_URL), in process.
 * Stop a running engine first when it uses the embedded database: PGlite allows one process at a time.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { loadConfig } from '../engine/src/config.js';
import { AppError } from '../engine/src/errors.js';
import { createEngine, type Engine } from '../engine/src/services/engine.js';
import type { ImportFormat } from '../engine/src/services/import-service.js';
import { buildUseLite } from './build-model/build-use-lite.js';
import { printable, progressBar } from './lib/progress.js';
import { seedDemoMentors } from './lib/seed.js';
import { runEvalCommand } from './lib/eval-command.js';
import { generateMentors } from './demo-data/generate-mentors.js';

const usage = `usage: pnpm mm <command> [options]
  import <file> [--format csv|jsonl|json]   import mentors (idempotent by id), with a progress bar
  export [--out file.jsonl]                 export all mentors as JSON Lines
  reindex                                   rebuild the vector index from the database
  seed [--count N] [--seed S]               seed demo mentors into an empty database
  status                                    model, mentors and index state
  eval <reviewer-expertise|demo> [--data dir] [--predictions file.json] [--out dir] [--configs list]
                                            evaluate match quality against BM25, TF-IDF and embedding-only
                                            baselines; --configs is a comma list of active, research (the
                                            gold-standard preset, docs/evaluation.md) or version numbers, the
                                            first one reported; last line is a JSON summary`;

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

function formatOf(file: string, given?: string): ImportFormat {
  if (given === 'csv' || given === 'jsonl' || given === 'json') return given;
  if (given) throw new Error(`--format must be csv, jsonl or json, got ${given}`);
  const ext = path.extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : 'jsonl';
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
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
    },
  });
  switch (command) {
    case 'import': {
      const file = positionals[0];
      if (!file || !existsSync(file)) throw new Error(`import needs an existing file, got ${file ?? 'nothing'}`);
      const format = formatOf(file, values.format);
      const result = await withEngine(async (engine) => {
        const bar = progressBar(`Importing ${path.basename(file)}`);
        const rows = await engine.imports.readRows(createReadStream(file), format);
        const r = await engine.imports.importRows(rows, (p) => bar.update(p.done, p.total, p.stage));
        bar.stop();
        await engine.search.saveSnapshot();
        return r;
      });
      // Ids and messages quote the file, whose control characters would otherwise drive the terminal.
      for (const e of result.errors) console.error(printable(`row ${e.row}${e.id ? ` (${e.id})` : ''}: ${e.code}: ${e.message}`));
      for (const w of result.warnings) console.error(printable(`warning: ${w}`));
      console.log(`rows ${result.rows}: created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}, failed ${result.failed}`);
      if (result.failed > 0) process.exitCode = 2;
      return;
    }
    case 'export': {
      await withEngine(async (engine) => {
        const out = values.out ? createWriteStream(values.out) : process.stdout;
        for await (const line of engine.mentors.exportJsonLines()) if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
        if (values.out) await new Promise<void>((r) => out.end(() => r()));
      });
      return;
    }
    case 'reindex': {
      const status = await withEngine(async (engine) => engine.status(), { dropSnapshot: true });
      console.log(`index rebuilt: ${status.index.kind}, ${status.index.size} mentors, model ${status.model.id}`);
      return;
    }
    case 'seed': {
      const n = await withEngine((engine) =>
        seedDemoMentors(engine, { ...(values.count ? { count: Number(values.count) } : {}), ...(values.seed ? { seed: Number(values.seed) } : {}) }),
      );
      console.log(n > 0 ? `seeded ${n} demo mentors` : 'the database already has mentors; nothing seeded');
      return;
    }
    case 'status': {
      console.log(JSON.stringify(await withEngine((engine) => engine.status()), null, 2));
      return;
    }
    case 'eval': {
      await withEngine((engine) => runEvalCommand(engine, positionals[0], values));
      return;
    }
    default:
      console.error(usage);
      process.exitCode = command ? 1 : 0;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
