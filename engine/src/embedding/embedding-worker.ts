import { parentPort, workerData } from 'node:worker_threads';
import { clip, extract, loadExtractor, type ExtractorOptions } from './transformers-extractor.js';

/** Worker-thread entry of EmbeddingThread: one onnxruntime session that embeds the texts of each message as one run. */
export interface EmbeddingWorkerData {
  options: ExtractorOptions;
  threads: number;
}
export type EmbeddingWorkerRequest = { id: number; texts: string[] };
export type EmbeddingWorkerReply =
  | { id: number; vectors: Float32Array[] }
  | { id: number; error: string }
  | { ready: true }
  | { failed: string };

const port = parentPort!;
const { options, threads } = workerData as EmbeddingWorkerData;
try {
  const extractor = await loadExtractor(options, threads);
  await extract(extractor, ['probe'], options.pooling);
  port.on('message', ({ id, texts }: EmbeddingWorkerRequest) => {
    extract(extractor, texts.map(clip), options.pooling).then(
      (vectors) =>
        port.postMessage(
          { id, vectors } satisfies EmbeddingWorkerReply,
          vectors.map((v) => v.buffer as ArrayBuffer),
        ),
      (e: unknown) => port.postMessage({ id, error: (e as Error).message } satisfies EmbeddingWorkerReply),
    );
  });
  port.postMessage({ ready: true } satisfies EmbeddingWorkerReply);
} catch (e) {
  port.postMessage({ failed: (e as Error).message } satisfies EmbeddingWorkerReply);
}
