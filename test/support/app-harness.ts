import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/src/app.js';
import { loadConfig } from '../../engine/src/config.js';
import type { MentorCreateBody } from '../../engine/src/domain/mentor-schema.js';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';
import { signInByDefault, type TestUser } from './auth-helpers.js';
import { HashingEmbeddingProvider } from './hashing-embedding-provider.js';

/** Wraps a provider and counts how many texts it was asked to embed, to prove what was (not) re-embedded. */
export class CountingEmbeddingProvider implements EmbeddingProvider {
  calls = 0;
  texts = 0;
  constructor(private readonly inner: EmbeddingProvider = new HashingEmbeddingProvider(64)) {}
  get id(): string {
    return this.inner.id;
  }
  get dimensions(): number {
    return this.inner.dimensions;
  }
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    return this.inner.embed(texts);
  }
}

/**
 * The hashing embedder paced like the real model (tens of milliseconds per call, yielding the event loop),
 * so that concurrent work overlaps an embedding as it does in production.
 */
export class ModelPacedEmbedder implements EmbeddingProvider {
  private readonly inner = new HashingEmbeddingProvider(64);
  readonly id = this.inner.id;
  readonly dimensions = this.inner.dimensions;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    await new Promise((resolve) => setTimeout(resolve, 40));
    return this.inner.embed(texts);
  }
}

export function makeTempDir(prefix = 'mm-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface TestAppOptions {
  dataDir?: string;
  embedder?: EmbeddingProvider;
  /** Extra environment-style settings for loadConfig (BODY_LIMIT_BYTES, EXACT_SCAN_BELOW ...). */
  env?: Record<string, string>;
  /**
   * True (the default): requests without credentials of their own carry the API token of a user holding every
   * role (`signInByDefault`). False: they carry none, for tests of access itself.
   */
  signedIn?: boolean;
  /** The engine's session clock (AppOptions.now); the system's when absent. */
  now?: () => Date;
}

export interface TestApp {
  app: FastifyInstance;
  dataDir: string;
  /** The user whose token requests carry by default; null with `signedIn: false`. */
  harnessUser: TestUser | null;
  /** Closes the app; removes the data folder only when the harness created it. */
  close(): Promise<void>;
}

/** Builds the engine on a throwaway (or given) data folder with the fast hashing embedder, ready to query. */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const owned = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? makeTempDir();
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DASHBOARD_DIR: '', ...opts.env });
  const app = await buildApp({ config, embedder: opts.embedder ?? new HashingEmbeddingProvider(64), now: opts.now });
  await app.ready();
  await app.engine().search.whenReady();
  const harnessUser = opts.signedIn === false ? null : await signInByDefault(app);
  return {
    app,
    dataDir,
    harnessUser,
    async close() {
      await app.close();
      if (owned) removeDir(dataDir);
    },
  };
}

/** A body for POST /api/mentors. */
export type MentorBody = MentorCreateBody;

export function mentor(id: string, overrides: Partial<MentorBody> = {}): MentorBody {
  return {
    id,
    name: `Mentor ${id}`,
    headline: 'Engineering manager',
    bio: `I am mentor ${id}. I led software teams for ten years and coach people on careers in engineering.`,
    skills: ['leadership'],
    languages: ['en'],
    timezone: 'Europe/Berlin',
    yearsExperience: 10,
    ...overrides,
  };
}

const topics = [
  'negotiated salary offers and compensation packages',
  'moved from teaching into product management',
  'built data pipelines and analytics platforms',
  'ran clinical trials as a hospital nurse',
  'founded two startups and raised seed funding',
  'managed public sector procurement projects',
  'designed mobile apps and ran user research',
  'led enterprise sales teams across Europe',
];

/** A varied, deterministic mentor for bulk files: row i always gives the same mentor. */
export function bulkMentor(i: number, prefix = 'bulk'): MentorBody {
  const topic = topics[i % topics.length]!;
  return mentor(`${prefix}-${i}`, {
    name: `Person ${i}`,
    headline: `Specialist ${i % 17}`,
    bio: `Over ${5 + (i % 20)} years I ${topic}. Mentor number ${i} enjoys helping people grow.`,
    skills: [`skill-${i % 13}`],
    yearsExperience: 5 + (i % 20),
  });
}

export function jsonLines(rows: readonly unknown[]): string {
  return `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
}
