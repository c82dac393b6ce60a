import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import type { Mentor } from '../domain/mentor.js';
import { isValidTimezone } from '../domain/mentor-validation.js';
import type { RequestRepository } from '../db/request-repository.js';
import { RequestLog } from './request-log.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import { mergeCandidates } from '../matching/candidates.js';
import { matchMentors, type MentorMatch } from '../matching/match-mentors.js';
import { diffRankings, type RankDiff } from '../matching/preview-diff.js';
import type { CandidateInput, MatchRequestFilters, PassageSimilarity } from '../matching/types.js';
import type { WeightConfig } from '../matching/weights.js';
import type { ActiveConfig, ConfigService } from './config-service.js';
import { ExposureTracker } from './exposure-tracker.js';
import type { SearchIndex } from './search-index.js';
import { dotInt8 } from '../vector-index/int8-vectors.js';
import { passageCount, type PassageVectors } from '../vector-index/snapshot-passages.js';

export interface MatchRequest {
  text: string;
  k: number;
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

export interface MatchResult {
  requestId: number | null;
  configVersion: number | null;
  candidates: number;
  eligible: number;
  matches: Array<MentorMatch & { mentor: Mentor }>;
  /**
   * Milliseconds. The question is embedded while the lexical retrieval runs, so embedMs (until its
   * vector was in hand) and retrieveMs (the retrieval work) overlap and do not add up to totalMs.
   */
  timings: { embedMs: number; retrieveMs: number; rankMs: number; totalMs: number };
}

export type RetrievalMode = 'hybrid' | 'semantic' | 'lexical';

/** The question's similarity with each passage of a mentor, with the passage's place in the bio. */
export function passageSimilarities(query: Float32Array, stored: PassageVectors): PassageSimilarity[] {
  const out: PassageSimilarity[] = [];
  for (let i = 0; i < passageCount(stored); i++) {
    out.push({ start: stored.spans[2 * i]!, end: stored.spans[2 * i + 1]!, similarity: dotInt8(query, stored, i + 1) });
  }
  return out;
}

/**
 * Answers a mentee's question: embeds it, retrieves candidates from the vector index and BM25, gathers
 * signals, and hands them to the pure matcher, which ranks and explains.
 */
export class MatchService {
  private readonly requests: RequestLog;
  readonly exposure: ExposureTracker;

  constructor(
    requests: RequestRepository,
    private readonly embedder: EmbeddingProvider,
    private readonly search: SearchIndex,
    private readonly configs: ConfigService,
    opts: { log: Pick<FastifyBaseLogger, 'warn' | 'error'>; exposureRefreshMs: number },
  ) {
    this.requests = new RequestLog(requests, opts.log);
    this.exposure = new ExposureTracker(this.requests, opts.log, opts.exposureRefreshMs);
  }

  /**
   * Answers one question nobody asked, unrecorded, so that the first mentee does not pay for what the first
   * question reads and compiles: the exposure counts of the active window (an aggregate that took 0.5 s at 100k
   * mentors on PGlite with a long request log), the lazily built BM25 norms, and V8's first compilations.
   * A constant unit vector stands in for the question's embedding: the model's sessions ran a probe when
   * they loaded, and the model embeds nothing it was not asked to.
   */
  async warm(): Promise<void> {
    const queryVector = new Float32Array(this.embedder.dimensions).fill(1 / Math.sqrt(this.embedder.dimensions));
    await this.match(
      { text: 'How do I grow from engineer to engineering manager without losing touch with code?', k: 10 },
      { record: false, queryVector },
    );
  }

