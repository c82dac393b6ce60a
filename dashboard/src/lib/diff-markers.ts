export type Movement = 'up' | 'down' | 'same' | 'new' | 'dropped';

export interface DiffRow {
  id: string;
  /** 1-based rank under the draft; null when the draft dropped this mentor. */
  draftRank: number | null;
  /** 1-based rank under the active configuration; null when the draft brought the mentor in. */
  activeRank: number | null;
  movement: Movement;
  /** Places gained (positive) or lost (negative); 0 for same, new and dropped. */
  delta: number;
}

/**
 * Compares two rankings of mentor ids (best first). Rows follow the draft order, then the mentors
 * the draft dropped in their active order, so a list can be read top to bottom.
 */
export function diffRankings(active: readonly string[], draft: readonly string[]): DiffRow[] {
  const activeRank = new Map(active.map((id, i) => [id, i + 1]));
  const draftIds = new Set(draft);
  const rows: DiffRow[] = draft.map((id, i) => {
    const before = activeRank.get(id) ?? null;
    const after = i + 1;
    if (before === null) return { id, draftRank: after, activeRank: null, movement: 'new', delta: 0 };
    const delta = before - after;
    return { id, draftRank: after, activeRank: before, movement: delta > 0 ? 'up' : delta < 0 ? 'down' : 'same', delta };
  });
  for (const [id, rank] of activeRank) {
    if (!draftIds.has(id)) rows.push({ id, draftRank: null, activeRank: rank, movement: 'dropped', delta: 0 });
  }
  return rows;
}

/** Short visible marker and its spoken form; arrows alone mean nothing to a screen reader. */
export function movementLabel(row: Pick<DiffRow, 'movement' | 'delta'>): { symbol: string; text: string } {
  switch (row.movement) {
    case 'up':
      return { symbol: `▲ ${row.delta}`, text: `moved up ${row.delta} ${row.delta === 1 ? 'place' : 'places'}` };
    case 'down':
      return { symbol: `▼ ${-row.delta}`, text: `moved down ${-row.delta} ${row.delta === -1 ? 'place' : 'places'}` };
    case 'new':
      return { symbol: 'new', text: 'new in the draft ranking' };
    case 'dropped':
      return { symbol: 'dropped', text: 'dropped from the draft ranking' };
    default:
      return { symbol: '=', text: 'same place' };
  }
}
