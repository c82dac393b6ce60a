import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { EmbeddingProvider } from './embedding-provider.js';
import { EmbeddingThread } from './embedding-thread.js';
import { clip, extract, loadExtractor, type ExtractorOptions } from './transformers-extractor.js';

export type { ModelDtype, Pooling } from './transformers-extractor.js';

export interface TransformersEmbeddingOptions extends ExtractorOptions {
  /** Recorded next to stored vectors; see create-embedding-provider.ts for how it is derived. */
  id: string;
  batchSize: number;
  /** onnxruntime intra-op threads of the session on the calling thread; 0 keeps its default (every core). */
  threads?: number;
  /**
   * Worker threads, one single-threaded session each, that embed the runs of a batch side by side; 0
   * embeds batches on the calling thread. Off the calling thread, a batch no longer stalls its event loop;
   * and one session gains little from a second intra-op thread on short texts, where two sessions on the
   * 2-core machine embedded mentor texts 1.1-1.2x as fast as one with two threads.
   */
  workers?: number;
  /** How long batch threads stay up after their last batch (each holds about 225 MiB); default 60 s. */
  workerIdleMs?: number;
  /**
   * Intra-op threads of a second session, on a worker thread, that embeds single texts (a mentee's
   * question); 0 uses the batch session on the calling thread. A one-token-row question gains nothing
   * from a second core and loses when that core is busy: two threads then wait on each other.
   */
  queryThreads?: number;
}

/**
 * Sentence encoder over a local transformers.js feature-extraction model folder. Never fetches:
 * remote models are disabled and only `modelsDir` is searched.
 */
export class TransformersEmbeddingProvider implements EmbeddingProvider {
  private constructor(
    readonly id: string,
    readonly dimensions: number,
    private readonly extractor: FeatureExtractionPipeline,
    /** Runs single texts; null embeds them with the batch extractor. */
    private readonly queryThread: EmbeddingThread | null,
    private readonly options: TransformersEmbeddingOptions,
  ) {}

  /** Loads the session(s) and runs one probe text to learn the output width (and warm them). */
  static async load(options: TransformersEmbeddingOptions): Promise<TransformersEmbeddingProvider> {
    const extractor = await loadExtractor(options, options.threads);
    const [probe] = await extract(extractor, ['probe'], options.pooling);
    const queryThread = options.queryThreads
      ? await EmbeddingThread.start(extractorOptions(options), options.queryThreads)
      : null;
    return new TransformersEmbeddingProvider(options.id, probe!.length, extractor, queryThread, options);
  }

  /**
   * The batch threads start with the first batch, not with the provider, and stop once idle: a server
   * that only answers questions, and every test that loads the model, would otherwise hold a session per
   * core (about 225 MiB each) for nothing. One that fails to start leaves the others (or the calling
   * thread) to do its share.
   */
  private batchThreads: Promise<EmbeddingThread[]> | null = null;
  private closed = false;
  /** Runs on this thread's own session, awaited by close. */
  private readonly callerRuns = new Set<Promise<Float32Array[]>>();
  private activeBatches = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  private startBatchThreads(): Promise<EmbeddingThread[]> {
    this.batchThreads ??= Promise.allSettled(
      Array.from({ length: this.options.workers ?? 0 }, () => EmbeddingThread.start(extractorOptions(this.options), 1)),
    ).then((started) => started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
    return this.batchThreads;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 1 && this.queryThread?.alive) {
      // A thread that died (it never should) costs its caller nothing but the wait: the batch session answers.
      return this.queryThread.embed([texts[0]!]).catch(() => this.embedBatches(texts));
    }
    return this.embedBatches(texts);
  }

