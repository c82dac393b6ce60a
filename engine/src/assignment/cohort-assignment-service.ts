import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { Explanation } from '../matching/explanation.js';
import type { ConfigService } from '../services/config-service.js';
import type { ProgressReporter } from '../services/job-service.js';
import type { MatchService } from '../services/match-service.js';
import type { SearchIndex } from '../services/search-index.js';
import type { AssignmentOutcome, AssignmentProblem, CohortMentee } from './assignment-problem.js';
import type { CohortEntry } from './cohort-file.js';
import { solveAssignment } from './solve-assignment.js';

/** Candidates per mentee by default: the K, enough that capacity rarely runs a mentee out of choices. */
export const DEFAULT_CANDIDATES = 50;

/** Questions embedded per call: one batch keeps the model's threads busy and the progress moving. */
const EMBED_BATCH = 64;

export interface CohortCandidates {
  mentees: CohortMentee[];
  /** What each candidate mentor can still take this month (capacity less this month's session requests). */
  capacity: Map<string, number>;
  /** The matcher's explanations of each mentee's best candidates, by mentee then mentor; kept only when asked for. */
  explanations: Map<string, Map<string, Explanation>> | null;
  configVersion: number | null;
  timings: { embedMs: number; matchMs: number };
}

export type AssignmentOptions = Omit<AssignmentProblem, 'mentees' | 'capacity'>;

/**
 * Assigns a cohort: each mentee's candidates from the normal matcher under the active configuration (the same
 * scores and explanations as /match, unrecorded), then the solver. Mentors a mentee names as excluded, and with
 * `departmentConflicts` mentors of the mentee's own department, stay in their list as conflicts, so the outcome
 * can say a first choice was ruled out, and never get them.
 */
export class CohortAssignmentService {
  constructor(
    private readonly o: {
      matcher: MatchService;
      embedder: EmbeddingProvider;
      search: SearchIndex;
      configs: ConfigService;
      /** The department of each mentor linked to a user who named one, by mentor row id. */
      departments: () => Promise<ReadonlyMap<number, string>>;
    },
  ) {}

  async candidates(
    cohort: readonly CohortEntry[],
    opts: {
      k?: number;
      /** A mentor in the mentee's own department is a conflict (the programme's choice). */
      departmentConflicts?: boolean;
      /** Keep the explanations of each mentee's best this many candidates (none by default). */
      explain?: number;
      report?: ProgressReporter;
      signal?: AbortSignal;
      now?: Date;
    } = {},
  ): Promise<CohortCandidates> {
    const k = opts.k ?? DEFAULT_CANDIDATES;
    const now = opts.now ?? new Date();
    const config = await this.o.configs.getActive();
    const exposure = await this.o.matcher.exposure.current(config.rules.exposureWindowDays, now);
    const departments = opts.departmentConflicts ? await this.o.departments() : new Map<number, string>();
    const sameDepartment = (entry: CohortEntry, mentorRowId: number): boolean =>
      entry.department !== null &&
      departments.get(mentorRowId)?.trim().toLowerCase() === entry.department.trim().toLowerCase();
    const mentees: CohortMentee[] = [];
    const capacity = new Map<string, number>();
    const explain = opts.explain ?? 0;
    const explanations = explain > 0 ? new Map<string, Map<string, Explanation>>() : null;
    let embedMs = 0;
    let matchMs = 0;
    for (let start = 0; start < cohort.length; start += EMBED_BATCH) {
      opts.signal?.throwIfAborted();
      opts.report?.({ done: start, total: cohort.length, stage: 'matching' });
      const batch = cohort.slice(start, start + EMBED_BATCH);
      const t0 = performance.now();
      const vectors = await this.o.embedder.embed(batch.map((e) => e.question));
      const t1 = performance.now();
      embedMs += t1 - t0;
      for (const [b, entry] of batch.entries()) {
        const result = await this.o.matcher.match(
          {
            text: entry.question,
            k,
            ...(entry.languages.length > 0 || entry.timezone
              ? {
                  filters: {
                    ...(entry.languages.length > 0 ? { languages: entry.languages } : {}),
                    ...(entry.timezone ? { timezone: entry.timezone } : {}),
                  },
                }
              : {}),
            ...(entry.careerStartYear !== null
              ? { menteeYearsExperience: Math.max(0, now.getUTCFullYear() - entry.careerStartYear) }
              : {}),
          },
          { record: false, queryVector: vectors[b]!, config, now },
        );
        const excluded = new Set(entry.excluded);
        const preferred = new Set(entry.preferred);
        mentees.push({
          id: entry.id,
          ...(entry.mentors !== null ? { mentors: entry.mentors } : {}),
          candidates: result.matches.map((m) => ({
            mentorId: m.externalId,
            score: m.score,
            ...(excluded.has(m.externalId) || sameDepartment(entry, m.rowId) ? { blocked: 'conflict' as const } : {}),
            ...(preferred.has(m.externalId) ? { preferred: true } : {}),
          })),
        });
        for (const m of result.matches)
          capacity.set(
            m.externalId,
            Math.max(0, m.mentor.capacityPerMonth - (exposure.sessionsThisMonth.get(m.rowId) ?? 0)),
          );
        explanations?.set(
          entry.id,
          new Map(result.matches.slice(0, explain).map((m) => [m.externalId, m.explanation])),
        );
        // A question takes 10 to 40 ms of this thread and match() resolves without waiting on I/O, so without a
        // turn here the server would answer nobody for a whole batch of 64 (seconds) while a cohort is matched.
        await nextTurn();
      }
      matchMs += performance.now() - t1;
    }
    opts.report?.({ done: cohort.length, total: cohort.length, stage: 'matching' });
    return { mentees, capacity, explanations, configVersion: config.version, timings: { embedMs, matchMs } };
  }

  solve(candidates: CohortCandidates, options: AssignmentOptions = {}): Promise<AssignmentOutcome> {
    return solveAssignment({ ...options, mentees: candidates.mentees, capacity: candidates.capacity });
  }
}
