import { describe, expect, it } from 'vitest';
import { funnelSteps, hoursText, percent, presetPeriod, programmeUrl } from './programme-format.js';

describe('programme formatting', () => {
  it('writes shares and durations for people', () => {
    expect(percent(null)).toBe('–');
    expect(percent(0.756)).toBe('76%');
    expect(percent(0.756, 1)).toBe('75.6%');
    expect(hoursText(null)).toBe('–');
    expect(hoursText(0.5)).toBe('30 min');
    expect(hoursText(4.25)).toBe('4.3 h');
    expect(hoursText(30)).toBe('30 h');
    expect(hoursText(72)).toBe('3.0 days');
  });

  it('gives each funnel step its share of the step before', () => {
    const steps = funnelSteps({ asked: 10, requested: 5, accepted: 0, completed: 0, rated: 0 });
    expect(steps.map((s) => [s.key, s.count, s.ofPrevious])).toEqual([
      ['asked', 10, null],
      ['requested', 5, 0.5],
      ['accepted', 0, 0],
      ['completed', 0, null],
      ['rated', 0, null],
    ]);
  });

  it('builds the address of the view and of its CSV', () => {
    expect(programmeUrl({ from: '', to: '', department: '' })).toBe('/api/programme');
    expect(programmeUrl({ from: '2025-03-01', to: '2025-03-31', department: 'R&D' }, true)).toBe(
      '/api/programme?from=2025-03-01&to=2025-03-31&department=R%26D&format=csv',
    );
  });

  it('turns a preset into whole months up to today', () => {
    const today = new Date('2025-01-15T22:00:00Z');
    expect(presetPeriod('month', today)).toEqual({ from: '2025-01-01', to: '2025-01-15' });
    expect(presetPeriod('quarter', today)).toEqual({ from: '2024-11-01', to: '2025-01-15' });
    expect(presetPeriod('year', today)).toEqual({ from: '2024-02-01', to: '2025-01-15' });
  });
});
