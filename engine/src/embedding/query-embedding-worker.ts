import { parentPort, workerData } from 'node:worker_threads';
import { clip, extract, loadExtractor, type ExtractorOptions } from './transformers-extractor.js';

/** Worker-thread entry of QueryEmbeddingThread: one onnxruntime session that embeds one text per message. */
export interface QueryWorkerData {
  options: ExtractorOptions;
  threads: number;
}
export type QueryWorkerRequest = { id: number; text: string };
export type QueryWorkerReply = { id: number; vector: Float32Array } | { id: number; error: string } | { ready: true } | { failed: string };

const port = parentPort!;
const { options, threads } = workerData as QueryWorkerData;
try {
  const extractor = await loadExtractor(options, threads);
  await extract(extractor, ['probe'], options.pooling);
  port.on('message', ({ id, text }: QueryWorkerRequest) => {
    extract(extractor, [clip(text)], options.pooling).then(
      ([vector]) => port.postMessage({ id, vector: vector! } satisfies QueryWorkerReply, [vector!.buffer as ArrayBuffer]),
      (e: unknown) => port.postMessage({ id, error: (e as Error).message } satisfies QueryWorkerReply),
    );
  });
  port.postMessage({ ready: true } satisfies QueryWorkerReply);
} catch (e) {
  port.postMessage({ failed: (e as Error).message } satisfies QueryWorkerReply);
}
