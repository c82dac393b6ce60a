import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
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

// Nine significant digits round-trip a float32 exactly and keep the SQL text half as long.
const literal = (v: Float32Array) => `[${Array.from(v, (x) => x.toPrecision(9)).join(',')}]`;

/**
 * pgvector HNSW (cosine) in PGlite on the first `rows` vectors, labels 1..rows as the hnswlib part.
 * Ground truth is the exact top-k over those rows, computed here when the set is a sample. The PGlite is
 * the benchmark's own, with pgvector loaded: the engine's database has no extension (its vectors are bytea).
 */
export async function runPgvectorBench(
  vectors: readonly Float32Array[],
  queries: readonly Float32Array[],
  truth: readonly VectorHit[][] | null,
  opts: { m: number; efConstruction: number; k: number; efSearch: number },
  log: (m: string) => void,
): Promise<PgvectorBenchResult> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-bench-pgvector-'));
  const pglite = await PGlite.create(dataDir, { extensions: { vector } });
  const query = async <R>(text: string, parameters: unknown[] = []) => (await pglite.query<R>(text, parameters)).rows;
  const result: PgvectorBenchResult = {
    available: false,
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
    try {
      await pglite.exec('create extension vector');
    } catch (error) {
      log(`  pgvector: not available in PGlite (${error instanceof Error ? error.message : String(error)}); skipped`);
      return result;
    }
    result.available = true;
    const dim = vectors[0]!.length;
    await query(`create table bench_vectors (id integer primary key, embedding vector(${dim}) not null)`);
    let start = performance.now();
    const batch = 200;
    for (let i = 0; i < vectors.length; i += batch) {
      const rows = vectors.slice(i, i + batch);
      const placeholders = rows.map((_, j) => `($${2 * j + 1}, $${2 * j + 2}::vector)`).join(',');
      await query(
        `insert into bench_vectors (id, embedding) values ${placeholders}`,
        rows.flatMap((v, j) => [i + j + 1, literal(v)]),
      );
    }
    result.insertMs = round(performance.now() - start);
    log(`  pgvector: inserted ${vectors.length} rows in ${result.insertMs} ms; building hnsw index`);
    await query(`set maintenance_work_mem = '512MB'`);
    start = performance.now();
    await query(
      `create index bench_vectors_hnsw on bench_vectors using hnsw (embedding vector_cosine_ops) with (m = ${opts.m}, ef_construction = ${opts.efConstruction})`,
    );
    result.indexBuildMs = round(performance.now() - start);
    log(`  pgvector: index built in ${round(result.indexBuildMs / 1000)} s`);

    const expected = truth ?? exactTopK(vectors, queries, opts.k);
    const sql = `select id from bench_vectors order by embedding <=> $1::vector limit ${opts.k}`;
    // The engine's own ef joins the sweep, so the summary can compare both at the configured setting.
    for (const ef of [...new Set([...PGVECTOR_EF, opts.efSearch])].sort((a, b) => a - b)) {
      await query(`set hnsw.ef_search = ${ef}`);
      const params = queries.map(literal);
      for (const p of params.slice(0, 10)) await query(sql, [p]);
      const times: number[] = [];
      const recalls: number[] = [];
      for (let i = 0; i < params.length; i++) {
        const t = performance.now();
        const rows = await query<{ id: number }>(sql, [params[i]]);
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
    await pglite.close();
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
