import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbeddingProvider,
  readModelFolderSettings,
} from '../../engine/src/embedding/create-embedding-provider.js';
import { TransformersEmbeddingProvider } from '../../engine/src/embedding/transformers-embedding-provider.js';
import { AppError } from '../../engine/src/errors.js';
import { buildUseLite, defaultModelsDir } from '../../scripts/model/build-use-lite.js';
import { runReference, type ReferenceEmbedResponse } from '../../scripts/model/reference-encoder.js';
import { parityTexts } from './parity-texts.js';

const texts = parityTexts();

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

async function worstCosine(
  provider: TransformersEmbeddingProvider,
  reference: ReferenceEmbedResponse,
  label: string,
): Promise<number> {
  const embeddings = await provider.embed(texts);
  expect(embeddings.every((e) => e.length === 512)).toBe(true);
  const cosines = embeddings.map((e, i) => cosine(e, reference.embeddings[i]!));
  const worst = Math.min(...cosines);
  const worstText = texts[cosines.indexOf(worst)]!;
  console.log(
    `use-lite ${label} parity over ${texts.length} texts: min cosine ${worst.toFixed(7)} (1 - min = ${(1 - worst).toExponential(2)}) for ${JSON.stringify(worstText.slice(0, 80))}`,
  );
  return worst;
}

describe('use-lite ONNX port against the reference runtime', () => {
  let reference: ReferenceEmbedResponse;
  let provider: TransformersEmbeddingProvider;
  let float: TransformersEmbeddingProvider;

  beforeAll(async () => {
    const { manifest } = await buildUseLite();
    // The reference loads tfjs, which clashes with onnxruntime in one process.
    reference = await runReference({ mode: 'embed', texts });
    const created = await createEmbeddingProvider({
      modelsDir: defaultModelsDir,
      model: 'use-lite',
      embeddingBatchSize: 16,
    });
    if (!(created instanceof TransformersEmbeddingProvider)) throw new Error('expected the transformers.js provider');
    provider = created;
    float = await TransformersEmbeddingProvider.load({
      modelsDir: defaultModelsDir,
      model: 'use-lite',
      id: 'use-lite-fp32',
      batchSize: 16,
      pooling: manifest.pooling,
      dtype: 'fp32',
      unigramTieBreak: manifest.unigramTieBreak,
    });
  });

  afterAll(async () => {
    await provider?.close();
    await float?.close();
  });

  it('covers the required variety', () => {
    expect(texts.length).toBeGreaterThanOrEqual(200);
    expect(texts).toContain('');
    expect(texts.some((t) => t.split(/\s+/).length >= 300)).toBe(true);
    expect(texts.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    expect(texts.some((t) => /[\u0400-\u04FF\u3040-\u30FF\u4E00-\u9FFF]/u.test(t))).toBe(true);
  });

  it('produces the reference token ids for every text', () => {
    const mismatches = texts.filter(
      (t, i) => JSON.stringify(provider.tokenize(t)) !== JSON.stringify(reference.ids[i]),
    );
    expect(mismatches).toEqual([]);
  });

  it('gives every text an embedding with cosine >= 0.999 to the reference with the default (int8) model', async () => {
    expect(provider.id).toBe(
      `use-lite-${readModelFolderSettings(path.join(defaultModelsDir, 'use-lite')).files!['onnx/model_quantized.onnx']!.slice(0, 8)}`,
    );
    expect(await worstCosine(provider, reference, 'default (q8)')).toBeGreaterThanOrEqual(0.999);
  });

  it('reproduces the reference to float rounding with the fp32 model', async () => {
    expect(await worstCosine(float, reference, 'fp32')).toBeGreaterThanOrEqual(0.99999);
  });

  it('returns the same embedding for a text alone and padded in a batch', async () => {
    const short = 'Short question about Kubernetes';
    const long = texts.find((t) => t.split(' ').length > 300)!;
    const [alone] = await provider.embed([short]);
    const batched = await provider.embed([long, short, '', 'x']);
    expect(cosine(alone!, batched[1]!)).toBeGreaterThan(0.999999);
    for (let i = 0; i < alone!.length; i++) expect(Math.abs(alone![i]! - batched[1]![i]!)).toBeLessThan(1e-5);
    const [emptyAlone] = await provider.embed(['']);
    expect(cosine(emptyAlone!, batched[2]!)).toBeGreaterThan(0.999999);
    // A batch with no tokens at all runs too, in both models (no quantised layer sees the empty text).
    const [emptyFloat] = await float.embed(['']);
    expect(cosine(emptyAlone!, emptyFloat!)).toBeGreaterThan(0.999999);
  });

  it('embeds the same with one onnxruntime thread (EMBEDDING_THREADS=1) as with the default', async () => {
    const single = await createEmbeddingProvider({
      modelsDir: defaultModelsDir,
      model: 'use-lite',
      embeddingBatchSize: 16,
      embeddingThreads: 1,
    });
    try {
      const sample = texts.slice(0, 24);
      const [a, b] = [await provider.embed(sample), await single.embed(sample)];
      expect(single.id).toBe(provider.id);
      a.forEach((v, i) => {
        expect(cosine(v, b[i]!)).toBeGreaterThan(0.99999);
      });
    } finally {
      await single.close?.();
    }
  });

  it('embeds a single text in the one-thread query session as the batch session does (EMBEDDING_QUERY_THREADS=1)', async () => {
    const split = await createEmbeddingProvider({
      modelsDir: defaultModelsDir,
      model: 'use-lite',
      embeddingBatchSize: 16,
      embeddingQueryThreads: 1,
    });
    try {
      const sample = texts.slice(0, 12);
      const batched = await provider.embed(sample);
      expect(split.id).toBe(provider.id);
      for (const [i, text] of sample.entries()) {
        const [alone] = await split.embed([text]);
        expect(cosine(alone!, batched[i]!)).toBeGreaterThan(0.99999);
      }
      // Several texts still go through the batch session and come back in input order.
      const again = await split.embed(sample);
      again.forEach((v, i) => {
        expect(cosine(v, batched[i]!)).toBeGreaterThan(0.99999);
      });
    } finally {
      await split.close?.();
    }
  });

  it('returns unit-length vectors and an id that names the model and its file hash', async () => {
    const [v] = await provider.embed(['unit length']);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
    expect(provider.id).toMatch(/^use-lite-[0-9a-f]{8}$/);
  });
});

describe('createEmbeddingProvider failures', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mm-models-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('throws MODEL_UNAVAILABLE when the model folder is missing', async () => {
    const error = await createEmbeddingProvider({ modelsDir: tmp, model: 'use-lite', embeddingBatchSize: 8 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('MODEL_UNAVAILABLE');
    expect((error as AppError).message).toContain(path.join(tmp, 'use-lite'));
    expect((error as AppError).message).toContain('build-use-lite');
  });
});
