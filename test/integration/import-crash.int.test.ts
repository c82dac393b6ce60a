import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/src/config.js';
import { openDatabase } from '../../engine/src/db/database.js';
import { EmbeddingRepository } from '../../engine/src/db/embedding-repository.js';
import { bulkMentor, jsonLines, makeTempDir, removeDir } from '../support/app-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, 'engine-process.ts');
const dataDir = makeTempDir('mm-crash-');
const ROWS = 10_000;
const file = jsonLines(Array.from({ length: ROWS }, (_, i) => bulkMentor(i, 'crash')));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  removeDir(dataDir);
});

interface Engine {
  child: ChildProcess;
  url: string;
  /** Authorization for coordinator routes. */
  auth: { authorization: string };
}

/** Starts the engine process and resolves once it listens. */
function startEngine(opts: { realModel?: boolean; dataDir?: string } = {}): Promise<Engine> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(opts.realModel ? ['--real-model'] : [])], {
    cwd: path.resolve(here, '../..'),
    env: { ...process.env, DATA_DIR: opts.dataDir ?? dataDir, EXACT_SCAN_BELOW: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) {
        const { port, token } = JSON.parse(line) as { port: number; token: string };
        resolve({ child, url: `http://127.0.0.1:${port}`, auth: { authorization: `Bearer ${token}` } });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`engine exited with ${code} before listening: ${err.slice(-2000)}`)));
  });
}

async function stop(engine: Engine, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((r) => engine.child.once('exit', r));
  engine.child.kill(signal);
  return exited;
}

async function status(engine: Engine) {
  const res = await fetch(`${engine.url}/api/status`);
  return (await res.json()) as { mentors: { total: number; indexed: number }; index: { state: string } };
}

function postImport(engine: Engine): Promise<Response> {
  return fetch(`${engine.url}/api/mentors/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...engine.auth },
    body: file,
  });
}

/** Mentors without an embedding and the number of mentors, read straight from the data folder. */
async function storedState(
  dir = dataDir,
  modelId = 'hashing-64',
): Promise<{ mentors: number; missing: number[]; embeddings: number }> {
  const handle = await openDatabase(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }));
  try {
    const embeddings = new EmbeddingRepository(handle.db);
    const row = await handle.db
      .selectFrom('mentors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return {
      mentors: Number(row.n),
      missing: await embeddings.missingForModel(modelId),
      embeddings: (await embeddings.checksum(modelId)).count,
    };
  } finally {
    await handle.close();
  }
}

describe('SIGKILL during a 10k-row import', () => {
  it('leaves every mentor fully present or absent, and the import can be rerun to completion', async () => {
    const first = await startEngine();
    const importing = postImport(first).catch((err: unknown) => err);
    let landed = 0;
    for (let i = 0; i < 1200 && landed === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      landed = (await status(first)).mentors.total;
    }
    expect(landed).toBeGreaterThan(0);
    await stop(first, 'SIGKILL');
    expect(await importing).toBeInstanceOf(Error);

    // Before any engine repairs anything: each stored mentor has its embedding, written in the same transaction.
    const crashed = await storedState();
    expect(crashed.mentors).toBeGreaterThan(0);
    expect(crashed.mentors).toBeLessThan(ROWS);
    expect(crashed.missing).toEqual([]);
    expect(crashed.embeddings).toBe(crashed.mentors);

    const second = await startEngine();
    const after = await status(second);
    expect(after.index.state).toBe('ready');
    expect(after.mentors.total).toBe(crashed.mentors);
    expect(after.mentors.indexed).toBe(after.mentors.total);

    const rerun = await postImport(second);
    expect(rerun.status).toBe(200);
    const result = (await rerun.json()) as {
      rows: number;
      created: number;
      unchanged: number;
      updated: number;
      failed: number;
    };
    expect(result).toMatchObject({ rows: ROWS, failed: 0, updated: 0 });
    expect(result.unchanged).toBe(crashed.mentors);
    expect(result.created).toBe(ROWS - crashed.mentors);
    const done = await status(second);
    expect(done.mentors).toEqual({ total: ROWS, active: ROWS, indexed: ROWS });

    const last = await fetch(`${second.url}/api/mentors/crash-${ROWS - 1}`, { headers: second.auth });
    expect(last.status).toBe(200);
    const match = await fetch(`${second.url}/api/match`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // The bulk bios differ only in their numbers; the mentor's own number is what singles it out.
      body: JSON.stringify({ text: `Mentor number ${ROWS - 1}`, k: 5 }),
    });
    expect(
      ((await match.json()) as { matches: Array<{ mentor: { id: string } }> }).matches.map((m) => m.mentor.id),
    ).toContain(`crash-${ROWS - 1}`);
    await stop(second, 'SIGTERM');
  }, 600_000);
});

describe('SIGTERM during an import job, with the model on its worker threads', () => {
  const modelDir = makeTempDir('mm-sigterm-');
  afterAll(() => removeDir(modelDir));

  it('stops after the batch under way, exits 0, and leaves every stored mentor embedded', async () => {
    const engine = await startEngine({ realModel: true, dataDir: modelDir });
    const rows = jsonLines(Array.from({ length: 5000 }, (_, i) => bulkMentor(i, 'term')));
    const started = await fetch(`${engine.url}/api/jobs/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', ...engine.auth },
      body: rows,
    });
    expect(started.status).toBe(202);
    let landed = 0;
    for (let i = 0; i < 600 && landed === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      landed = (await status(engine)).mentors.total;
    }
    expect(landed).toBeGreaterThan(0);
    const modelId = ((await (await fetch(`${engine.url}/api/status`)).json()) as { model: { id: string } }).model.id;
    // Before: the embedding threads were terminated inside an onnxruntime run and the process aborted (134).
    expect(await stop(engine, 'SIGTERM')).toBe(0);
    const stored = await storedState(modelDir, modelId);
    expect(stored.mentors).toBeGreaterThan(0);
    expect(stored.mentors).toBeLessThan(5000);
    expect(stored.missing).toEqual([]);
    expect(stored.embeddings).toBe(stored.mentors);
  }, 300_000);
});
