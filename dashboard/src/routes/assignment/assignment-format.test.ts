import { describe, expect, it } from 'vitest';
import { cohortFormat, HISTOGRAM_LABELS, reasonText, togglePair, versus } from './assignment-format.js';

describe('assignment page wording', () => {
  it('says why a mentee missed their first choice, or got nobody', () => {
    expect(reasonText(null, true)).toBe('got their first choice');
    expect(reasonText('capacity', true)).toBe('their first choice was full');
    expect(reasonText('capacity', false)).toBe('every candidate was full');
    expect(reasonText('conflict', false)).toBe('their first choice is a conflict (same team or reporting line)');
  });

  it('compares a total with a baseline', () => {
    expect(versus(201.34, 201.25)).toBe('+0.09 (+0.0%)');
    expect(versus(90, 100)).toBe('−10.00 (−10.0%)');
    expect(versus(1, 0)).toBe('+1.00');
  });

  it('reads the file format from the name and labels the histogram', () => {
    expect(cohortFormat('Cohort.CSV')).toBe('csv');
    expect(cohortFormat('cohort.jsonl')).toBe('jsonl');
    expect(HISTOGRAM_LABELS[0]).toBe('0.0–0.1');
    expect(HISTOGRAM_LABELS).toHaveLength(10);
  });

  it('toggles a pin or a forbid', () => {
    const a = { menteeId: 'a', mentorId: 'x' };
    expect(togglePair([], a)).toEqual([a]);
    expect(togglePair([a], { ...a })).toEqual([]);
  });
});
