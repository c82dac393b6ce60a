import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { EmbeddingProvider } from './embedding-provider.js';
import { TransformersEmbeddingProvider, type ModelDtype, type Pooling } from './transformers-embedding-provider.js';

/**
 * Optional per-folder settings, read from `manifest.json` (written by the use-lite builder) or
 * `mentormatch.json` (hand-written or by scripts/model/download-model.ts for Hugging Face models).
 * Missing fields default to mean pooling over the fp32 model, right for sentence-transformers
 * models such as all-MiniLM-L6-v2; bge models need `{ "pooling": "cls" }`.
 */
export interface ModelFolderSettings {
  pooling?: Pooling;
  dtype?: ModelDtype;
  unigramTieBreak?: 'shorter-last-piece';
  /** sha256 per file, as the use-lite manifest records them. */
  files?: Record<string, string>;
}

const POOLINGS: readonly Pooling[] = ['mean', 'cls', 'first_token', 'last_token', 'eos', 'none'];
const MODEL_FILES: Record<ModelDtype, string> = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' };
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

export function readModelFolderSettings(dir: string): ModelFolderSettings {
  const settings: ModelFolderSettings = {};
  for (const file of ['manifest.json', 'mentormatch.json']) {
    const p = path.join(dir, file);
    if (!existsSync(p)) continue;
    let parsed: ModelFolderSettings;
    try {
      parsed = JSON.parse(readFileSync(p, 'utf8')) as ModelFolderSettings;
    } catch (e) {
      throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (parsed.pooling !== undefined && !POOLINGS.includes(parsed.pooling))
      throw new Error(`${file}: unknown pooling "${parsed.pooling}"`);
    if (parsed.unigramTieBreak !== undefined && parsed.unigramTieBreak !== 'shorter-last-piece')
      throw new Error(`${file}: unknown unigramTieBreak "${parsed.unigramTieBreak}"`);
    if (parsed.dtype !== undefined && !(parsed.dtype in MODEL_FILES))
      throw new Error(`${file}: unknown dtype "${parsed.dtype}"`);
    Object.assign(settings, parsed);
  }
  return settings;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Loads `config.modelsDir/config.model` through transformers.js. The provider id is the folder name
 * plus the first 8 hex digits of the ONNX file's sha256 ("use-lite-1a2b3c4d"), so a rebuilt model
 * that differs re-embeds stored vectors while rebuilding the same bytes (the builder is
 * deterministic) keeps them. Throws MODEL_UNAVAILABLE when the folder is missing or does not load.
 */
export async function createEmbeddingProvider(
  config: Pick<AppConfig, 'modelsDir' | 'model' | 'embeddingBatchSize'> &
    Partial<Pick<AppConfig, 'embeddingThreads' | 'embeddingQueryThreads' | 'embeddingWorkers'>>,
): Promise<EmbeddingProvider> {
  const dir = path.join(config.modelsDir, config.model);
  const fail = (detail: string, cause?: unknown): never => {
    throw new AppError('MODEL_UNAVAILABLE', { model: config.model, path: dir, detail }, cause);
  };
  const howToGet =
    config.model === 'use-lite'
      ? 'build it with `npx tsx scripts/model/build-use-lite.ts`'
      : 'download one with `npx tsx scripts/model/download-model.ts <huggingface-repo-id>` (see models/README.md)';
  if (!existsSync(dir)) fail(`the folder does not exist; ${howToGet}`);

  let settings: ModelFolderSettings = {};
  try {
    settings = readModelFolderSettings(dir);
  } catch (e) {
    fail((e as Error).message, e);
  }
  const dtype = settings.dtype ?? 'fp32';
  const modelFile = MODEL_FILES[dtype];
  const missing = [...REQUIRED_FILES, modelFile].filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length > 0) fail(`missing ${missing.join(', ')}; ${howToGet}`);

  const hash = settings.files?.[modelFile] ?? (await sha256File(path.join(dir, modelFile)));
  try {
    return await TransformersEmbeddingProvider.load({
      modelsDir: config.modelsDir,
      model: config.model,
      id: `${config.model}-${hash.slice(0, 8)}`,
      batchSize: config.embeddingBatchSize,
      ...(config.embeddingThreads ? { threads: config.embeddingThreads } : {}),
      ...(config.embeddingQueryThreads ? { queryThreads: config.embeddingQueryThreads } : {}),
      ...(config.embeddingWorkers ? { workers: config.embeddingWorkers } : {}),
      pooling: settings.pooling ?? 'mean',
      dtype,
      ...(settings.unigramTieBreak ? { unigramTieBreak: settings.unigramTieBreak } : {}),
    });
  } catch (e) {
    return fail(`transformers.js could not load it: ${(e as Error).message}`, e);
  }
}
