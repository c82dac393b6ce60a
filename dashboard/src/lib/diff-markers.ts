import type { ResponseBody } from './api/client.js';

/** One mentor's change between the active and the draft ranking, as /api/match/preview computes it. */
export type RankDiffEntry = ResponseBody<'/api/match/preview', 'post'>['diff']['entries'][number];

/** Short visible marker and its spoken form; arrows alone mean nothing to a screen reader. */
export function movementLabel(entry: Pick<RankDiffEntry, 'change' | 'moved'>): { symbol: string; text: string } {
  switch (entry.change) {
    case 'up':
      return { symbol: `▲ ${entry.moved}`, text: `moved up ${entry.moved} ${entry.moved === 1 ? 'place' : 'places'}` };
    case 'down':
      return {
        symbol: `▼ ${-entry.moved}`,
        text: `moved down ${-entry.moved} ${entry.moved === -1 ? 'place' : 'places'}`,
      };
    case 'new':
      return { symbol: 'new', text: 'new in the draft ranking' };
    case 'dropped':
      return { symbol: 'dropped', text: 'dropped from the draft ranking' };
    case 'unchanged':
      return { symbol: '=', text: 'same place' };
  }
}
