import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddingProvider, readModelFolderSettings } from '../../src/embedding/create-embedding-provider.js';
import { AppError } from '../../src/errors.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mm-embedding-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

async function loadError(model: string): Promise<AppError> {
  const error = await createEmbeddingProvider({ modelsDir: tmp, model, embeddingBatchSize: 8 }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('MODEL_UNAVAILABLE');
  return error as AppError;
}

describe('readModelFolderSettings', () => {
  it('defaults to nothing when the folder has no settings file', () => {
    expect(readModelFolderSettings(folder('plain', { 'config.json': '{}' }))).toEqual({});
  });

  it('reads pooling from manifest.json and lets mentormatch.json override it', () => {
    const dir = folder('both', {
      'manifest.json': JSON.stringify({ pooling: 'cls', files: { 'onnx/model.onnx': 'ab'.repeat(32) } }),
      'mentormatch.json': JSON.stringify({ pooling: 'mean', dtype: 'q8' }),
    });
    expect(readModelFolderSettings(dir)).toMatchObject({
      pooling: 'mean',
      dtype: 'q8',
      files: { 'onnx/model.onnx': 'ab'.repeat(32) },
    });
  });

  it('rejects an unknown pooling', () => {
    const dir = folder('bad-pooling', { 'mentormatch.json': JSON.stringify({ pooling: 'max' }) });
    expect(() => readModelFolderSettings(dir)).toThrow(/unknown pooling "max"/);
  });
});

describe('createEmbeddingProvider', () => {
  it('explains how to build use-lite when its folder is missing', async () => {
    const error = await loadError('use-lite');
    expect(error.message).toContain(path.join(tmp, 'use-lite'));
    expect(error.message).toContain('scripts/model/build-use-lite.ts');
  });

  it('points other models at the download script', async () => {
    expect((await loadError('all-MiniLM-L6-v2')).message).toContain('scripts/model/download-model.ts');
  });

  it('names the missing files of an incomplete folder', async () => {
    folder('incomplete', { 'config.json': '{"model_type":"bert"}', 'tokenizer.json': '{}' });
    const error = await loadError('incomplete');
    expect(error.message).toContain('tokenizer_config.json');
    expect(error.message).toContain('onnx/model.onnx');
  });

  it('reports a folder whose settings file is not JSON', async () => {
    folder('bad-json', { 'mentormatch.json': '{ pooling: cls' });
    expect((await loadError('bad-json')).message).toContain('mentormatch.json is not valid JSON');
  });

  it('reports a model file that onnxruntime cannot read', async () => {
    folder('corrupt', {
      'config.json': '{"model_type":"bert"}',
      'tokenizer.json': '{}',
      'tokenizer_config.json': '{}',
      'onnx/model.onnx': 'not a protobuf',
    });
    expect((await loadError('corrupt')).message).toContain('transformers.js could not load it');
  });
});
