import type { ResponseBody } from './api/client.js';
import type { HighlightRange } from './highlight.js';

export type MatchItem = ResponseBody<'/api/match', 'post'>['matches'][number];
export type Explanation = MatchItem['explanation'];

/** Where the question's matched terms occur in the mentor's bio, in bio offsets (other fields are not quoted). */
export function termRangesInBio(explanation: Explanation): HighlightRange[] {
  return explanation.terms.flatMap((t) => t.mentorSpans.filter((s) => s.field === 'bio').map((s) => ({ start: s.start, end: s.end })));
}
