/** A mentor as coordinators and importers describe them; `externalId` is the stable public id. */
export interface MentorInput {
  externalId: string;
  name: string;
  headline: string;
  bio: string;
  skills: string[];
  /** ISO 639-1 codes, lower case ("en", "es"). */
  languages: string[];
  /** IANA time zone name ("Europe/Berlin"). */
  timezone: string;
  location: string | null;
  yearsExperience: number;
  capacityPerMonth: number;
  active: boolean;
}

export interface Mentor extends MentorInput {
  /** Internal numeric id; also the label of the mentor's vector in the index. */
  rowId: number;
  createdAt: Date;
  updatedAt: Date;
}

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
