import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import type { Mentor } from '../domain/mentor.js';
import { isValidTimezone } from '../domain/mentor-validation.js';
import type { RequestRepository } from '../db/request-repository.js';
import { RequestLog } from './request-log.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import { candidateInputs, mergeCandidates, type RetrievedCandidate } from '../matching/candidates.js';
import type { LexicalHit } from '../matching/lexical-index.js';
import type { MatchConfidence } from '../matching/confidence.js';
import { commonTermsIn } from '../matching/explanation.js';
import { matchMentors, type MentorMatch } from '../matching/match-mentors.js';
import { seededRandom } from '../shared/seeded-random.js';
import { diffRankings, type RankDiff } from '../matching/preview-diff.js';
import { type MenteeRequest, matchRequestFilters, retrievalRule } from '../matching/request-filters.js';
import type { MatchMentor } from '../matching/types.js';
import type { WeightConfig } from '../matching/weights.js';
import type { ActiveConfig, ConfigService } from './config-service.js';
import { ExposureTracker } from './exposure-tracker.js';
import type { MentorOutcomes } from './mentor-outcomes.js';
import type { SearchIndex } from './search-index.js';

/** A mentee's question, how many mentors to propose, and what else the request says (MenteeRequest). */
export interface MatchRequest extends MenteeRequest {
  text: string;
  k: number;
}

export interface MatchResult {
  requestId: number | null;
  configVersion: number | null;
  candidates: number;
  eligible: number;
  matches: Array<MentorMatch & { mentor: Mentor }>;
  confidence: MatchConfidence;
  /**
   * Milliseconds. The question is embedded while the lexical retrieval runs, so embedMs (until its
   * vector was in hand) and retrieveMs (the retrieval work) overlap and do not add up to totalMs.
   */
  timings: { embedMs: number; retrieveMs: number; rankMs: number; totalMs: number };
}

export type RetrievalMode = 'hybrid' | 'semantic' | 'lexical';

/** The question's vector, on its way: `embeddedAt` is when it arrived (when it was asked for, if it needed no model). */
interface QuestionEmbedding {
  vector: Promise<Float32Array | null>;
  embeddedAt(): number;
}

/** The lexical top list and the TF-IDF cosine of each mentor it holds. */
interface LexicalRetrieval {
  hits: LexicalHit[];
  cosines: Map<number, number>;
}

/**
 * A hundred from each list: with fifty, embedding-only retrieval lost expected mentors on the labelled demo
 * questions (hit@5 0.878 → 0.829); ranking the larger pool costs a few milliseconds.
 */
/**
 * The draw among near-ties, seeded by the question's text and the configuration (FNV-1a): independent of what the
 * mentee does next, as the logged propensities require, and the same answer for the same question, so asking
 * again does not reshuffle the last places.
 */