  private async embedBatches(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.closed) throw new Error('the embedding model was closed');
    // Runs are padded to their longest text, so mixing short passages with long texts wastes most of
    // the compute; batching in length order avoids that (padding never changes a text's embedding, so
    // the order is free to choose).
    if (texts.length === 0) return [];
    const clipped = texts.map(clip);
    const order = clipped.map((_, i) => i).sort((a, b) => clipped[a]!.length - clipped[b]!.length);
    const runs: number[][] = [];
    for (let start = 0; start < order.length; ) {
      // Runs of more than a few thousand characters gain nothing from their size and lose to cache misses.
      let end = start + 1;
      let chars = clipped[order[start]!]!.length;
      while (
        end < order.length &&
        end - start < this.options.batchSize &&
        chars + clipped[order[end]!]!.length <= MAX_CHARS_PER_RUN
      ) {
        chars += clipped[order[end]!]!.length;
        end++;
      }
      runs.push(order.slice(start, end));
      start = end;
    }
    const out = new Array<Float32Array>(texts.length);
    const embedRun = async (run: number[], thread: EmbeddingThread | null): Promise<void> => {
      const slotTexts = run.map((i) => clipped[i]!);
      const onCaller = () => {
        if (this.closed) throw new Error('the embedding model was closed');
        const running = extract(this.extractor, slotTexts, this.options.pooling);
        this.callerRuns.add(running);
        void running.finally(() => this.callerRuns.delete(running)).catch(() => undefined);
        return running;
      };
      // A thread that died (it never should) costs the batch only speed: the calling thread's session answers.
      const vectors = thread ? await thread.embed(slotTexts).catch(onCaller) : await onCaller();
      run.forEach((slot, i) => {
        out[slot] = vectors[i]!;
      });
    };
    try {
      const threads = await this.acquireBatchThreads();
      // Each thread takes the next run as soon as its last one is done, so runs of unequal cost even out.
      let next = 0;
      await Promise.all(
        (threads.length > 0 ? threads : [null]).map(async (thread) => {
          while (next < runs.length) await embedRun(runs[next++]!, thread);
        }),
      );
      return out;
    } finally {
      this.releaseBatchThreadsWhenIdle();
    }
  }

  /** The live batch threads, started if needed; none without workers (the calling thread embeds). */
  private async acquireBatchThreads(): Promise<EmbeddingThread[]> {
    if (!this.options.workers) return [];
    this.activeBatches++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return (await this.startBatchThreads()).filter((t) => t.alive);
  }

  private releaseBatchThreadsWhenIdle(): void {
    if (!this.options.workers || --this.activeBatches > 0) return;
    this.idleTimer = setTimeout(() => this.releaseBatchThreads(), this.options.workerIdleMs ?? 60_000).unref();
  }

  private releaseBatchThreads(): void {
    this.idleTimer = null;
    const threads = this.batchThreads;
    if (this.activeBatches > 0 || !threads) return;
    // The next batch starts new threads; these finish nothing, they have no work left.
    this.batchThreads = null;
    void threads.then((started) => Promise.all(started.map((t) => t.close())));
  }

  /** The model's token ids for one text, without special tokens (for parity checks and diagnostics). */
  tokenize(text: string): number[] {
    return this.extractor.tokenizer.encode(text, { add_special_tokens: false });
  }

  /** Refuses new texts, lets the runs under way finish (disposing a session inside a run aborts the process), then frees the sessions. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await Promise.all([this.queryThread?.close(), ...((await this.batchThreads) ?? []).map((t) => t.close())]);
    await Promise.allSettled([...this.callerRuns]);
    await this.extractor.dispose();
  }
}

/** About 8 texts of 60 words; measured on USE Lite, 2 cores: runs of 2-8 such texts embed 10-20% faster per text than runs of 32. */
const MAX_CHARS_PER_RUN = 4096;

function extractorOptions(o: TransformersEmbeddingOptions): ExtractorOptions {
  return {
    modelsDir: o.modelsDir,
    model: o.model,
    pooling: o.pooling,
    dtype: o.dtype,
    ...(o.unigramTieBreak ? { unigramTieBreak: o.unigramTieBreak } : {}),
  };
}
