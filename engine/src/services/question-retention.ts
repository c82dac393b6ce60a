import type { FastifyBaseLogger } from 'fastify';
import type { RequestRepository } from '../db/request-repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Mentees describe personal problems; their words are needed for a while (the weights lab previews recent
 * questions, a mentor reads the note of a session request), not for ever. The texts of questions and the notes of
 * session requests older than the retention are erased at start and then hourly; what each question was served
 * and which sessions were asked for stay, for exposure balancing, capacity and the audit of served matches.
 */
export class QuestionRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly requests: Pick<RequestRepository, 'eraseTextsBefore'>,
    private readonly days: number,
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'warn'>,
  ) {}

  start(): void {
    if (this.days === 0) return;
    const run = () => {
      this.running = this.eraseExpired().catch((err: unknown) =>
        this.log.warn({ err }, 'erasing expired question texts and notes failed; the next hour tries again'),
      );
    };
    run();
    this.timer = setInterval(run, HOUR_MS).unref();
  }

  /** Erases the question texts and notes written more than the retention before `now`; returns how many. */
  async eraseExpired(now = new Date()): Promise<number> {
    if (this.days === 0) return 0;
    const erased = await this.requests.eraseTextsBefore(new Date(now.getTime() - this.days * DAY_MS));
    if (erased > 0)
      this.log.info(
        { erased, retentionDays: this.days },
        'erased the question texts and request notes older than the retention',
      );
    return erased;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
