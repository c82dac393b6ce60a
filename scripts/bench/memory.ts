import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

/** Memory after full collections, so that deltas count live data rather than garbage. */
export function settledMemory(): MemorySample {
  gc();
  gc();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}
