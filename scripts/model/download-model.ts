/**
 * Downloads a Hugging Face feature-extraction model with ONNX weights (transformers.js layout, e.g.
 * the Xenova/* conversions) into models/<name>/ on a machine with internet access.
 *
 *   npx tsx scripts/model/download-model.ts <repo-id> [--name <folder>] [--pooling mean|cls] [--dtype fp32|q8] [--revision main]
 *   npx tsx scripts/model/download-model.ts Xenova/all-MiniLM-L6-v2
 *   npx tsx scripts/model/download-model.ts Xenova/bge-small-en-v1.5 --pooling cls
 *
 * Then start the engine with EMBEDDING_MODEL=<folder>. HF_ENDPOINT points at a mirror and HF_TOKEN
 * authenticates, as in the Hugging Face tools.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { loadConfig } from '../../engine/src/config.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const repo = process.argv[2];
if (!repo || repo.startsWith('--') || !/^[\w.-]+\/[\w.-]+$/.test(repo)) {
  console.error(
    'usage: npx tsx scripts/model/download-model.ts <owner/repo> [--name <folder>] [--pooling mean|cls] [--dtype fp32|q8] [--revision main]',
  );
  process.exit(2);
}
const name = option('name') ?? repo.split('/')[1]!;
// bge models are trained with the [CLS] vector; sentence-transformers models with mean pooling.
const pooling = option('pooling') ?? (/bge/i.test(repo) ? 'cls' : 'mean');
const dtype = option('dtype') ?? 'fp32';
const revision = option('revision') ?? 'main';
if (!['mean', 'cls'].includes(pooling) || !['fp32', 'q8'].includes(dtype) || !/^[\w.-]+$/.test(name)) {
  console.error('--pooling must be mean or cls, --dtype fp32 or q8, --name a plain folder name');
  process.exit(2);
}

const endpoint = process.env.HF_ENDPOINT ?? 'https://huggingface.co';
const headers: Record<string, string> = process.env.HF_TOKEN ? { authorization: `Bearer ${process.env.HF_TOKEN}` } : {};
const modelFile = dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', modelFile];
const optionalFiles = ['special_tokens_map.json'];

const target = path.join(loadConfig().modelsDir, name);
const staging = `${target}.download-${process.pid}`;
rmSync(staging, { recursive: true, force: true });

async function download(file: string, required: boolean): Promise<void> {
  const url = `${endpoint}/${repo}/resolve/${revision}/${file}`;
  const response = await fetch(url, { headers, redirect: 'follow' });
  if (!response.ok || !response.body) {
    if (!required && response.status === 404) return;
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  const out = path.join(staging, file);
  mkdirSync(path.dirname(out), { recursive: true });
  await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), createWriteStream(out));
  console.log(`  ${file}`);
}

try {
  console.log(`Downloading ${repo}@${revision} into ${target}`);
  for (const file of files) await download(file, true);
  for (const file of optionalFiles) await download(file, false);
  writeFileSync(
    path.join(staging, 'mentormatch.json'),
    `${JSON.stringify({ source: `${endpoint}/${repo}`, revision, pooling, dtype }, null, 2)}\n`,
  );
  if (existsSync(target)) rmSync(target, { recursive: true });
  renameSync(staging, target);
  console.log(`Done. Use it with EMBEDDING_MODEL=${name} (pooling '${pooling}', ${dtype}).`);
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  console.error((error as Error).message);
  process.exit(1);
}
