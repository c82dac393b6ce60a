import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EmbeddingWorkerData, EmbeddingWorkerReply, EmbeddingWorkerRequest } from './embedding-worker.js';
import type { ExtractorOptions } from './transformers-extractor.js';

/**
 * An onnxruntime session on a thread of its own. onnxruntime-node runs a session synchronously on the
 * calling thread, so on the event loop the 3-5 ms of a question block everything else; on a worker they
 * overlap the lexical retrieval of the same request and the ranking of others. Several of them, one
 * intra-op thread each, embed the runs of a batch side by side (see TransformersEmbeddingProvider).
 */
export class EmbeddingThread {
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private gone: Error | null = null;
  /** Called when the last pending run has answered (see close). */
  private drained: (() => void) | null = null;
  private closing: Promise<void> | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: EmbeddingWorkerReply) => {
      if (!('id' in reply)) return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) {
        worker.unref();
        this.drained?.();
      }
      if ('vectors' in reply) waiter?.resolve(reply.vectors);
      else waiter?.reject(new Error(reply.error));
    });
    const fail = (e: Error) => {
      this.gone ??= e;
      for (const waiter of this.pending.values()) waiter.reject(e);
      this.pending.clear();
      this.drained?.();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedding thread exited with code ${code}`)));
    // Idle, it must not keep a finished process (a CLI run, a test) alive; with texts pending it must, or a
    // script awaiting only that answer would exit under it.
    worker.unref();
  }

  static async start(options: ExtractorOptions, threads: number): Promise<EmbeddingThread> {
    const worker = spawn(new URL('./embedding-worker.ts', import.meta.url), {
      options,
      threads,
    } satisfies EmbeddingWorkerData);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the embedding thread exited with code ${code} while loading`));
      const onMessage = (reply: EmbeddingWorkerReply) => {
        if ('ready' in reply) resolve();
        else if ('failed' in reply) reject(new Error(reply.failed));
        else return;
        worker.off('message', onMessage).off('error', reject).off('exit', onExit);
      };
      worker.on('message', onMessage).once('error', reject).once('exit', onExit);
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    return new EmbeddingThread(worker);
  }

  /** Whether the thread is still there; once gone (crashed), callers embed on their own session. */
  get alive(): boolean {
    return this.gone === null;
  }

  /** One unit vector per text, in order, from one run of the session (padded to the longest text). */
  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, texts } satisfies EmbeddingWorkerRequest);
    });
  }

  /**
   * Refuses new texts, lets the runs already sent finish, then ends the thread: terminating a worker inside an
   * onnxruntime run aborts the whole process (a native exception escapes it). A run takes milliseconds.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.gone ??= new Error('the embedding thread was closed');
      if (this.pending.size > 0) {
        // A run that never answers must not hold a shutdown for ever.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (this.drained = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MS))),
        ]);
        clearTimeout(timer);
      }
      await this.worker.terminate();
    })();
    return this.closing;
  }
}

/** How long close waits for the runs under way: a run takes milliseconds, a batch of them a second or two. */
const DRAIN_MS = 30_000;

/**
 * Starts a worker on a TypeScript entry. The engine runs under tsx, whose loader hooks a worker does not
 * inherit when started from a test runner or with its own execArgv, so the worker registers tsx itself.
 */
function spawn(entry: URL, workerData: unknown): Worker {
  const tsxApi = pathToFileURL(
    path.join(path.dirname(createRequire(import.meta.url).resolve('tsx')), 'esm/api/index.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
