import type { MentorFields } from './mentor-schema.js';

/** A mentor as coordinators and importers describe them (fields from `MentorFieldsSchema`); `externalId` is the stable public id. */
export type MentorInput = MentorFields & { externalId: string };

export type Mentor = MentorInput & {
  /** Internal numeric id; also the label of the mentor's vector in the index. */
  rowId: number;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * The mentor's whole text: headline, bio and skills in one. Not what is embedded (the profile text and each bio
 * passage are, see services/mentor-embedding.ts), but what they are made from: its hash decides whether a
 * re-embed is needed.
 */
export function mentorWholeText(m: Pick<MentorInput, 'headline' | 'bio' | 'skills'>): string {
  return `${m.headline}. ${m.bio}${mentorSkillsSentence(m)}`;
}

/** What the bio's passages do not say, the headline and the skills, as one short text; null when there is neither. */
export function mentorProfileText(m: Pick<MentorInput, 'headline' | 'skills'>): string | null {
  const headline = m.headline.trim();
  if (!headline && m.skills.length === 0) return null;
  return `${headline ? `${headline}.` : ''}${mentorSkillsSentence(m)}`.trim();
}

function mentorSkillsSentence(m: Pick<MentorInput, 'skills'>): string {
  return m.skills.length ? ` Skills: ${m.skills.join(', ')}.` : '';
}
