import type { FastifyBaseLogger } from 'fastify';
import nodemailer, { type Transporter } from 'nodemailer';
import type { OutboxEmail, OutboxRepository } from '../db/outbox-repository.js';

export interface OutboxWorkerOptions {
  /** SMTP server URL (smtp:// or smtps://). */
  smtpUrl: string;
  from: string;
  pollMs: number;
  /** How long a claimed row is held; sends that would run past half of it wait for the next claim. */
  leaseMs: number;
  log: FastifyBaseLogger;
  /** Rows claimed at a time. */
  batchSize?: number;
  /** The first retry waits about this long, each further one twice as long... */
  retryBaseMs?: number;
  /** ...up to this. */
  retryCapMs?: number;
  /** After this many failed attempts a row is left unsent for good; admins see it at GET /api/outbox. */
  maxAttempts?: number;
}

/** Sent emails hold names and addresses; the inbox keeps what they said, so they go after a month. */
const KEEP_SENT_DAYS = 30;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Sends the outbox's emails through SMTP. Rows are claimed with a lease (OutboxRepository.claimDue), sent, then
 * marked sent; a crash between sending and marking sends the row again once the lease runs out, with the same
 * Message-ID and X-Idempotency-Key, so the receiver can recognise the copy. A failure is retried with
 * exponential backoff and jitter. Logs name row ids only, never addresses or texts.
 */
export class OutboxWorker {
  private readonly transport: Transporter;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private purgedAt = 0;
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private readonly retryCapMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly options: OutboxWorkerOptions,
  ) {
    this.batchSize = options.batchSize ?? 10;
    this.retryBaseMs = options.retryBaseMs ?? 5_000;
    this.retryCapMs = options.retryCapMs ?? 3_600_000;
    this.maxAttempts = options.maxAttempts ?? 12;
    // Shorter than the lease, so that a hung server fails the send before another worker takes the row over.
    const timeout = Math.max(1_000, Math.floor(options.leaseMs / 3));
    // One pooled connection, kept between messages: a new one per message added about 100 ms to each send
    // (notification crash test, server answering after 150 ms: 250 ms per email, 150 ms pooled).
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      url: options.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  start(): void {
    if (this.stopped || this.timer !== null || this.running !== null) return;
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.transport.close();
  }

  /** Claims and sends one batch; answers how many rows it claimed. */
  async runOnce(): Promise<number> {
    if (Date.now() - this.purgedAt > PURGE_EVERY_MS) {
      this.purgedAt = Date.now();
      await this.outbox.purgeSent(KEEP_SENT_DAYS);
    }
    const claimedAt = Date.now();
    const emails = await this.outbox.claimDue(this.batchSize, this.options.leaseMs);
    for (const email of emails) {
      // Rows left over go back when the lease runs out rather than being sent while another worker may take them.
      if (this.stopped || Date.now() - claimedAt > this.options.leaseMs / 2) break;
      await this.send(email);
    }
    return emails.length;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .then(
          (claimed) => claimed,
          (err: unknown) => {
            this.options.log.warn({ err }, 'the outbox worker could not read the outbox; it tries again');
            return 0;
          },
        )
        .then((claimed) => {
          this.running = null;
          // A full batch suggests more are due: go on at once.
          if (!this.stopped) this.schedule(claimed >= this.batchSize ? 0 : this.options.pollMs);
        });
    }, delayMs);
    this.timer.unref?.();
  }

  private async send(email: OutboxEmail): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: email.toAddress,
        subject: email.subject,
        text: email.textBody,
        messageId: `<${email.idempotencyKey}@mentormatch>`,
        headers: { 'X-Idempotency-Key': email.idempotencyKey },
        ...(email.ics === null
          ? {}
          : { icalEvent: { method: icsMethod(email.ics), filename: 'invite.ics', content: email.ics } }),
      });
    } catch (err) {
      const attempts = email.attempts + 1;
      const error = describeSendError(err);
      const retryInMs = attempts >= this.maxAttempts ? null : backoffMs(attempts, this.retryBaseMs, this.retryCapMs);
      await this.outbox.markFailed(email.id, retryInMs, error);
      this.options.log.warn(
        { outboxId: email.id, attempts, error, retryInMs },
        retryInMs === null
          ? 'an email could not be sent; no more retries'
          : 'an email could not be sent; it is retried',
      );
      return;
    }
    await this.outbox.markSent(email.id);
  }
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random, so that retries spread out. */
export function backoffMs(attempts: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const delay = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay / 2 + random() * (delay / 2));
}

function icsMethod(ics: string): string {
  return /^METHOD:([A-Z-]+)/m.exec(ics)?.[1] ?? 'REQUEST';
}

/**
 * What went wrong, without personal data: SMTP replies often quote the address ("550 <ana@example.org>: unknown
 * user"), so addresses are replaced.
 */
export function describeSendError(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  const text = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : '';
  const clean = text
    .replace(/[^\s<>"',;:]+@[^\s<>"',;:]+/g, '<address>')
    .replace(/\s+/g, ' ')
    .trim();
  return `${code}${typeof e.responseCode === 'number' ? ` ${e.responseCode}` : ''}: ${clean}`.slice(0, 300);
}