  /** Ranks under the active configuration (or `config`) and records what was served unless told not to. */
  async match(
    req: MatchRequest,
    opts: {
      config?: ActiveConfig | (WeightConfig & { version: null });
      record?: boolean;
      mode?: RetrievalMode;
      queryVector?: Float32Array;
      now?: Date;
    } = {},
  ): Promise<MatchResult> {
    if (!this.search.isReady) throw new AppError('NOT_READY', { detail: `the index is ${this.search.status().state}` });
    if (req.filters?.timezone && !isValidTimezone(req.filters.timezone)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `filters.timezone must be an IANA time zone such as "Europe/Berlin", got "${req.filters.timezone}"`,
      });
    }
    const t0 = performance.now();
    const mode = opts.mode ?? 'hybrid';
    // The question is embedded on its own thread (see EmbeddingThread) while this one runs the
    // lexical retrieval, which needs no vector; lexical-only ranking needs none at all.
    let embeddedAt = t0;
    const embedding: Promise<Float32Array | null> =
      mode === 'lexical'
        ? Promise.resolve(null)
        : opts.queryVector !== undefined
          ? Promise.resolve(opts.queryVector)
          : this.embedder.embed([req.text]).then(([v]) => {
              embeddedAt = performance.now();
              return v!;
            });
    // Awaited below; until then a failure must not count as unhandled.
    embedding.catch(() => {});
    const config = opts.config ?? (await this.configs.getActive());
    const now = opts.now ?? new Date();

    const exposure = await this.exposure.current(config.rules.exposureWindowDays, now);
    const minCapacity = req.filters?.minCapacity ?? 0;
    const menteeLanguages = req.filters?.languages ?? [];
    const excluded = new Set(req.exclude ?? []);
    // Cheap hard rules apply during retrieval so that filtered mentors never take a candidate slot. The
    // vector index applies activeOnly itself; the request's own rules go in a filter only when it has any,
    // since a filter costs the graph search a call into JavaScript per visited node.
    const requestRule =
      excluded.size > 0 || menteeLanguages.length > 0 || minCapacity > 0
        ? (m: Mentor): boolean =>
            !excluded.has(m.externalId) &&
            (menteeLanguages.length === 0 || m.languages.some((l) => menteeLanguages.includes(l))) &&
            (minCapacity === 0 || m.capacityPerMonth - (exposure.sessionsThisMonth.get(m.rowId) ?? 0) >= minCapacity)
        : null;
    const passesRequest = requestRule
      ? (rowId: number): boolean => {
          const m = this.search.mentors.get(rowId);
          return m !== undefined && requestRule(m);
        }
      : undefined;
    const admissible = (rowId: number): boolean => {
      const m = this.search.mentors.get(rowId);
      return m !== undefined && (!config.rules.activeOnly || m.active) && (!requestRule || requestRule(m));
    };
    // A hundred from each list: with fifty, embedding-only retrieval lost expected mentors on the labelled
    // demo questions (hit@5 0.878 → 0.829); ranking the larger pool costs a few milliseconds.
    const pool = Math.max(100, req.k * 10);
    const lexicalHits = mode === 'semantic' ? [] : this.search.lexical.search(req.text, pool, admissible);
    // The lexical signal of the lexical hits, too, while the embedding is still under way.
    const lexical =
      mode === 'semantic'
        ? new Map<number, number>()
        : this.search.lexical.cosineDocuments(
            req.text,
            lexicalHits.map((h) => h.id),
          );
    const lexicalMs = performance.now() - t0;

    const queryVector = await embedding;
    const t1 = performance.now();
    const vectorHits = queryVector
      ? this.search.nearest(queryVector, pool, config.rules.activeOnly, passesRequest)
      : [];
    const merged = mergeCandidates(vectorHits, lexicalHits);
    if (mode !== 'semantic') {
      for (const [id, cosine] of this.search.lexical.cosineDocuments(
        req.text,
        merged.filter((c) => !lexical.has(c.id)).map((c) => c.id),
      ))
        lexical.set(id, cosine);
    }

    const candidates: CandidateInput[] = [];
    for (const c of merged) {
      const mentor = this.search.mentors.get(c.id);
      const stored = this.search.passages.get(c.id);
      if (!mentor || !stored) continue;
      candidates.push({
        mentor,
        wholeSimilarity: queryVector ? (c.similarity ?? dotInt8(queryVector, stored, 0)) : null,
        passageSimilarities: queryVector ? passageSimilarities(queryVector, stored) : [],
        lexicalSimilarity: lexical.get(c.id) ?? 0,
        servedThisMonth: exposure.sessionsThisMonth.get(c.id) ?? 0,
        shownRecently: exposure.shown.get(c.id) ?? 0,
      });
    }
    const t2 = performance.now();

