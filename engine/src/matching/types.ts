import type { Mentor } from '../domain/mentor.js';
import type { MentorOutcomeStats } from './signals.js';

/** What matching reads of a mentor. */
export type MatchMentor = Pick<
  Mentor,
  | 'rowId'
  | 'externalId'
  | 'name'
  | 'headline'
  | 'bio'
  | 'skills'
  | 'languages'
  | 'timezone'
  | 'yearsExperience'
  | 'capacityPerMonth'
  | 'active'
>;

/** Cosine between the question and one stored bio passage; offsets index `mentor.bio`. */
export interface PassageSimilarity {
  start: number;
  end: number;
  similarity: number;
}

/** One retrieved mentor with the signals the service gathered for it. */
export interface CandidateInput {
  mentor: MatchMentor;
  /** Cosine of the question and the whole mentor text; null when the mentor has no embedding yet. */
  wholeSimilarity: number | null;
  passageSimilarities: readonly PassageSimilarity[];
  /** TF-IDF cosine of the question and the mentor's text (LexicalIndex.cosineDocuments), in [0, 1]. */
  lexicalSimilarity: number;
  /** Sessions requested with this mentor in the current calendar month. */
  servedThisMonth: number;
  /** Times this mentor was shown in the exposure window (rules.exposureWindowDays). */
  shownRecently: number;
  /** The mentor's UTC offset now, if the caller knows it; otherwise derived from `mentor.timezone` at `now`. */
  utcOffsetMinutes?: number;
  /** The mentor's record of answered requests and rated sessions; absent or null: none yet. */
  outcomes?: MentorOutcomeStats | null;
}

/** What the mentee's request adds to the configuration's rules. */
export interface MatchRequestFilters {
  /** Languages the mentee speaks (ISO 639-1); feeds the language signal. */
  languages?: string[];
  /** Hard rule: the mentor must speak every one of these. */
  requiredLanguages?: string[];
  /** Hard rule: never propose these mentors (same team, manager relation, ...). */
  excludeExternalIds?: string[];
  /** The mentee's daily availability in their local time; `required` makes overlap a hard rule. */
  availability?: {
    startHour: number;
    endHour: number;
    utcOffsetMinutes?: number;
    timezone?: string;
    required?: boolean;
  };
  menteeYearsExperience?: number;
}

/** Recent-window totals the fairness signal compares each mentor's exposure to. */
export interface ExposureContext {
  /** Impressions of all mentors in the window. */
  totalShown: number;
  /** Sum of capacityPerMonth over active mentors. */
  totalCapacity: number;
}
