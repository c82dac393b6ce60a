import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BENCHMARKS_DOC,
  RESULTS_END,
  RESULTS_START,
  benchResultsBlock,
  renderBenchResults,
  replaceResults,
  repoRoot,
  updateResultsTable,
  type BenchReport,
} from './results-table.js';

function report(mentors: number, overrides: Partial<BenchReport> = {}): BenchReport {
  return {
    created_at: '2026-11-26T01:02:03.000Z',
    machine: { cpu: 'Test CPU', cores: 2, memory_gib: 23.5, node: 'v20.0.0', loadavg_1m_at_end: 1.25 },
    model: 'use-lite-test',
    mentors,
    match_mentors: mentors,
    match_http_p50_ms: 11,
    match_http_p99_ms: 17,
    match_http_req_per_s: 80.5,
    recall_at_10: 0.9949,
    recall_at_10_p5: 1,
    exact_scan_p50_ms: 105.5,
    hnsw_search_p50_ms: 1.7,
    hnsw_speedup_vs_exact_p50: 62.1,
    pgvector_equal_recall_ef_search: 200,
    pgvector_equal_recall_p50_ms: 7.8,
    hnsw_speedup_vs_pgvector_p50_at_equal_recall: 4.6,
    indexing_mentors_per_s: 57.8,
    bytes_per_mentor: 22_551,
    startup_saved_index_ms: 20_975.2,
    pgvector: { available: true, rows: mentors },
    app: {
      http: [
        { connections: 1, reqPerS: 80.5 },
        { connections: 10, reqPerS: 1_123.4 },
        { connections: 50, reqPerS: 130 },
      ],
    },
    ...overrides,
  };
}

describe('benchmark results table', () => {
  it('puts each report in a column, smallest first, with the numbers it holds', () => {
    const table = renderBenchResults([
      report(100_000),
      report(10_000, { match_http_p99_ms: 36, recall_at_10: 0.9997 }),
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| measure | 10,000 mentors | 100,000 mentors | target |');
    expect(lines.find((l) => l.startsWith('| `/match` over HTTP, c=1'))).toBe(
      '| `/match` over HTTP, c=1: p50 / p99 | 11 / 36 ms | 11 / 17 ms | p99 ≤ 8 ms at 100k, ≤ 10 ms at 1M |',
    );
    expect(lines.find((l) => l.startsWith('| `/match` throughput'))).toBe(
      '| `/match` throughput at c=1 / 10 / 50 | 80.5 / 1,123.4 / 130 req/s | 80.5 / 1,123.4 / 130 req/s |  |',
    );
    expect(lines.find((l) => l.startsWith('| recall@10'))).toContain('| 0.9997 (p5 1) | 0.9949 (p5 1) |');
    expect(lines.find((l) => l.startsWith('| memory per mentor'))).toContain('22 KiB');
    expect(table).toContain(
      '- 100,000 mentors: 2026-11-26, Test CPU, 2 cores, 23.5 GiB, Node v20.0.0, model `use-lite-test`, load average 1.25',
    );
  });

  it('says when pgvector ran on a sample or not at all', () => {
    const table = renderBenchResults([
      report(10_000, { pgvector: { available: true, rows: 2_000 } }),
      report(20_000, { pgvector_equal_recall_p50_ms: null }),
    ]);
    const row = table.split('\n').find((l) => l.startsWith('| pgvector'))!;
    expect(row).toContain('7.8 ms at ef_search 200 (4.6x), on 2,000 rows');
    expect(row).toContain('| not run |');
  });

  it('says when /match, memory and start-up ran on fewer mentors than the vector part', () => {
    const lines = renderBenchResults([report(1_000_000, { match_mentors: 100_000 })]).split('\n');
    expect(lines.find((l) => l.startsWith('| `/match` over HTTP'))).toContain('| 11 / 17 ms, on 100,000 mentors |');
    expect(lines.find((l) => l.startsWith('| memory per mentor'))).toContain('22 KiB, on 100,000 mentors');
    expect(lines.find((l) => l.startsWith('| start-up'))).toContain('21 s, on 100,000 mentors');
    expect(lines.find((l) => l.startsWith('| recall@10'))).not.toContain('on 100,000');
  });

  it('replaces only the text between the markers', () => {
    const readme = `# Title\n\n${RESULTS_START}\nold table\n${RESULTS_END}\n\nafter\n`;
    expect(replaceResults(readme, 'new table')).toBe(
      `# Title\n\n${RESULTS_START}\nnew table\n${RESULTS_END}\n\nafter\n`,
    );
    expect(() => replaceResults('# no markers', 'x')).toThrow(/needs the markers/);
  });

  it('rewrites a document from the bench-<N>.json files of a folder, ignoring other files', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-results-table-'));
    try {
      await fs.writeFile(path.join(dir, 'bench-5000.json'), JSON.stringify(report(5_000, { match_http_p50_ms: 9 })));
      await fs.writeFile(path.join(dir, 'index.json'), '{"not": "a bench report"}');
      const doc = path.join(dir, 'benchmarks.md');
      await fs.writeFile(doc, `intro\n${RESULTS_START}\n${RESULTS_END}\n`);
      await updateResultsTable(doc, dir);
      const text = await fs.readFile(doc, 'utf8');
      expect(text).toContain('| measure | 5,000 mentors | target |');
      expect(text).toContain('| 9 / 17 ms |');
      expect(text.startsWith('intro\n')).toBe(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('docs/benchmarks.md holds the table the committed bench/bench-<N>.json reports give, unedited', async () => {
    const doc = await fs.readFile(BENCHMARKS_DOC, 'utf8');
    const block = await benchResultsBlock(path.join(repoRoot, 'bench'));
    expect(doc).toContain(`${RESULTS_START}\n${block}\n${RESULTS_END}`);
  });
});
