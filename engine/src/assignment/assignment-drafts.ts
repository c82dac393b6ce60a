import { randomUUID } from 'node:crypto';
import type { CohortRepository } from '../db/cohort-repository.js';
import type { UserRepository } from '../db/user-repository.js';
import { AppError, type ErrorBody } from '../errors.js';
import type { JobProgress, JobService } from '../services/job-service.js';
import type { SearchIndex } from '../services/search-index.js';
import type { SessionService } from '../sessions/session-service.js';
import type { AssignmentOutcome, MenteeMentorPair } from './assignment-problem.js';
import type { AssignmentOptions, CohortAssignmentService, CohortCandidates } from './cohort-assignment-service.js';
import { type CohortEntry, type CohortRowError, parseCohort } from './cohort-file.js';

/** Drafts kept in memory; the oldest beyond this are dropped (a draft is cheap to run again from its file). */
const KEEP_DRAFTS = 10;

/**
 * Explanations kept per mentee, of their best candidates: nearly every assignment lands among them, and keeping
 * all 50 would hold about 250,000 explanation objects for a cohort of 5,000. A mentor further down the list is
 * shown without one.
 */
const EXPLAINED_CANDIDATES = 10;

/** Candidates offered per mentee for pinning in the review: the matcher's top few. */
const REVIEW_CANDIDATES = 5;

/** Longest note a session request takes (the session routes' limit): the mentee's question, shortened. */
const NOTE_MAX = 2000;

/** Most open questions one draft takes. */
const OPEN_QUESTIONS_MAX = 5000;

const DAY_MS = 86_400_000;

export interface DraftSettings extends Omit<AssignmentOptions, 'pins' | 'forbids'> {
  k?: number;
  departmentConflicts?: boolean;
}

export interface PublishedPair {
  menteeId: string;
  mentorId: string;
  /** The session request made, or why none was (no user with the mentee's email, a refusal's code). */
  sessionRequestId: number | null;
  problem: string | null;
}

interface Draft {
  id: string;
  /** A file the coordinator uploaded, or mentees' open questions, whose texts only an admin's setting shows. */
  source: 'file' | 'open-questions';
  /** The question each mentee of an open-questions draft asked: published requests are sent with it. */
  questionIds: Map<string, number>;
  jobId: string;
  createdAt: Date;
  cohort: CohortEntry[];
  rowErrors: CohortRowError[];
  settings: DraftSettings;
  pins: MenteeMentorPair[];
  forbids: MenteeMentorPair[];
  candidates: CohortCandidates | null;
  outcome: AssignmentOutcome | null;
  published: { at: Date; pairs: PublishedPair[] } | null;
}

/**
 * Coordinators' assignment drafts: a cohort matched in a background job, then reviewed, re-solved with pins and
 * forbids, and published as session requests. Drafts live in memory: their effect, the session requests, is what
 * persists, and a draft lost to a restart is made again from the cohort file in a minute.
 */
export class AssignmentDrafts {
  private readonly drafts = new Map<string, Draft>();

  constructor(
    private readonly o: {
      assignments: CohortAssignmentService;
      jobs: JobService;
      search: SearchIndex;
      users: UserRepository;
      cohorts: CohortRepository;
      /** Writes the questions the request log still queues, so that the newest are in the cohort. */
      flushQuestions: () => Promise<void>;
      sessions: SessionService;
      /** Whether coordinators may read mentees' question texts (the admin's privacy setting). */
      questionTextsVisible: () => Promise<boolean>;
    },
  ) {}

  /** Reads the cohort file (every bad row reported; none usable is a 400) and starts matching it. */
  create(file: { text: string; format: 'csv' | 'jsonl' }, settings: DraftSettings) {
    const { entries, errors } = parseCohort(file.text, file.format);
    if (entries.length === 0)
      throw new AppError(
        'VALIDATION_FAILED',
        {
          detail: `the cohort file has no usable row${errors[0] ? ` (row ${errors[0].row}: ${errors[0].message})` : ''}`,
        },
        { rowErrors: errors.slice(0, 100) },
      );
    return this.start(entries, errors, settings, 'file', new Map());
  }

