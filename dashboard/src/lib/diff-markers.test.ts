import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import MovementMarker from './components/movement-marker.svelte';
import { movementLabel } from './diff-markers.js';

describe('movementLabel', () => {
  it('gives a spoken form with singular and plural', () => {
    expect(movementLabel({ change: 'up', moved: 1 }).text).toBe('moved up 1 place');
    expect(movementLabel({ change: 'down', moved: -3 })).toEqual({ symbol: '▼ 3', text: 'moved down 3 places' });
  });
});

describe('MovementMarker', () => {
  it('shows the symbol and exposes the movement to assistive technology', () => {
    render(MovementMarker, { row: { change: 'up', moved: 2 } });
    const marker = screen.getByTestId('movement');
    expect(marker.dataset.movement).toBe('up');
    expect(marker.textContent).toContain('▲ 2');
    expect(screen.getByText('moved up 2 places')).toBeTruthy();
  });

  it('marks a dropped mentor', () => {
    render(MovementMarker, { row: { change: 'dropped', moved: 0 } });
    expect(screen.getByTestId('movement').textContent).toContain('dropped');
  });
});
