import { env, pipeline, type FeatureExtractionPipeline, type Tensor } from '@huggingface/transformers';
import { isUnigramModel, useReferenceTieBreaking } from './reference-unigram-ties.js';

export type Pooling = 'mean' | 'cls' | 'first_token' | 'last_token' | 'eos' | 'none';
/** transformers.js file suffixes: fp32 loads onnx/model.onnx, q8 onnx/model_quantized.onnx. */
export type ModelDtype = 'fp32' | 'q8';

/** What loading one onnxruntime session of a model folder needs; plain data, so it can cross to a worker thread. */
export interface ExtractorOptions {
  modelsDir: string;
  /** Folder name under modelsDir. */
  model: string;
  pooling: Pooling;
  dtype: ModelDtype;
  /** Break Unigram score ties like the USE Lite reference tokenizer (see reference-unigram-ties.ts). */
  unigramTieBreak?: 'shorter-last-piece';
}

/** Loads a feature-extraction pipeline from the local folder only; `threads` 0 or absent keeps onnxruntime's default. */
export async function loadExtractor(
  options: ExtractorOptions,
  threads: number | undefined,
): Promise<FeatureExtractionPipeline> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = options.modelsDir.endsWith('/') ? options.modelsDir : `${options.modelsDir}/`;
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

/** One unit vector per text, in order; the texts must already be clipped. */
export async function extract(
  extractor: FeatureExtractionPipeline,
  texts: readonly string[],
  pooling: Pooling,
): Promise<Float32Array[]> {
  const result: Tensor = await extractor(texts as string[], { pooling });
  if (result.dims.length !== 2)
    throw new Error(`pooling '${pooling}' gives output dims [${result.dims}], expected [batch, dimensions]`);
  const data = result.data as Float32Array;
  const width = result.dims[1]!;
  return texts.map((_, i) => l2Normalised(data.subarray(i * width, (i + 1) * width)));
}

// The encoders read a few hundred tokens at most, while the tokenizer's recursion overflows the stack on
// texts of hundreds of kilobytes (a researcher's whole publication list); this many characters always
// cover more tokens than any supported model reads.
const MAX_CHARS = 8192;

export function clip(text: string): string {
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
