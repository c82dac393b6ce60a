import type { ScoreMatrix } from './metrics.js';
import type { EvaluationResult } from './run-evaluation.js';

/**
 * The gold standard's prediction shape, `{"<expert_id>": {"<paper_id>": score}}`: every mentor
 * (outer) with a score for every query (inner), so an external scorer can recompute our numbers.
 */
export function predictionsExport(scores: ScoreMatrix): Record<string, Record<string, number>> {
  // Without prototypes, an id such as "__proto__" is a key like any other.
  const out: Record<string, Record<string, number>> = Object.create(null);
  for (const [queryId, row] of scores) {
    for (const [mentorId, score] of row) {
      out[mentorId] ??= Object.create(null);
      out[mentorId]![queryId] = score;
    }
  }
  return out;
}

const fmt = (v: number) => (v === 0 ? 0 : v).toFixed(3);

const cell = (m: { value: number; ci: [number, number] } | undefined) =>
  m ? `${fmt(m.value)} [${fmt(m.ci[0])}, ${fmt(m.ci[1])}]` : '-';

function alignedTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/**
 * Fixed-width text: one row per configuration with "value [lo, hi]" per metric and exposure, then
 * each later configuration's paired difference from the first.
 */
export function formatResultsTable(result: EvaluationResult): string {
  const names = [...new Set(result.configs.flatMap((c) => c.metrics.map((m) => m.name)))];
  const level = Math.round(result.settings.level * 100);
  const lines = [
    `${result.dataset} (sha256 ${result.checksum.slice(0, 12)}): ${result.counts.mentors} mentors, ${result.counts.queries} queries, ` +
      `${result.counts.judgments} judgments; ${level}% bootstrap CIs, ${result.settings.bootstrapSamples} resamples, seed ${result.settings.seed}`,
    ...alignedTable(
      ['config', ...names, `gini@${result.settings.exposureK}`, 'never_shown'],
      result.configs.map((c) => [
        c.name,
        ...names.map((n) => cell(c.metrics.find((m) => m.name === n))),
        cell({ value: c.exposure.gini, ci: c.exposure.giniCi }),
        fmt(c.exposure.neverShown),
      ]),
    ),
  ];
  const compared = result.configs.filter((c) => c.versusBaseline);
  if (compared.length) {
    lines.push('', `difference from ${compared[0]!.versusBaseline!.baseline} (paired bootstrap)`);
    lines.push(
      ...alignedTable(
        ['config', ...names],
        compared.map((c) => [c.name, ...names.map((n) => cell(c.versusBaseline!.deltas.find((m) => m.name === n)))]),
      ),
    );
  }
  return lines.join('\n');
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Long format, one row per configuration and metric, exposure included; `delta:<metric>` rows are differences from the first configuration. */
export function resultsToCsv(result: EvaluationResult): string {
  const lines = [['dataset', 'checksum', 'config', 'metric', 'value', 'ci_low', 'ci_high', 'n'].join(',')];
  for (const c of result.configs) {
    const rows: [string, number, number, number, number][] = [
      ...c.metrics.map((m) => [m.name, m.value, m.ci[0], m.ci[1], m.n] as [string, number, number, number, number]),
      [`gini@${c.exposure.k}`, c.exposure.gini, c.exposure.giniCi[0], c.exposure.giniCi[1], result.counts.queries],
      [
        `never_shown@${c.exposure.k}`,
        c.exposure.neverShown,
        c.exposure.neverShownCi[0],
        c.exposure.neverShownCi[1],
        result.counts.queries,
      ],
      ...(c.versusBaseline?.deltas ?? []).map(
        (m) => [`delta:${m.name}`, m.value, m.ci[0], m.ci[1], m.n] as [string, number, number, number, number],
      ),
    ];
    for (const [metric, value, lo, hi, n] of rows) {
      lines.push([result.dataset, result.checksum, c.name, metric, value, lo, hi, n].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
