import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXPECTED_RELEVANCE,
  VARIANTS,
  formatTable,
  openDemoRankingHarness,
  type DemoRankingHarness,
  type VariantResult,
} from '../../scripts/bench/eval-demo-ranking.js';

/**
 * The quality bar on the demo data, ranked through the production /match path with the real model and
 * scored by the evaluation harness `pnpm mm eval` uses.
 * A fresh clone embeds the 2000 demo mentors once (minutes on two cores); .data/embedding-cache/ makes later
 * runs take seconds.
 */
describe('ranking quality on the labelled demo questions', () => {
  let harness: DemoRankingHarness;
  const results = new Map<string, VariantResult>();

  beforeAll(async () => {
    harness = await openDemoRankingHarness();
    // Intervals are not asserted here; 200 resamples keep the harness's bootstrap short.
    const { variants } = await harness.evaluate(VARIANTS, { bootstrapSamples: 200 });
    for (const result of variants) results.set(result.name, result);
    console.log(formatTable([...results.values()]));
  }, 30 * 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('has at least 30 questions, each with mentors a person would expect', () => {
    expect(harness.dataset.queries.length).toBeGreaterThanOrEqual(30);
    for (const query of harness.dataset.queries) {
      const expected = [...(harness.dataset.judgments.get(query.id) ?? new Map<string, number>()).values()].filter(
        (r) => r >= EXPECTED_RELEVANCE,
      );
      expect(expected.length, query.id).toBeGreaterThan(0);
    }
  });

  it('puts an expected mentor in the top 5 for at least 80% of the questions under the default configuration', () => {
    const hybrid = results.get('hybrid')!;
    expect(hybrid.hitAt5, `misses: ${hybrid.misses.join(', ')}`).toBeGreaterThanOrEqual(0.8);
  });

  it('does at least as well as embedding-only and as lexical-only on that measure', () => {
    const hybrid = results.get('hybrid')!.hitAt5;
    expect(hybrid).toBeGreaterThanOrEqual(results.get('embedding-only')!.hitAt5);
    expect(hybrid).toBeGreaterThanOrEqual(results.get('lexical-only')!.hitAt5);
  });

  it('returns ten distinct mentors for every question under every ranking', () => {
    for (const result of results.values()) {
      for (const [id, ranking] of Object.entries(result.rankings)) {
        expect(new Set(ranking).size, `${result.name} ${id}`).toBe(10);
      }
    }
  });
});
