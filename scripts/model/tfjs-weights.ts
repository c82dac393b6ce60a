import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Weight {
  shape: number[];
  data: Float32Array | Int32Array;
}

interface WeightsManifestEntry {
  paths: string[];
  weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }>;
}

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

export interface TfjsGraphModel {
  nodes: GraphNode[];
  weights: Map<string, Weight>;
}

/** Reads a TF.js graph model (model.json + binary shards) into named float32/int32 arrays. */
export function readTfjsGraphModel(dir: string): TfjsGraphModel {
  const modelJson = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: { node: GraphNode[] };
    weightsManifest: WeightsManifestEntry[];
  };
  const weights = new Map<string, Weight>();
  for (const group of modelJson.weightsManifest) {
    const buffer = Buffer.concat(group.paths.map((p) => readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.quantization) throw new Error(`weight ${w.name} is quantized; only float32/int32 weights are supported`);
      if (w.dtype !== 'float32' && w.dtype !== 'int32')
        throw new Error(`weight ${w.name} has unsupported dtype ${w.dtype}`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      // Copy out of the shared buffer: shard offsets are not guaranteed to be 4-byte aligned.
      const bytes = buffer.subarray(offset, offset + count * 4);
      const aligned = new Uint8Array(bytes).buffer;
      weights.set(w.name, {
        shape: w.shape,
        data: w.dtype === 'float32' ? new Float32Array(aligned) : new Int32Array(aligned),
      });
      offset += count * 4;
    }
    if (offset !== buffer.length) throw new Error(`weights manifest covers ${offset} of ${buffer.length} shard bytes`);
  }
  return { nodes: modelJson.modelTopology.node, weights };
}
