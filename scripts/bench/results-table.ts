/**
 * The benchmark table of docs/benchmarks.md, generated from the `bench/bench-<N>.json` reports that `pnpm bench`
 * writes, so the numbers there are always the ones a report holds. `pnpm bench` refreshes it after each run;
 * `npx tsx scripts/bench/results-table.ts` does it on its own.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fields of a bench JSON report that the table shows (see scripts/bench/bench.ts). */
export interface BenchReport {
  created_at: string;
  machine: { cpu: string; cores: number; memory_gib: number; node: string; loadavg_1m_at_end: number };
  model: string;
  mentors: number;
  /** Mentors in the app that /match, memory and start-up ran on (fewer than `mentors` at sizes the machine cannot hold). */
  match_mentors: number;
  match_http_p50_ms: number;
  match_http_p99_ms: number;
  match_http_req_per_s: number;
  recall_at_10: number;
  recall_at_10_p5: number;
  exact_scan_p50_ms: number;
  hnsw_search_p50_ms: number;
  hnsw_speedup_vs_exact_p50: number;
  pgvector_equal_recall_ef_search: number | null;
  pgvector_equal_recall_p50_ms: number | null;
  hnsw_speedup_vs_pgvector_p50_at_equal_recall: number | null;
  indexing_mentors_per_s: number;
  bytes_per_mentor: number;
  startup_saved_index_ms: number;
  pgvector: { available: boolean; rows: number };
  app: { http: Array<{ connections: number; reqPerS: number }> };
}

export const RESULTS_START = '<!-- bench-results:start -->';
export const RESULTS_END = '<!-- bench-results:end -->';

const num = (x: number) => x.toLocaleString('en');
const ms = (x: number) => `${num(x)} ms`;
const appSample = (r: BenchReport) => (r.match_mentors < r.mentors ? `, on ${num(r.match_mentors)} mentors` : '');

/**
 * One row per measure, one column per report (smallest N first), plus issue 6's target for the measure.
 * Targets name the size they are set for; a report at another size is shown without a verdict.
 */
export function renderBenchResults(reports: readonly BenchReport[]): string {
  if (reports.length === 0) return '_No benchmark report in `bench/` yet: run `pnpm bench --mentors 10000`._';
  const sorted = [...reports].sort((a, b) => a.mentors - b.mentors);
  const rows: [string, (r: BenchReport) => string, string][] = [
    [
      '`/match` over HTTP, c=1: p50 / p99',
      (r) => `${r.match_http_p50_ms} / ${r.match_http_p99_ms} ms${appSample(r)}`,
      'p99 ≤ 8 ms at 100k, ≤ 10 ms at 1M',
    ],
    [
      '`/match` throughput at c=1 / 10 / 50',
      (r) => `${r.app.http.map((h) => num(h.reqPerS)).join(' / ')} req/s${appSample(r)}`,
      '',
    ],
    [
      'recall@10 of hnswlib (mean, p5)',
      (r) => `${r.recall_at_10} (p5 ${r.recall_at_10_p5})`,
      '≥ 0.99 at 100k, ≥ 0.98 at 1M',
    ],
    ['hnswlib search p50', (r) => ms(r.hnsw_search_p50_ms), ''],
    [
      'exact scan p50 (hnswlib speed-up)',
      (r) => `${ms(r.exact_scan_p50_ms)} (${r.hnsw_speedup_vs_exact_p50}x)`,
      '≥ 50x at 1M',
    ],
    [
      'pgvector in PGlite at equal recall: p50 (hnswlib speed-up)',
      (r) =>
        r.pgvector_equal_recall_p50_ms === null || !r.pgvector.available
          ? 'not run'
          : `${ms(r.pgvector_equal_recall_p50_ms)} at ef_search ${r.pgvector_equal_recall_ef_search} (${r.hnsw_speedup_vs_pgvector_p50_at_equal_recall}x)${r.pgvector.rows < r.mentors ? `, on ${num(r.pgvector.rows)} rows` : ''}`,
      '≥ 10x at 100k',
    ],
    ['indexing (embed + store + index)', (r) => `${num(r.indexing_mentors_per_s)} mentors/s`, '≥ 250 mentors/s'],
    ['memory per mentor (RSS)', (r) => `${num(Math.round(r.bytes_per_mentor / 102.4) / 10)} KiB${appSample(r)}`, ''],
    [
      'start-up with a saved index',
      (r) => `${num(Math.round(r.startup_saved_index_ms / 100) / 10)} s${appSample(r)}`,
      '',
    ],
  ];
  const header = `| measure | ${sorted.map((r) => `${num(r.mentors)} mentors`).join(' | ')} | target |`;
  const rule = `| --- | ${sorted.map(() => '---').join(' | ')} | --- |`;
  const body = rows.map(([name, cell, target]) => `| ${name} | ${sorted.map(cell).join(' | ')} | ${target} |`);
  const runs = sorted.map(
    (r) =>
      `- ${num(r.mentors)} mentors: ${r.created_at.slice(0, 10)}, ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gib} GiB, Node ${r.machine.node}, model \`${r.model}\`, load average ${r.machine.loadavg_1m_at_end} at the end (\`bench/report-${r.mentors}.md\`).`,
  );
  return [header, rule, ...body, '', ...runs].join('\n');
}

/** `doc` with the text between the result markers replaced by `block`. */
export function replaceResults(doc: string, block: string): string {
  const start = doc.indexOf(RESULTS_START);
  const end = doc.indexOf(RESULTS_END);
  if (start < 0 || end < start)
    throw new Error(`The results document needs the markers ${RESULTS_START} and ${RESULTS_END}, in that order`);
  return `${doc.slice(0, start + RESULTS_START.length)}\n${block}\n${doc.slice(end)}`;
}

/** The generated block for every `bench-<N>.json` in `benchDir`. */
export async function benchResultsBlock(benchDir: string): Promise<string> {
  const names = (await fs.readdir(benchDir)).filter((f) => /^bench-\d+\.json$/.test(f));
  const reports = await Promise.all(
    names.map(async (f) => JSON.parse(await fs.readFile(path.join(benchDir, f), 'utf8')) as BenchReport),
  );
  return renderBenchResults(reports);
}

/** Rewrites the generated block of `docPath` (docs/benchmarks.md) from the reports in `benchDir`; returns the block. */
export async function updateResultsTable(docPath: string, benchDir: string): Promise<string> {
  const block = await benchResultsBlock(benchDir);
  await fs.writeFile(docPath, replaceResults(await fs.readFile(docPath, 'utf8'), block));
  return block;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCHMARKS_DOC = path.join(repoRoot, 'docs/benchmarks.md');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${await updateResultsTable(BENCHMARKS_DOC, path.join(repoRoot, 'bench'))}\n`);
}
