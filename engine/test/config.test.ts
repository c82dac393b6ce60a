import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig: embedding threads', () => {
  it('defaults to one batch worker per core, at most four, and one query thread', () => {
    const config = loadConfig({});
    expect(config.embeddingWorkers).toBe(Math.min(os.availableParallelism(), 4));
    expect(config.embeddingQueryThreads).toBe(1);
    expect(config.embeddingThreads).toBe(0);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes EMBEDDING_WORKERS=0 (batches on the event loop) and any count up to the number of cores', () => {
    const cores = os.availableParallelism();
    expect(loadConfig({ EMBEDDING_WORKERS: '0' }).embeddingWorkers).toBe(0);
    expect(loadConfig({ EMBEDDING_WORKERS: String(cores) }).embeddingWorkers).toBe(cores);
  });

  it.each(['-1', '1.5', 'two', String(os.availableParallelism() + 1), '100'])(
    'refuses EMBEDDING_WORKERS=%s, naming the variable and the range',
    (raw) => {
      expect(() => loadConfig({ EMBEDDING_WORKERS: raw })).toThrow(ConfigError);
      expect(() => loadConfig({ EMBEDDING_WORKERS: raw })).toThrow(
        `EMBEDDING_WORKERS must be an integer from 0 to ${os.availableParallelism()}, got "${raw}"`,
      );
    },
  );
});

describe('loadConfig: log level', () => {
  it('takes any pino level and defaults to info', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('refuses an unknown level, from the environment or an override, naming the variable and the levels', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
    expect(() => loadConfig({}, { logLevel: 'loud' })).toThrow(ConfigError);
  });
});

describe('loadConfig: model folder and question retention', () => {
  it('refuses a model name that leaves the models folder', () => {
    for (const model of ['..', '.', '../use-lite', 'a/b'])
      expect(() => loadConfig({ EMBEDDING_MODEL: model }), model).toThrow(/EMBEDDING_MODEL must be a folder name/);
    expect(loadConfig({ EMBEDDING_MODEL: 'use-lite.v2' }).model).toBe('use-lite.v2');
  });

  it('keeps question texts 90 days by default; 0 keeps them; a negative or non-numeric value is refused', () => {
    expect(loadConfig({}).questionRetentionDays).toBe(90);
    expect(loadConfig({ QUESTION_RETENTION_DAYS: '0' }).questionRetentionDays).toBe(0);
    expect(() => loadConfig({ QUESTION_RETENTION_DAYS: '-1' })).toThrow(/QUESTION_RETENTION_DAYS/);
    expect(() => loadConfig({ QUESTION_RETENTION_DAYS: 'forever' })).toThrow(/QUESTION_RETENTION_DAYS/);
  });
});

describe('loadConfig: request timeouts and connection caps', () => {
  it('defaults to 10 s for headers, 60 s for a request, 4096 connections and 256 per address', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      maxConnections: 4096,
      maxConnectionsPerAddress: 256,
    });
  });

  it('refuses a headers timeout longer than the request timeout, which includes it', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '2000' })).toThrow(
      'HEADERS_TIMEOUT_MS (5000) must not exceed REQUEST_TIMEOUT_MS (2000)',
    );
    expect(() => loadConfig({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS must be an integer from 1/);
  });
});

describe('loadConfig: email', () => {
  it('keeps emails in the outbox without SMTP_URL, and links to the engine itself by default', () => {
    const config = loadConfig({ PORT: '4000' });
    expect(config.smtpUrl).toBeNull();
    expect(config.publicUrl).toBe('http://127.0.0.1:4000');
    expect(config.outboxPollMs).toBe(2000);
    expect(config.outboxLeaseMs).toBe(60_000);
    expect(loadConfig({ PUBLIC_URL: 'https://mentors.example.org' }).publicUrl).toBe('https://mentors.example.org');
  });

  it('takes smtp:// and smtps:// URLs only, and an absolute PUBLIC_URL', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.org:465' }).smtpUrl).toBe(
      'smtps://u:p@mail.example.org:465',
    );
    expect(() => loadConfig({ SMTP_URL: 'mail.example.org:25' })).toThrow(/SMTP_URL must start with smtp:\/\//);
    expect(() => loadConfig({ PUBLIC_URL: 'mentors.example.org' })).toThrow(/PUBLIC_URL must be an absolute/);
    expect(() => loadConfig({ OUTBOX_POLL_MS: '0' })).toThrow(/OUTBOX_POLL_MS/);
  });
});