    const request: MatchRequestFilters = {
      languages: menteeLanguages,
      ...(req.filters?.requiredLanguages ? { requiredLanguages: req.filters.requiredLanguages } : {}),
      ...(req.exclude ? { excludeExternalIds: req.exclude } : {}),
      ...(req.filters?.availability || req.filters?.timezone
        ? {
            availability: {
              startHour: req.filters?.availability?.startHour ?? 9,
              endHour: req.filters?.availability?.endHour ?? 17,
              ...(req.filters?.timezone ? { timezone: req.filters.timezone } : {}),
              ...(req.filters?.availability?.required ? { required: true } : {}),
            },
          }
        : {}),
      ...(req.menteeYearsExperience !== undefined ? { menteeYearsExperience: req.menteeYearsExperience } : {}),
    };
    const output = matchMentors({
      question: req.text,
      candidates,
      weights: config.weights,
      rules: config.rules,
      request,
      vocabulary: this.search.skills,
      exposure: { totalShown: exposure.totalShown, totalCapacity: this.search.activeCapacity },
      now,
      k: req.k,
    });
    const t3 = performance.now();

    const matches = output.matches.map((m) => ({ ...m, mentor: this.search.mentors.get(m.rowId)! }));
    let requestId: number | null = null;
    if (opts.record !== false) {
      requestId = await this.requests.record({
        text: req.text,
        filters: { ...(req.filters ?? {}), ...(req.exclude ? { exclude: req.exclude } : {}), k: req.k },
        configVersion: config.version,
        createdAt: now,
        matches: matches.map((m) => ({
          mentorRowId: m.rowId,
          rank: m.rank,
          score: m.score,
          breakdown: { factors: m.explanation.factors },
        })),
      });
      this.exposure.recordShown(matches.map((m) => m.rowId));
    }
    return {
      requestId,
      configVersion: config.version,
      candidates: merged.length,
      eligible: output.eligible,
      matches,
      timings: {
        embedMs: embeddedAt - t0,
        retrieveMs: lexicalMs + (t2 - t1),
        rankMs: t3 - t2,
        totalMs: performance.now() - t0,
      },
    };
  }

  /** The same request under the active configuration and a draft, side by side, with the difference. */
  async preview(
    req: MatchRequest,
    draft: WeightConfig & { version: number | null },
  ): Promise<{ active: MatchResult; draft: MatchResult; diff: RankDiff }> {
    const queryVector = (await this.embedder.embed([req.text]))[0]!;
    const now = new Date();
    const active = await this.match(req, { record: false, queryVector, now });
    const drafted = await this.match(req, { record: false, queryVector, now, config: draft as ActiveConfig });
    const entries = (r: MatchResult) => r.matches.map((m) => ({ externalId: m.externalId, score: m.score }));
    return { active, draft: drafted, diff: diffRankings(entries(active), entries(drafted)) };
  }

  recentRequests(limit: number) {
    return this.requests.recentRequests(limit);
  }

  /** Stores the requests still queued; the database must stay open until this resolves. */
  close(): Promise<void> {
    return this.requests.flush();
  }

  async requestSession(mentorExternalId: string, requestId: number | null, note: string | null): Promise<number> {
    const mentor = this.search.mentorByExternalId(mentorExternalId);
    if (!mentor) throw new AppError('MENTOR_NOT_FOUND', { id: mentorExternalId });
    // A card shown before the mentor was deactivated can still be clicked.
    if (!mentor.active) throw new AppError('MENTOR_INACTIVE', { id: mentorExternalId });
    const id = await this.requests.recordSessionRequest(requestId, mentor.rowId, note);
    this.exposure.recordSession(mentor.rowId);
    return id;
  }
}
