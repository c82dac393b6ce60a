/** A span of characters to highlight, `end` exclusive, in the coordinates of some larger text. */
export interface HighlightRange {
  start: number;
  end: number;
}

export interface Segment {
  text: string;
  marked: boolean;
}

/**
 * Splits `text` into plain and marked segments. `ranges` are in the coordinates of a larger text of
 * which `text` starts at `offset` (a bio passage quoted from the whole bio), so they are shifted,
 * clipped to the text, and merged where they overlap or touch; ranges that are empty, inverted,
 * non-finite or fully outside are ignored rather than trusted, because offsets come over the wire.
 */
export function highlightSegments(text: string, ranges: readonly HighlightRange[], offset = 0): Segment[] {
  const clipped = ranges
    .filter((r) => Number.isFinite(r.start) && Number.isFinite(r.end))
    .map((r) => ({
      start: Math.max(0, Math.floor(r.start - offset)),
      end: Math.min(text.length, Math.ceil(r.end - offset)),
    }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);

  const merged: HighlightRange[] = [];
  for (const r of clipped) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }

  const segments: Segment[] = [];
  let cursor = 0;
  for (const r of merged) {
    if (r.start > cursor) segments.push({ text: text.slice(cursor, r.start), marked: false });
    segments.push({ text: text.slice(r.start, r.end), marked: true });
    cursor = r.end;
  }
  if (cursor < text.length || segments.length === 0) segments.push({ text: text.slice(cursor), marked: false });
  return segments;
}
