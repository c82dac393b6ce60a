import type { DirectoryRepository } from '../db/directory-repository.js';
import type { Mentor } from '../domain/mentor.js';
import { AppError } from '../errors.js';
import type { MatchService } from '../services/match-service.js';
import type { SearchIndex } from '../services/search-index.js';
import {
  availableThisWeek,
  type DirectoryContext,
  type DirectoryFilters,
  directoryFilter,
  hasFilters,
  WEEK_DAYS,
} from './directory-filters.js';

export interface DirectoryQuery extends DirectoryFilters {
  /** Words to search for; without them the directory lists mentors by name. */
  q?: string | undefined;
  /** 1-based. */
  page: number;
}

/** What a mentor shares in the directory: the public part of their profile, never their email. */
export interface DirectoryEntry {
  id: string;
  name: string;
  headline: string;
  skills: string[];
  languages: string[];
  timezone: string;
  department: string | null;
  availableThisWeek: boolean;
  /** The match score for the words; null when browsing without them. */
  score: number | null;
}

export interface DirectoryPage {
  items: DirectoryEntry[];
  total: number;
  page: number;
  pageSize: number;
}

export const DIRECTORY_PAGE_SIZE = 20;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * How long the directory reuses who is available this week. Working it out reads every schedule and booking and
 * runs the slot rule for each mentor (about a second for 2,000 mentors on a busy machine); a listing a minute
 * old is close enough, and the request form shows the mentor's free slots as they are.
 */
export const AVAILABILITY_TTL_MS = 60_000;
/**
 * Mentors ranked for the words at most: as many as a mentee may ask /match for, so a search costs what a
 * question does (a larger list ranks ten times its size in candidates).
 */
export const DIRECTORY_SEARCH_LIMIT = 50;

/**
 * Browsing mentors directly. Words go through the matcher, the same index and ranking a mentee's question gets
 * (unrecorded: browsing is not asking, and shows nobody's exposure); the filters become exclusions the matcher
 * applies before ranking, so the order is /match's own among the mentors left. Without words, the filters run
 * over the catalogue in memory.
 */
export class DirectoryService {
  constructor(
    private readonly repository: DirectoryRepository,
    private readonly search: SearchIndex,
    private readonly matcher: MatchService,
    /** The session lengths the programme offers now (its settings). */
    private readonly lengthsOffered: () => Promise<readonly number[]>,
  ) {}

  private available: { until: number; mentors: Promise<ReadonlySet<number>> } | null = null;

  async browse(query: DirectoryQuery, now = new Date()): Promise<DirectoryPage> {
    if (!this.search.isReady) throw new AppError('NOT_READY', { detail: `the index is ${this.search.status().state}` });
    const [departments, available] = await Promise.all([
      this.repository.mentorDepartments(),
      this.availableMentors(now),
    ]);
    const ctx: DirectoryContext = { departments, available };
    const passes = directoryFilter(query, ctx);
    const words = query.q?.trim();
    const found: Array<{ mentor: Mentor; score: number | null }> = words
      ? await this.ranked(words, query, passes, now)
      : [...this.search.mentors.values()]
          .filter(passes)
          .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.externalId.localeCompare(b.externalId))
          .map((mentor) => ({ mentor, score: null }));
    const start = (query.page - 1) * DIRECTORY_PAGE_SIZE;
    return {
      items: found.slice(start, start + DIRECTORY_PAGE_SIZE).map(({ mentor, score }) => ({
        id: mentor.externalId,
        name: mentor.name,
        headline: mentor.headline,
        skills: mentor.skills,
        languages: mentor.languages,
        timezone: mentor.timezone,
        department: departments.get(mentor.rowId) ?? null,
        availableThisWeek: available.has(mentor.rowId),
        score,
      })),
      total: found.length,
      page: query.page,
      pageSize: DIRECTORY_PAGE_SIZE,
    };
  }

  /** The mentors available this week, worked out at most once a minute (AVAILABILITY_TTL_MS). */
  private availableMentors(now: Date): Promise<ReadonlySet<number>> {
    if (this.available !== null && this.available.until > now.getTime()) return this.available.mentors;
    const mentors = this.workOutAvailable(now);
    this.available = { until: now.getTime() + AVAILABILITY_TTL_MS, mentors };
    // A failed read is not kept: the next browse tries again.
    mentors.catch(() => {
      if (this.available?.mentors === mentors) this.available = null;
    });
    return mentors;
  }

  private async workOutAvailable(now: Date): Promise<ReadonlySet<number>> {
    const [weeks, lengths] = await Promise.all([
      // From an hour back: a cell booked just before now can still overlap a slot starting now.
      this.repository.weeks(new Date(now.getTime() - HOUR_MS), new Date(now.getTime() + (WEEK_DAYS + 1) * DAY_MS)),
      this.lengthsOffered(),
    ]);
    const ctx = { now, shortestMinutes: Math.min(...lengths) };
    const available = new Set<number>();
    for (const [rowId, week] of weeks) if (availableThisWeek(week, ctx)) available.add(rowId);
    return available;
  }

  private async ranked(
    words: string,
    filters: DirectoryFilters,
    passes: (m: Mentor) => boolean,
    now: Date,
  ): Promise<Array<{ mentor: Mentor; score: number }>> {
    const exclude = hasFilters(filters)
      ? [...this.search.mentors.values()].filter((m) => m.active && !passes(m)).map((m) => m.externalId)
      : undefined;
    const result = await this.matcher.match(
      { text: words, k: DIRECTORY_SEARCH_LIMIT, ...(exclude ? { exclude } : {}) },
      { record: false, now },
    );
    return result.matches.map((m) => ({ mentor: m.mentor, score: m.score }));
  }
}
