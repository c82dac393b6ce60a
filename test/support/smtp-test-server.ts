import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the test server received it, parsed. */
export interface ReceivedEmail {
  /** The envelope's recipients. */
  to: string[];
  subject: string;
  text: string;
  messageId: string | null;
  /** The X-Idempotency-Key header. */
  idempotencyKey: string | null;
  /** Calendar parts (an attached invite), as text. */
  calendars: Array<{ contentType: string; method: string | null; content: string }>;
  parsed: ParsedMail;
  receivedAt: number;
}

export interface SmtpTestServer {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  received: ReceivedEmail[];
  /** Every attempt to deliver a message, refused ones included (time in ms). */
  attempts: number[];
  /** Refuses the next `n` messages with a temporary error (451), as a busy server does. */
  refuseNext(n: number): void;
  /** Waits until at least `count` messages arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEmail[]>;
  stop(): Promise<void>;
}

export interface SmtpTestServerOptions {
  /**
   * Keeps a message (it counts as received) but answers its OK this much later: a sender that dies meanwhile has
   * sent the message without learning so, as after a crash between sending and recording it.
   */
  replyDelayMs?: number;
  /** Called with each message as it is kept, before the OK is answered. */
  onReceived?: (email: ReceivedEmail) => void;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps what it receives, parsed with
 * `mailparser`. Without STARTTLS or authentication: nodemailer sends in plain text to it over loopback.
 */
export async function startSmtpTestServer(opts: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const received: ReceivedEmail[] = [];
  const attempts: number[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      attempts.push(Date.now());
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const err = new Error('Try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
          return;
        }
        const to = session.envelope.rcptTo.map((r) => r.address);
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            const email = toReceived(parsed, to);
            received.push(email);
            opts.onReceived?.(email);
            if (opts.replyDelayMs) setTimeout(() => callback(), opts.replyDelayMs);
            else callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    attempts,
    refuseNext(n) {
      refusals = n;
    },
    async waitFor(count, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} emails, ${received.length} arrived`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function toReceived(parsed: ParsedMail, to: string[]): ReceivedEmail {
  const header = (name: string) => {
    const value = parsed.headers.get(name);
    return typeof value === 'string' ? value : null;
  };
  const calendars = parsed.attachments
    .filter((a) => a.contentType.startsWith('text/calendar'))
    .map((a) => ({
      contentType: a.contentType,
      method: /^METHOD:(\S+)/m.exec(a.content.toString('utf8'))?.[1] ?? null,
      content: a.content.toString('utf8'),
    }));
  return {
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    messageId: parsed.messageId ?? null,
    idempotencyKey: header('x-idempotency-key'),
    calendars,
    parsed,
    receivedAt: Date.now(),
  };
}
