import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../engine/src/config.js';
import { openDatabase, type DatabaseHandle } from '../../engine/src/db/database.js';
import type { VectorHit } from '../../engine/src/vector-index/vector-index.js';
import { recallOf, round, summarise, summariseRecall, type LatencySummary, type RecallSummary } from './stats.js';

export interface PgvectorPoint extends LatencySummary {
  efSearch: number;
  recall: RecallSummary;
}

export interface PgvectorBenchResult {
  available: boolean;
  /** Vectors loaded: all N, or the first `rows` when capped to keep the run bounded. */
  rows: number;
  sampled: boolean;
  queries: number;
  m: number;
  efConstruction: number;
  insertMs: number;
  indexBuildMs: number;
  sweep: PgvectorPoint[];
}

export const PGVECTOR_EF = [40, 100, 200, 400] as const;

/** Raw SQL through the engine's Kysely handle; scripts have no kysely import of their own. */
async function query<R>(handle: DatabaseHandle, text: string, parameters: unknown[] = []): Promise<R[]> {
  const compiled = {
    sql: text,
    parameters,
    query: { kind: 'RawNode', sqlFragments: [text], parameters: [] },
    queryId: { queryId: 'bench' },
  };
  const result = await handle.db.executeQuery(compiled as unknown as Parameters<typeof handle.db.executeQuery>[0]);
  return result.rows as R[];
}

// Nine significant digits round-trip a float32 exactly and keep the SQL text half as long.
const literal = (v: Float32Array) => `[${Array.from(v, (x) => x.toPrecision(9)).join(',')}]`;

/**
 * pgvector HNSW (cosine) in PGlite on the first `rows` vectors, labels 1..rows as the hnswlib part.
 * Ground truth is the exact top-k over those rows, computed here when the set is a sample.
 */
export async function runPgvectorBench(
  vectors: readonly Float32Array[],
  queries: readonly Float32Array[],
  truth: readonly VectorHit[][] | null,
  opts: { m: number; efConstruction: number; k: number; efSearch: number },
  log: (m: string) => void,
): Promise<PgvectorBenchResult> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-bench-pgvector-'));
  const handle = await openDatabase(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: '' }));
  const result: PgvectorBenchResult = {
    available: handle.hasPgvector,
    rows: vectors.length,
    sampled: truth === null,
    queries: queries.length,
    m: opts.m,
    efConstruction: opts.efConstruction,
    insertMs: 0,
    indexBuildMs: 0,
    sweep: [],
  };
  try {
    if (!handle.hasPgvector) return result;
    const dim = vectors[0]!.length;
    await query(handle, `create table bench_vectors (id integer primary key, embedding vector(${dim}) not null)`);
    let start = performance.now();
    const batch = 200;
    for (let i = 0; i < vectors.length; i += batch) {
      const rows = vectors.slice(i, i + batch);
      const placeholders = rows.map((_, j) => `($${2 * j + 1}, $${2 * j + 2}::vector)`).join(',');
      await query(
        handle,
        `insert into bench_vectors (id, embedding) values ${placeholders}`,
        rows.flatMap((v, j) => [i + j + 1, literal(v)]),
      );
    }
    result.insertMs = round(performance.now() - start);
    log(`  pgvector: inserted ${vectors.length} rows in ${result.insertMs} ms; building hnsw index`);
    await query(handle, `set maintenance_work_mem = '512MB'`);
    start = performance.now();
    await query(
      handle,
      `create index bench_vectors_hnsw on bench_vectors using hnsw (embedding vector_cosine_ops) with (m = ${opts.m}, ef_construction = ${opts.efConstruction})`,
    );
    result.indexBuildMs = round(performance.now() - start);
    log(`  pgvector: index built in ${round(result.indexBuildMs / 1000)} s`);

    const expected = truth ?? exactTopK(vectors, queries, opts.k);
    const sql = `select id from bench_vectors order by embedding <=> $1::vector limit ${opts.k}`;
    // The engine's own ef joins the sweep, so the summary can compare both at the configured setting.
    for (const ef of [...new Set([...PGVECTOR_EF, opts.efSearch])].sort((a, b) => a - b)) {
      await query(handle, `set hnsw.ef_search = ${ef}`);
      const params = queries.map(literal);
      for (const p of params.slice(0, 10)) await query(handle, sql, [p]);
      const times: number[] = [];
      const recalls: number[] = [];
      for (let i = 0; i < params.length; i++) {
        const t = performance.now();
        const rows = await query<{ id: number }>(handle, sql, [params[i]]);
        times.push(performance.now() - t);
        recalls.push(
          recallOf(
            rows.map((r) => ({ label: Number(r.id) })),
            expected[i]!,
          ),
        );
      }
      const point: PgvectorPoint = { efSearch: ef, ...summarise(times), recall: summariseRecall(recalls) };
      log(`  pgvector ef_search ${ef}: recall@10 ${point.recall.mean}, p50 ${point.p50Ms} ms`);
      result.sweep.push(point);
    }
    return result;
  } finally {
    await handle.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

function exactTopK(vectors: readonly Float32Array[], queries: readonly Float32Array[], k: number): VectorHit[][] {
  return queries.map((q) => {
    const scored = vectors.map((v, i) => {
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d]! * q[d]!;
      return { label: i + 1, similarity: dot };
    });
    return scored.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  });
}
