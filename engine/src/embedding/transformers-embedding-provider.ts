import { env, pipeline, type FeatureExtractionPipeline, type Tensor } from '@huggingface/transformers';
import type { EmbeddingProvider } from './embedding-provider.js';
import { isUnigramModel, useReferenceTieBreaking } from './reference-unigram-ties.js';

export type Pooling = 'mean' | 'cls' | 'first_token' | 'last_token' | 'eos' | 'none';
/** transformers.js file suffixes: fp32 loads onnx/model.onnx, q8 onnx/model_quantized.onnx. */
export type ModelDtype = 'fp32' | 'q8';

export interface TransformersEmbeddingOptions {
  modelsDir: string;
  /** Folder name under modelsDir. */
  model: string;
  /** Recorded next to stored vectors; see create-embedding-provider.ts for how it is derived. */
  id: string;
  batchSize: number;
  /** onnxruntime intra-op threads; 0 keeps its default (every core). */
  threads?: number;
  /**
   * Intra-op threads of a second session that embeds single texts (a mentee's question); 0 or equal to
   * `threads` uses the one session for everything. A one-token-row question gains nothing from a second
   * core and loses when that core is busy: two threads then wait on each other.
   */
  queryThreads?: number;
  pooling: Pooling;
  dtype: ModelDtype;
  /** Break Unigram score ties like the USE Lite reference tokenizer (see reference-unigram-ties.ts). */
  unigramTieBreak?: 'shorter-last-piece';
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
    /** Runs single texts; the batch extractor when no separate query session is configured. */
    private readonly queryExtractor: FeatureExtractionPipeline,
    private readonly options: TransformersEmbeddingOptions,
  ) {}

  /** Loads the pipeline(s) and runs one probe text to learn the output width (and warm the sessions). */
  static async load(options: TransformersEmbeddingOptions): Promise<TransformersEmbeddingProvider> {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = options.modelsDir.endsWith('/') ? options.modelsDir : `${options.modelsDir}/`;
    const extractor = await loadExtractor(options, options.threads);
    const separateQuerySession = Boolean(options.queryThreads) && options.queryThreads !== options.threads;
    const queryExtractor = separateQuerySession ? await loadExtractor(options, options.queryThreads) : extractor;
    const probe = await extractor(['probe'], { pooling: options.pooling });
    if (probe.dims.length !== 2) {
      throw new Error(`pooling '${options.pooling}' gives output dims [${probe.dims}], expected [batch, dimensions]`);
    }
    if (separateQuerySession) await queryExtractor(['probe'], { pooling: options.pooling });
    return new TransformersEmbeddingProvider(options.id, probe.dims[1]!, extractor, queryExtractor, options);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    // Batches are padded to their longest text, so mixing a mentor's short passages with its whole
    // text wastes most of the compute; batching in length order avoids that (padding never changes a
    // text's embedding, so the order is free to choose).
    const clipped = texts.map(clip);
    const order = clipped.map((_, i) => i).sort((a, b) => clipped[a]!.length - clipped[b]!.length);
    const out = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; ) {
      // Runs of more than a few thousand characters gain nothing from their size and lose to cache misses.
      let end = start + 1;
      let chars = clipped[order[start]!]!.length;
      while (end < order.length && end - start < this.options.batchSize && chars + clipped[order[end]!]!.length <= MAX_CHARS_PER_RUN) {
        chars += clipped[order[end]!]!.length;
        end++;
      }
      const slots = order.slice(start, end);
      start = end;
      const batch = slots.map((i) => clipped[i]!);
      const extractor = texts.length === 1 ? this.queryExtractor : this.extractor;
      const result: Tensor = await extractor(batch, { pooling: this.options.pooling });
      const data = result.data as Float32Array;
      slots.forEach((slot, i) => {
        out[slot] = l2Normalised(data.subarray(i * this.dimensions, (i + 1) * this.dimensions));
      });
    }
    return out;
  }

  /** The model's token ids for one text, without special tokens (for parity checks and diagnostics). */
  tokenize(text: string): number[] {
    return this.extractor.tokenizer.encode(text, { add_special_tokens: false });
  }

  async close(): Promise<void> {
    if (this.queryExtractor !== this.extractor) await this.queryExtractor.dispose();
    await this.extractor.dispose();
  }
}

async function loadExtractor(options: TransformersEmbeddingOptions, threads: number | undefined): Promise<FeatureExtractionPipeline> {
  const extractor = (await pipeline('feature-extraction', options.model, {
    local_files_only: true,
    dtype: options.dtype,
    session_options: { graphOptimizationLevel: 'all', ...(threads ? { intraOpNumThreads: threads } : {}) },
  })) as FeatureExtractionPipeline;
  if (options.unigramTieBreak === 'shorter-last-piece') {
    // The @huggingface/tokenizers instance behind the transformers.js wrapper; not in its types.
    const model: unknown = (extractor.tokenizer as unknown as { _tokenizer?: { model?: unknown } })._tokenizer?.model;
    if (!isUnigramModel(model)) throw new Error('unigramTieBreak is set but the tokenizer is not a Unigram model');
    useReferenceTieBreaking(model);
  }
  return extractor;
}

// The encoders read a few hundred tokens at most, while the tokenizer's recursion overflows the stack on
// texts of hundreds of kilobytes (a researcher's whole publication list); this many characters always
// cover more tokens than any supported model reads.
const MAX_CHARS = 8192;
/** About 8 texts of 60 words; measured on USE Lite, 2 cores: runs of 2-8 such texts embed 10-20% faster per text than runs of 32. */
const MAX_CHARS_PER_RUN = 4096;

function clip(text: string): string {
  return text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
}

function l2Normalised(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale;
  return out;
}
