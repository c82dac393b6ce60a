import { describe, expect, it } from 'vitest';
import { clearOfZero, fixed, improves, interval, metricInfo, signed } from './evaluation-format.js';

describe('fixed', () => {
  it('never prints a negative zero: a value that rounds to 0 has no sign', () => {
    expect(fixed(-0.0002)).toBe('0.000');
    expect(fixed(-0)).toBe('0.000');
    expect(fixed(-0.00049)).toBe('0.000');
    expect(fixed(-0.0002, 2)).toBe('0.00');
  });

  it('keeps the sign of a value that does not round to 0, with a typographic minus', () => {
    expect(fixed(-0.0006)).toBe('−0.001');
    expect(fixed(0.4567)).toBe('0.457');
    expect(fixed(1)).toBe('1.000');
  });

  it('writes a missing or non-finite value as a dash', () => {
    expect(fixed(undefined)).toBe('—');
    expect(fixed(Number.NaN)).toBe('—');
  });
});

describe('signed', () => {
  it('signs a difference by what it rounds to', () => {
    expect(signed(0.0123)).toBe('+0.012');
    expect(signed(-0.0123)).toBe('−0.012');
    expect(signed(-0.0002)).toBe('0.000');
    expect(signed(0.0002)).toBe('0.000');
  });
});

describe('interval', () => {
  it('prints both bounds, a bound just below zero as 0.000', () => {
    expect(interval([-0.0001, 0.25])).toBe('[0.000, 0.250]');
    expect(interval([-0.08, 0.0004], signed)).toBe('[−0.080, 0.000]');
    expect(interval([])).toBe('[—, —]');
  });
});

describe('clearOfZero', () => {
  it('marks an interval only when its printed bounds leave out 0', () => {
    expect(clearOfZero([0.01, 0.05])).toBe(true);
    expect(clearOfZero([-0.05, -0.01])).toBe(true);
    expect(clearOfZero([-0.01, 0.05])).toBe(false);
    // Leaves out 0, but prints as [0.000, +0.050]: not shown as clear.
    expect(clearOfZero([0.0001, 0.05])).toBe(false);
    expect(clearOfZero([])).toBe(false);
  });
});

describe('metricInfo', () => {
  it('says lower is better for the loss and the exposure measures, higher for the rest', () => {
    expect(metricInfo('pairwise_loss')).toEqual({ label: 'Pairwise loss', better: 'lower', hint: 'lower is better' });
    expect(metricInfo('mrr')).toEqual({ label: 'MRR', better: 'higher', hint: 'higher is better' });
    expect(metricInfo('recall@5')).toMatchObject({ label: 'Recall@5', better: 'higher' });
    expect(metricInfo('p@10')).toMatchObject({ label: 'P@10', better: 'higher' });
    expect(metricInfo('ndcg@10')).toMatchObject({ label: 'nDCG@10', better: 'higher' });
    expect(metricInfo('gini')).toMatchObject({ better: 'lower', hint: 'lower is more even' });
  });

  it('shows a metric it does not know by its name, without claiming a direction', () => {
    expect(metricInfo('coverage@3')).toEqual({ label: 'coverage@3', better: null, hint: null });
  });
});

describe('improves', () => {
  it('reads a difference against the direction of its metric', () => {
    expect(improves(-0.02, 'lower')).toBe(true);
    expect(improves(0.02, 'lower')).toBe(false);
    expect(improves(0.02, 'higher')).toBe(true);
    expect(improves(0.02, null)).toBeNull();
    expect(improves(0, 'higher')).toBeNull();
  });
});
