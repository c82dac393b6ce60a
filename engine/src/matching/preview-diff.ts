export type RankChange = 'up' | 'down' | 'new' | 'dropped' | 'unchanged';

export interface RankedEntry {
  externalId: string;
  score: number;
}

export interface RankDiffEntry {
  externalId: string;
  /** 1-based ranks; null when the mentor is absent from that list. */
  activeRank: number | null;
  draftRank: number | null;
  activeScore: number | null;
  draftScore: number | null;
  change: RankChange;
  /** Places gained under the draft (positive: moved up); 0 for new, dropped and unchanged. */
  moved: number;
}

export interface RankDiff {
  entries: RankDiffEntry[];
  summary: Record<RankChange, number>;
}

/**
 * Compares the active configuration's list with the draft's (both best first). Entries follow the draft's
 * order, then the dropped mentors in their active order.
 */
export function diffRankings(active: readonly RankedEntry[], draft: readonly RankedEntry[]): RankDiff {
  const activeAt = new Map<string, number>();
  active.forEach((e, i) => {
    if (!activeAt.has(e.externalId)) activeAt.set(e.externalId, i);
  });
  const draftIds = new Set<string>();
  const entries: RankDiffEntry[] = [];
  draft.forEach((e, i) => {
    if (draftIds.has(e.externalId)) return;
    draftIds.add(e.externalId);
    const before = activeAt.get(e.externalId);
    const moved = before === undefined ? 0 : before - i;
    entries.push({
      externalId: e.externalId,
      activeRank: before === undefined ? null : before + 1,
      draftRank: i + 1,
      activeScore: before === undefined ? null : active[before]!.score,
      draftScore: e.score,
      change: before === undefined ? 'new' : moved > 0 ? 'up' : moved < 0 ? 'down' : 'unchanged',
      moved,
    });
  });
  for (const [externalId, i] of activeAt) {
    if (draftIds.has(externalId)) continue;
    entries.push({
      externalId,
      activeRank: i + 1,
      draftRank: null,
      activeScore: active[i]!.score,
      draftScore: null,
      change: 'dropped',
      moved: 0,
    });
  }
  const summary: Record<RankChange, number> = { up: 0, down: 0, new: 0, dropped: 0, unchanged: 0 };
  for (const e of entries) summary[e.change]++;
  return { entries, summary };
}
