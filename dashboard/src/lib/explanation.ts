import type { ResponseBody } from './api/client.js';
import type { HighlightRange } from './highlight.js';

export type MatchItem = ResponseBody<'/api/match', 'post'>['matches'][number];
export type Explanation = MatchItem['explanation'];

/** Where the question's matched terms occur in the mentor's bio (bio offsets); headline and skill matches are not quoted. */
export function termRangesInBio(explanation: Explanation): HighlightRange[] {
  return explanation.terms.filter((t) => t.field === 'bio').map((t) => ({ start: t.mentorStart, end: t.mentorEnd }));
}

/** The mentor's skills that the question asked for, once each, in the mentor's own wording. */
export function matchedSkills(explanation: Explanation): string[] {
  return [...new Set(explanation.skills.map((s) => s.mentorSkill))];
}