function explorationRandom(text: string, configVersion: number | null): () => number {
  let hash = 0x811c9dc5;
  for (const char of `${configVersion ?? 'draft'}\u0000${text}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return seededRandom(hash);
}

const candidatePool = (k: number): number => Math.max(100, k * 10);

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
    private readonly outcomes: MentorOutcomes,
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

  /**
   * Ranks under the active configuration (or `config`) and records what was served unless told not to: embeds the
   * question while the lexical list is retrieved, adds the nearest mentors, gathers each candidate's signals and
   * hands them to the pure matcher, which applies the hard rules, ranks and explains.
   */
  async match(
    req: MatchRequest,
    opts: {
      config?: ActiveConfig | (WeightConfig & { version: null });
      record?: boolean;
      mode?: RetrievalMode;
      queryVector?: Float32Array;
      now?: Date;
      /** The signed-in user asking, recorded with the question; absent or null: asked anonymously. */
      askedBy?: number | null;
    } = {},
  ): Promise<MatchResult> {
    this.checkAnswerable(req);
    const t0 = performance.now();
    const mode = opts.mode ?? 'hybrid';
    const question = this.embedQuestion(req.text, mode, opts.queryVector, t0);
    const config = opts.config ?? (await this.configs.getActive());
    const now = opts.now ?? new Date();
    const [exposure, outcomes] = await Promise.all([
      this.exposure.current(config.rules.exposureWindowDays, now),
      this.outcomes.current(now),
    ]);
    const rule = retrievalRule(req, exposure.sessionsThisMonth);
    const pool = candidatePool(req.k);
    const lexical = this.retrieveLexical(req.text, mode, pool, config.rules.activeOnly, rule);
    const lexicalMs = performance.now() - t0;

    const queryVector = await question.vector;
    const t1 = performance.now();
    const retrieved = this.retrieveNearest(queryVector, lexical, pool, config.rules.activeOnly, rule);
    if (mode !== 'semantic') this.addLexicalCosines(req.text, retrieved, lexical.cosines);
    const candidates = candidateInputs(retrieved, {
      mentors: this.search.mentors,
      passages: this.search.passages,
      queryVector,
      lexical: lexical.cosines,
      sessionsThisMonth: exposure.sessionsThisMonth,
      shown: exposure.shown,
      outcomes: outcomes.byMentor,
    });
    const t2 = performance.now();

    const output = matchMentors({
      question: req.text,
      candidates,
      weights: config.weights,
      rules: config.rules,
      request: matchRequestFilters(req),
      vocabulary: this.search.skills,
      exposure: { totalShown: exposure.totalShown, totalCapacity: this.search.activeCapacity },
      outcomePriors: outcomes.priors,
      now,
      k: req.k,
      explanation: { isCommonTerm: commonTermsIn(this.search.lexical) },
      ...(opts.record === false ? {} : { exploration: { random: explorationRandom(req.text, config.version) } }),
    });
    const t3 = performance.now();

    const matches = output.matches.map((m) => ({ ...m, mentor: this.search.mentors.get(m.rowId)! }));
    const requestId =
      opts.record === false ? null : await this.record(req, config.version, now, matches, opts.askedBy ?? null);
    return {
      requestId,
      configVersion: config.version,
      candidates: retrieved.length,
      eligible: output.eligible,
      confidence: output.confidence,
      matches,
      timings: {
        embedMs: question.embeddedAt() - t0,
        retrieveMs: lexicalMs + (t2 - t1),
        rankMs: t3 - t2,
        totalMs: performance.now() - t0,
      },
    };
  }

  private checkAnswerable(req: MatchRequest): void {
    if (!this.search.isReady) throw new AppError('NOT_READY', { detail: `the index is ${this.search.status().state}` });
    if (req.filters?.timezone && !isValidTimezone(req.filters.timezone)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `filters.timezone must be an IANA time zone such as "Europe/Berlin", got "${req.filters.timezone}"`,
      });
    }
  }

  /**
   * Starts embedding the question on its own thread (see EmbeddingThread), so that this one runs the lexical
   * retrieval meanwhile, which needs no vector; lexical-only ranking needs none at all.
   */
  private embedQuestion(
    text: string,
    mode: RetrievalMode,
    given: Float32Array | undefined,
    askedAt: number,
  ): QuestionEmbedding {
    let embeddedAt = askedAt;
    const vector: Promise<Float32Array | null> =
      mode === 'lexical'
        ? Promise.resolve(null)
        : given !== undefined
          ? Promise.resolve(given)
          : this.embedder.embed([text]).then(([v]) => {
              embeddedAt = performance.now();
              return v!;
            });
    // Awaited later; until then a failure must not count as unhandled.
    vector.catch(() => {});
    return { vector, embeddedAt: () => embeddedAt };
  }

  /**
   * The lexical top list among the mentors the configuration and the request admit (so that filtered mentors
   * never take a slot), and its hits' cosines, while the question is still being embedded; none when semantic.
   */
  private retrieveLexical(
    text: string,
    mode: RetrievalMode,
    pool: number,
    activeOnly: boolean,
    rule: ((m: MatchMentor) => boolean) | null,
  ): LexicalRetrieval {
    if (mode === 'semantic') return { hits: [], cosines: new Map() };
    const admissible = (rowId: number): boolean => {
      const m = this.search.mentors.get(rowId);
      return m !== undefined && (!activeOnly || m.active) && (!rule || rule(m));
    };
    const hits = this.search.lexical.search(text, pool, admissible);
    const cosines = this.search.lexical.cosineDocuments(
      text,
      hits.map((h) => h.id),
    );
    return { hits, cosines };
  }

  /**
   * The nearest mentors, merged with the lexical list. The vector index leaves inactive mentors out itself; the
   * request's own rule goes in a filter only when it has one (a filter costs the graph search a call per node).
   */
  private retrieveNearest(
    queryVector: Float32Array | null,
    lexical: LexicalRetrieval,
    pool: number,
    activeOnly: boolean,
    rule: ((m: MatchMentor) => boolean) | null,
  ): RetrievedCandidate[] {
    const passesRule = rule
      ? (rowId: number): boolean => {
          const m = this.search.mentors.get(rowId);
          return m !== undefined && rule(m);
        }
      : undefined;
    const vectorHits = queryVector ? this.search.nearest(queryVector, pool, activeOnly, passesRule) : [];
    return mergeCandidates(vectorHits, lexical.hits);
  }

  /** The cosines of the candidates only the vector list found. */
  private addLexicalCosines(
    text: string,
    retrieved: readonly RetrievedCandidate[],
    cosines: Map<number, number>,
  ): void {
    const missing = retrieved.filter((c) => !cosines.has(c.id)).map((c) => c.id);
    for (const [id, cosine] of this.search.lexical.cosineDocuments(text, missing)) cosines.set(id, cosine);
  }

  /** Stores what was served (after the answer is sent, see RequestLog) and counts the shows for exposure. */
  private async record(
    req: MatchRequest,
    configVersion: number | null,
    now: Date,
    matches: readonly (MentorMatch & { mentor: Mentor })[],
    userId: number | null,
  ): Promise<number> {
    const requestId = await this.requests.record({
      text: req.text,
      filters: { ...(req.filters ?? {}), ...(req.exclude ? { exclude: req.exclude } : {}), k: req.k },
      configVersion,
      createdAt: now,
      userId,
      matches: matches.map((m) => ({
        mentorRowId: m.rowId,
        rank: m.rank,
        score: m.score,
        propensity: m.propensity,
        breakdown: { factors: m.explanation.factors },
      })),
    });
    this.exposure.recordShown(matches.map((m) => m.rowId));
    return requestId;
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

  /** The session requests sent to a mentor, with the questions sent with them (newest first). */
  sessionRequestsFor(mentorExternalId: string, limit: number) {
    return this.requests.sessionRequestsFor(mentorExternalId, limit);
  }

  /** Writes the questions still queued, so that what follows reads or changes every one asked so far. */
  flushRequests(): Promise<void> {
    return this.requests.flush();
  }

  /** Stores the requests still queued; the database must stay open until this resolves. */
  close(): Promise<void> {
    return this.requests.flush();
  }
}
