import type { MatchMentor, MatchRequestFilters } from './types.js';

/** What a mentee's request says beside its question, as the API takes it (services/match-service.ts). */
export interface MenteeRequest {
  filters?: {
    /** Languages the mentee speaks: the mentor must share one (hard rule), and more shared is better. */
    languages?: string[];
    /** Languages the mentor must speak, every one. */
    requiredLanguages?: string[];
    /** The mentee's IANA time zone, for the availability window. */
    timezone?: string;
    /** The mentee's availability in local hours; `required` makes overlap a hard rule. */
    availability?: { startHour: number; endHour: number; required?: boolean };
    /** Only mentors with at least this many free sessions left this month. */
    minCapacity?: number;
  };
  menteeYearsExperience?: number;
  /** Mentor ids never to propose (same team, manager relation, ...). */
  exclude?: string[];
}

/**
 * The request's hard rules that retrieval can apply cheaply (exclusions, a shared language, sessions left this
 * month), as one test of a mentor, so that mentors they filter never take a candidate slot; null when the request
 * has none, since a filter costs the graph search a call into JavaScript per visited node. The matcher applies
 * the same rules again, with the rest.
 */
export function retrievalRule(
  request: MenteeRequest,
  sessionsThisMonth: ReadonlyMap<number, number>,
): ((mentor: MatchMentor) => boolean) | null {
  const excluded = new Set(request.exclude ?? []);
  const languages = request.filters?.languages ?? [];
  const minCapacity = request.filters?.minCapacity ?? 0;
  if (excluded.size === 0 && languages.length === 0 && minCapacity <= 0) return null;
  return (m) =>
    !excluded.has(m.externalId) &&
    (languages.length === 0 || m.languages.some((l) => languages.includes(l))) &&
    (minCapacity === 0 || m.capacityPerMonth - (sessionsThisMonth.get(m.rowId) ?? 0) >= minCapacity);
}

/** The filters the matcher reads; a time zone without hours means the working day, 9 to 17. */
export function matchRequestFilters(request: MenteeRequest): MatchRequestFilters {
  const filters = request.filters;
  return {
    languages: filters?.languages ?? [],
    ...(filters?.requiredLanguages ? { requiredLanguages: filters.requiredLanguages } : {}),
    ...(request.exclude ? { excludeExternalIds: request.exclude } : {}),
    ...(filters?.availability || filters?.timezone
      ? {
          availability: {
            startHour: filters?.availability?.startHour ?? 9,
            endHour: filters?.availability?.endHour ?? 17,
            ...(filters?.timezone ? { timezone: filters.timezone } : {}),
            ...(filters?.availability?.required ? { required: true } : {}),
          },
        }
      : {}),
    ...(request.menteeYearsExperience !== undefined ? { menteeYearsExperience: request.menteeYearsExperience } : {}),
  };
}