  /**
   * The cohort of mentees' open questions of the last `days` (each signed-in mentee's newest question that no
   * session request was sent with), matched as a file's would be.
   */
  async createFromOpenQuestions(days: number, settings: DraftSettings) {
    await this.o.flushQuestions();
    const open = await this.o.cohorts.openQuestions(new Date(Date.now() - days * DAY_MS), OPEN_QUESTIONS_MAX);
    if (open.length === 0)
      throw new AppError('VALIDATION_FAILED', { detail: `no mentee asked a question in the last ${days} days` });
    const entries: CohortEntry[] = open.map((q) => ({
      id: q.email,
      email: q.email,
      question: q.text,
      languages: [],
      timezone: q.timeZone,
      department: q.department,
      careerStartYear: q.careerStartYear,
      preferred: [],
      excluded: [],
      mentors: null,
    }));
    return this.start(entries, [], settings, 'open-questions', new Map(open.map((q) => [q.email, q.requestId])));
  }

  private start(
    entries: CohortEntry[],
    errors: CohortRowError[],
    settings: DraftSettings,
    source: Draft['source'],
    questionIds: Map<string, number>,
  ) {
    const id = randomUUID();
    const draft: Draft = {
      id,
      source,
      questionIds,
      jobId: '',
      createdAt: new Date(),
      cohort: entries,
      rowErrors: errors,
      settings,
      pins: [],
      forbids: [],
      candidates: null,
      outcome: null,
      published: null,
    };
    const job = this.o.jobs.start('assignment', async (report, signal) => {
      draft.candidates = await this.o.assignments.candidates(entries, {
        ...(settings.k ? { k: settings.k } : {}),
        departmentConflicts: settings.departmentConflicts === true,
        explain: EXPLAINED_CANDIDATES,
        report,
        signal,
      });
      report({ done: entries.length, total: entries.length, stage: 'solving' });
      draft.outcome = await this.solve(draft);
      return { draftId: id };
    });
    draft.jobId = job.id;
    this.drafts.set(id, draft);
    for (const old of this.drafts.keys()) {
      if (this.drafts.size <= KEEP_DRAFTS) break;
      this.drafts.delete(old);
    }
    return this.view(draft);
  }

  get(id: string) {
    return this.view(this.draft(id));
  }

  /** Solves the draft again with the coordinator's pins, forbids and settings; fast, so answered at once. */
  async resolve(
    id: string,
    change: {
      pins?: MenteeMentorPair[];
      forbids?: MenteeMentorPair[];
      settings?: Omit<DraftSettings, 'k' | 'departmentConflicts'>;
    },
  ) {
    const draft = this.ready(id);
    if (change.pins) draft.pins = change.pins;
    if (change.forbids) draft.forbids = change.forbids;
    // The candidates stay as matched: K and the department rule apply when the cohort is run.
    if (change.settings) {
      const { k, departmentConflicts } = draft.settings;
      draft.settings = {
        ...change.settings,
        ...(k ? { k } : {}),
        ...(departmentConflicts !== undefined ? { departmentConflicts } : {}),
      };
    }
    draft.outcome = await this.solve(draft);
    return this.view(draft);
  }

  /**
   * Sends a session request for every assigned pair, as the mentee (found by the email in the cohort file, or an
   * id that is one), with their question as the note; the mentor is notified by the session service. A pair
   * whose mentee has no account, or that the session rules refuse (open requests, rate), is reported, not fatal.
   */
  async publish(id: string) {
    const draft = this.ready(id);
    const entries = new Map(draft.cohort.map((e) => [e.id, e]));
    const pairs: PublishedPair[] = [];
    for (const m of draft.outcome!.mentees) {
      if (m.mentors.length === 0) continue;
      const entry = entries.get(m.menteeId)!;
      const email = entry.email ?? (entry.id.includes('@') ? entry.id : null);
      const user = email === null ? null : await this.o.users.getByEmail(email.toLowerCase());
      for (const a of m.mentors) {
        if (!user) {
          pairs.push({ menteeId: m.menteeId, mentorId: a.mentorId, sessionRequestId: null, problem: 'NO_ACCOUNT' });
          continue;
        }
        try {
          const request = await this.o.sessions.create(
            { userId: user.id, mentorId: null, staff: false },
            {
              mentorId: a.mentorId,
              // An open question travels as itself; a file's question as the note.
              requestId: draft.questionIds.get(m.menteeId) ?? null,
              note: draft.questionIds.has(m.menteeId) ? null : entry.question.slice(0, NOTE_MAX),
              slot: null,
              timeZone: entry.timezone,
            },
          );
          pairs.push({ menteeId: m.menteeId, mentorId: a.mentorId, sessionRequestId: request.id, problem: null });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          pairs.push({ menteeId: m.menteeId, mentorId: a.mentorId, sessionRequestId: null, problem: err.code });
        }
      }
    }
    draft.published = { at: new Date(), pairs };
    return this.view(draft);
  }

