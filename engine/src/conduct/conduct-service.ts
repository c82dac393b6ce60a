import { createHash } from 'node:crypto';
import type { Actor } from '../audit/audit-entry.js';
import type { ConductReport } from '../db/conduct-repository.js';
import type { Repositories } from '../db/repositories.js';
import { AppError } from '../errors.js';

export interface ConductStatus {
  version: string;
  text: string;
  /** When the user accepted this version; null until they do. */
  acceptedAt: Date | null;
}

export interface ReportInput {
  /** The user whose conduct is reported. */
  userId?: number | undefined;
  /** The session request it happened in; names the other party when `userId` is absent. */
  sessionRequestId?: number | undefined;
  text: string;
}

/**
 * The organisation's code of conduct (CODE_OF_CONDUCT_FILE): every user accepts it, at their first sign-in and
 * again whenever its text changes (its version is a digest of the text), before the API lets them change
 * anything; and the reports of conduct users make about each other, which coordinators handle.
 */
export class ConductService {
  readonly version: string;
  /** Users known to have accepted this version: the check runs on every write, and an acceptance is for ever. */
  private readonly accepted = new Set<number>();

  constructor(
    private readonly repos: Repositories,
    readonly text: string,
  ) {
    this.version = createHash('sha256').update(text).digest('hex').slice(0, 12);
  }

  async status(userId: number): Promise<ConductStatus> {
    return {
      version: this.version,
      text: this.text,
      acceptedAt: await this.repos.conduct.acceptedAt(userId, this.version),
    };
  }

  async hasAccepted(userId: number): Promise<boolean> {
    if (this.accepted.has(userId)) return true;
    const at = await this.repos.conduct.acceptedAt(userId, this.version);
    if (at !== null) this.accepted.add(userId);
    return at !== null;
  }

  /**
   * Records that the user accepted `version`, which must be the text they were shown (CONDUCT_VERSION_CHANGED
   * otherwise), with the time; audited the first time.
   */
  async accept(userId: number, version: string, actor: Actor): Promise<ConductStatus> {
    if (version !== this.version) throw new AppError('CONDUCT_VERSION_CHANGED', { version, current: this.version });
    const acceptedAt = await this.repos.transaction(async (trx) => {
      const result = await trx.conduct.accept(userId, version);
      if (result.first) {
        await trx.audit.record(actor, {
          action: 'conduct.accepted',
          entity: 'user',
          entityId: String(userId),
          changes: { conductVersion: { before: null, after: version } },
        });
      }
      return result.acceptedAt;
    });
    this.accepted.add(userId);
    return { version, text: this.text, acceptedAt };
  }

  /**
   * A user reports another's conduct, naming them, a session request both took part in, or both. A session
   * request the reporter had no part in is SESSION_REQUEST_NOT_FOUND, as if it did not exist. Audited without
   * the text, which only coordinators read.
   */
  async report(reporterId: number, input: ReportInput, actor: Actor): Promise<number> {
    if (input.userId === undefined && input.sessionRequestId === undefined) {
      throw new AppError('VALIDATION_FAILED', {
        detail: 'name the user (userId) or the session request (sessionRequestId)',
      });
    }
    let reported = input.userId ?? null;
    if (input.sessionRequestId !== undefined) {
      const parties = await this.repos.conduct.sessionRequestParties(input.sessionRequestId);
      if (parties === null || (parties.menteeId !== reporterId && parties.mentorUserId !== reporterId)) {
        throw new AppError('SESSION_REQUEST_NOT_FOUND', { id: input.sessionRequestId });
      }
      reported ??= parties.menteeId === reporterId ? parties.mentorUserId : parties.menteeId;
    }
    if (reported === reporterId) throw new AppError('VALIDATION_FAILED', { detail: 'you cannot report yourself' });
    if (input.userId !== undefined && (await this.repos.users.get(input.userId)) === null) {
      throw new AppError('USER_NOT_FOUND', { id: input.userId });
    }
    return this.repos.transaction(async (trx) => {
      const id = await trx.conduct.createReport({
        reporterId,
        reportedUserId: reported,
        sessionRequestId: input.sessionRequestId ?? null,
        text: input.text,
      });
      await trx.audit.record(actor, {
        action: 'conduct-report.created',
        entity: 'conduct-report',
        entityId: String(id),
        changes: {
          reportedUserId: { before: null, after: reported },
          sessionRequestId: { before: null, after: input.sessionRequestId ?? null },
        },
      });
      return id;
    });
  }

  listReports(q: { open: boolean; limit: number }): Promise<ConductReport[]> {
    return this.repos.conduct.listReports(q);
  }

  /** Marks the report handled by the coordinator `userId` (the first one to do so stays); audited. */
  async markHandled(id: number, userId: number, actor: Actor): Promise<ConductReport> {
    return this.repos.transaction(async (trx) => {
      const before = await trx.conduct.getReport(id);
      if (before === null) throw new AppError('REPORT_NOT_FOUND', { id });
      if (before.handledAt !== null) return before;
      await trx.conduct.markHandled(id, userId);
      const after = (await trx.conduct.getReport(id))!;
      await trx.audit.record(actor, {
        action: 'conduct-report.handled',
        entity: 'conduct-report',
        entityId: String(id),
        changes: { handledAt: { before: null, after: after.handledAt?.toISOString() } },
      });
      return after;
    });
  }
}
