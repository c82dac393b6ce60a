import type { Actor } from '../audit/audit-entry.js';
import type { ApiToken } from '../db/api-token-repository.js';
import type { ConductReport } from '../db/conduct-repository.js';
import type { StoredNotification } from '../db/notification-repository.js';
import type { OutboxEmail } from '../db/outbox-repository.js';
import type { Repositories } from '../db/repositories.js';
import type { UserQuestion, UserSessionRequest } from '../db/request-repository.js';
import type { User } from '../db/user-repository.js';
import type { Mentor } from '../domain/mentor.js';
import { AppError } from '../errors.js';
import type { MentorService } from '../services/mentor-service.js';

/** Everything the engine holds about one user, for them to take away (GET /api/me/export). */
export interface PersonalData {
  exportedAt: Date;
  user: User;
  /** The mentor profile the user speaks for, as it is stored. */
  mentorProfile: Mentor | null;
  questions: UserQuestion[];
  sessionRequests: UserSessionRequest[];
  /** Names and dates only: the secrets were never stored. */
  apiTokens: ApiToken[];
  /** Each version of the code of conduct the user accepted, and when. */
  conductAcceptances: Array<{ version: string; acceptedAt: Date }>;
  /** The reports of conduct the user made. */
  reportsMade: ConductReport[];
  /** The user's inbox (what each told of is rendered when read; here its kind and session request). */
  notifications: StoredNotification[];
  /** Emails to the user still in the outbox (sent ones are kept 30 days). */
  emails: OutboxEmail[];
}

/** What a departed mentor's profile becomes: out of every answer, and nothing left that names them. */
const ANONYMOUS_PROFILE = {
  name: 'Former mentor',
  headline: '',
  bio: 'This mentor has left the programme.',
  skills: [],
  location: null,
  active: false,
};

/** A user's own data: they can take it away, and delete their account. */
export class PersonalDataService {
  constructor(
    private readonly repos: Repositories,
    private readonly mentors: MentorService,
    /** Writes the questions still queued (MatchService.flushRequests): they are the user's too. */
    private readonly flushRequests: () => Promise<void>,
    /** Withdraws the user's open requests and cancels their sessions to come (SessionService.leave). */
    private readonly leaveSessions: (trx: Repositories, userId: number) => Promise<void>,
  ) {}

  /** The user's data; the export itself is recorded in the audit log (who took whose data, when). */
  async export(userId: number, actor: Actor): Promise<PersonalData> {
    await this.flushRequests();
    const user = await this.repos.users.get(userId);
    if (user === null) throw new AppError('USER_NOT_FOUND', { id: userId });
    const [history, apiTokens, mentorProfile, conductAcceptances, reportsMade, notifications, emails] =
      await Promise.all([
        this.repos.requests.byUser(userId),
        this.repos.apiTokens.list(userId),
        user.mentorId === null ? null : this.mentors.get(user.mentorId).catch(() => null),
        this.repos.conduct.acceptancesOf(userId),
        this.repos.conduct.reportsBy(userId),
        this.repos.notifications.listFor(userId, 10_000),
        this.repos.outbox.toAddress(user.email, 10_000),
      ]);
    await this.repos.audit.record(actor, {
      action: 'user.exported',
      entity: 'user',
      entityId: String(userId),
      changes: {},
    });
    return {
      exportedAt: new Date(),
      user,
      mentorProfile,
      ...history,
      apiTokens,
      conductAcceptances,
      reportsMade,
      notifications,
      emails,
    };
  }

  /**
   * Deletes the user's account: their mentor profile is taken out of every answer and anonymised (it stays, since
   * served matches and sessions refer to it), their questions and session requests stay only as counts (no text,
   * no note, no link to them), their open session requests are withdrawn and sessions to come cancelled, and the
   * user goes with their roles, sessions, tokens and sign-in identities. The
   * audit entry names the user by id and records the counts, not who they were. The last enabled admin cannot
   * leave (LAST_ADMIN): nobody could manage users after them.
   */
  async deleteAccount(userId: number, actor: Actor): Promise<{ questions: number; sessionRequests: number }> {
    const user = await this.repos.users.get(userId);
    if (user === null) throw new AppError('USER_NOT_FOUND', { id: userId });
    if (user.roles.includes('admin') && !user.disabled && (await this.repos.users.countEnabledAdmins()) <= 1) {
      throw new AppError('LAST_ADMIN');
    }
    if (user.mentorId !== null) await this.mentors.update(user.mentorId, ANONYMOUS_PROFILE, actor);
    await this.flushRequests();
    return this.repos.transaction(async (trx) => {
      // The same lock as every change to users and roles: two last admins leaving at once cannot both go.
      await trx.users.lockChanges();
      if (user.roles.includes('admin') && !user.disabled && (await trx.users.countEnabledAdmins()) <= 1) {
        throw new AppError('LAST_ADMIN');
      }
      await this.leaveSessions(trx, userId);
      const kept = await trx.requests.forgetUser(userId);
      // The inbox goes with the user (a foreign key); emails to them are deleted, sent or not.
      await trx.outbox.forgetAddress(user.email);
      await trx.users.delete(userId);
      await trx.audit.record(actor, {
        action: 'user.deleted',
        entity: 'user',
        entityId: String(userId),
        changes: {
          account: { before: 'active', after: 'deleted' },
          anonymisedQuestions: { before: null, after: kept.questions },
          anonymisedSessionRequests: { before: null, after: kept.sessionRequests },
        },
      });
      return kept;
    });
  }
}
