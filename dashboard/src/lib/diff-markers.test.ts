import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import MovementMarker from './components/movement-marker.svelte';
import { diffRankings, movementLabel } from './diff-markers.js';

describe('diffRankings', () => {
  it('marks moved up, moved down, same, new and dropped', () => {
    const rows = diffRankings(['a', 'b', 'c', 'd'], ['b', 'a', 'c', 'e']);
    expect(rows).toEqual([
      { id: 'b', draftRank: 1, activeRank: 2, movement: 'up', delta: 1 },
      { id: 'a', draftRank: 2, activeRank: 1, movement: 'down', delta: -1 },
      { id: 'c', draftRank: 3, activeRank: 3, movement: 'same', delta: 0 },
      { id: 'e', draftRank: 4, activeRank: null, movement: 'new', delta: 0 },
      { id: 'd', draftRank: null, activeRank: 4, movement: 'dropped', delta: 0 },
    ]);
  });

  it('handles empty rankings on either side', () => {
    expect(diffRankings([], ['x']).map((r) => r.movement)).toEqual(['new']);
    expect(diffRankings(['x'], []).map((r) => r.movement)).toEqual(['dropped']);
    expect(diffRankings([], [])).toEqual([]);
  });

  it('counts places moved by rank difference', () => {
    const rows = diffRankings(['a', 'b', 'c', 'd'], ['d', 'a', 'b', 'c']);
    expect(rows[0]).toMatchObject({ id: 'd', movement: 'up', delta: 3 });
    expect(rows.slice(1).map((r) => r.movement)).toEqual(['down', 'down', 'down']);
  });
});

describe('movementLabel', () => {
  it('gives a spoken form with singular and plural', () => {
    expect(movementLabel({ movement: 'up', delta: 1 }).text).toBe('moved up 1 place');
    expect(movementLabel({ movement: 'down', delta: -3 })).toEqual({ symbol: '▼ 3', text: 'moved down 3 places' });
  });
});

describe('MovementMarker', () => {
  it('shows the symbol and exposes the movement to assistive technology', () => {
    render(MovementMarker, { row: { movement: 'up', delta: 2 } });
    const marker = screen.getByTestId('movement');
    expect(marker.dataset.movement).toBe('up');
    expect(marker.textContent).toContain('▲ 2');
    expect(screen.getByText('moved up 2 places')).toBeTruthy();
  });

  it('marks a dropped mentor', () => {
    render(MovementMarker, { row: { movement: 'dropped', delta: 0 } });
    expect(screen.getByTestId('movement').textContent).toContain('dropped');
  });
});