  private solve(draft: Draft): Promise<AssignmentOutcome> {
    const { k: _k, departmentConflicts: _d, ...options } = draft.settings;
    return this.o.assignments.solve(draft.candidates!, { ...options, pins: draft.pins, forbids: draft.forbids });
  }

  private draft(id: string): Draft {
    const draft = this.drafts.get(id);
    if (!draft) throw new AppError('ASSIGNMENT_NOT_FOUND', { id });
    return draft;
  }

  private ready(id: string): Draft {
    const draft = this.draft(id);
    if (draft.published) throw new AppError('ASSIGNMENT_PUBLISHED', { id, at: draft.published.at.toISOString() });
    if (!draft.outcome) throw new AppError('ASSIGNMENT_NOT_READY', { id });
    return draft;
  }

  private async view(draft: Draft) {
    const job = this.jobView(draft.jobId);
    // A file's questions are the coordinator's own; mentees' questions are shown only where an admin allows.
    const showQuestions = draft.source === 'file' || (await this.o.questionTextsVisible());
    const state: 'running' | 'failed' | 'ready' | 'published' = draft.published
      ? 'published'
      : draft.outcome
        ? 'ready'
        : job.state === 'failed'
          ? 'failed'
          : 'running';
    const outcome = draft.outcome;
    const explanations = draft.candidates?.explanations ?? null;
    const entries = new Map(draft.cohort.map((e) => [e.id, e]));
    const inputs = new Map((draft.candidates?.mentees ?? []).map((m) => [m.id, m]));
    const name = (mentorId: string): string => this.o.search.mentorByExternalId(mentorId)?.name ?? mentorId;
    return {
      id: draft.id,
      source: draft.source,
      state,
      progress: state === 'running' ? job.progress : null,
      error: job.error ?? null,
      createdAt: draft.createdAt.toISOString(),
      configVersion: draft.candidates?.configVersion ?? null,
      settings: draft.settings,
      rowErrors: draft.rowErrors.slice(0, 100),
      pins: draft.pins,
      forbids: draft.forbids,
      status: outcome?.status ?? null,
      infeasibility: outcome?.infeasibility ?? [],
      totals: outcome?.totals ?? null,
      timings: outcome
        ? {
            embedMs: Math.round(draft.candidates!.timings.embedMs),
            matchMs: Math.round(draft.candidates!.timings.matchMs),
            buildMs: Math.round(outcome.timings.buildMs),
            solveMs: Math.round(outcome.timings.solveMs),
          }
        : null,
      mentees: (outcome?.mentees ?? []).map((m) => ({
        ...m,
        question: showQuestions ? entries.get(m.menteeId)!.question : null,
        mentors: m.mentors.map((a) => ({
          ...a,
          name: name(a.mentorId),
          explanation: explanations?.get(m.menteeId)?.get(a.mentorId) ?? null,
        })),
        candidates: (inputs.get(m.menteeId)?.candidates ?? []).slice(0, REVIEW_CANDIDATES).map((c) => ({
          mentorId: c.mentorId,
          name: name(c.mentorId),
          score: c.score,
          conflict: c.blocked === 'conflict',
        })),
      })),
      published: draft.published ? { at: draft.published.at.toISOString(), pairs: draft.published.pairs } : null,
    };
  }

  private jobView(jobId: string): { state: string; progress: JobProgress; error?: ErrorBody } {
    try {
      return this.o.jobs.get(jobId);
    } catch {
      // Evicted from the job list long after it ended.
      return { state: 'done', progress: { done: 0, total: null, stage: 'done' } };
    }
  }
}

export type AssignmentDraftView = Awaited<ReturnType<AssignmentDrafts['get']>>;
