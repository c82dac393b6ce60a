import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import FactorBars from './components/factor-bars.svelte';
import { factorBars, factorLabel } from './factor-scale.js';

describe('factorBars', () => {
  it('makes widths proportional to contributions on the shared scale', () => {
    const bars = factorBars(
      [
        { name: 'semantic', contribution: 0.4 },
        { name: 'lexical', contribution: 0.2 },
        { name: 'skills', contribution: 0 },
      ],
      0.8,
    );
    expect(bars.map((b) => b.width)).toEqual([50, 25, 0]);
    expect(bars[0]!.share).toBeCloseTo(66.67, 1);
  });

  it("falls back to the mentor's own positive total and never exceeds 100%", () => {
    const [a, b] = factorBars([
      { name: 'a', contribution: 0.3 },
      { name: 'b', contribution: 0.1 },
    ]);
    expect(a!.width).toBeCloseTo(75);
    expect(b!.width).toBeCloseTo(25);
    expect(factorBars([{ name: 'a', contribution: 2 }], 1)[0]!.width).toBe(100);
  });

  it('flags penalties and sizes them by magnitude', () => {
    const [penalty] = factorBars(
      [
        { name: 'fairness', contribution: -0.1 },
        { name: 'semantic', contribution: 0.5 },
      ],
      0.5,
    );
    expect(penalty).toMatchObject({ negative: true, width: 20, share: 0 });
  });

  it('treats missing or non-finite values as zero', () => {
    const bars = factorBars([{ name: 'x', contribution: Number.NaN }]);
    expect(bars[0]).toMatchObject({ contribution: 0, width: 0 });
  });
});

describe('factorLabel', () => {
  it('names known factors and spells out unknown ones', () => {
    expect(factorLabel('semantic')).toBe('Meaning');
    expect(factorLabel('seniorityBonus')).toBe('Seniority bonus');
    expect(factorLabel('time_zone_overlap')).toBe('Time zone overlap');
  });
});

describe('FactorBars', () => {
  it('renders one labelled bar per factor with its width and an accessible description', () => {
    render(FactorBars, {
      factors: [
        { name: 'semantic', contribution: 0.3 },
        { name: 'fairness', contribution: -0.05 },
      ],
      scale: 0.6,
    });
    const bars = screen.getAllByTestId('factor-bar');
    expect(bars).toHaveLength(2);
    expect(bars[0]!.querySelector<HTMLElement>('.fill')!.style.width).toBe('50%');
    expect(bars[0]!.textContent).toContain('Meaning');
    // A mentee sees each factor's share of the match in words, never the raw contribution.
    expect(bars[0]!.querySelector('.value')!.textContent).toBe('100%');
    expect(bars[1]!.querySelector('.value')!.textContent).toBe('lowers');
    for (const bar of bars) expect(bar.textContent).not.toMatch(/0\.\d{3}/);
    expect(
      screen.getByText('Meaning (their bio is close in meaning to your question): 100% of this match'),
    ).toBeTruthy();
    expect(screen.getByText('Fairness (mentors suggested less often get their turn): lowers this match')).toBeTruthy();
  });

  it('writes a share that rounds to nothing as under 1%, not 0%', () => {
    render(FactorBars, {
      factors: [
        { name: 'semantic', contribution: 0.5 },
        { name: 'capacity', contribution: 0.001 },
        { name: 'skills', contribution: 0 },
      ],
    });
    const values = screen.getAllByTestId('factor-bar').map((bar) => bar.querySelector('.value')!.textContent);
    expect(values).toEqual(['100%', '<1%', '0%']);
  });
});
