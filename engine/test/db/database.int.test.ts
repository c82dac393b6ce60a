import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrations } from '../../src/db/migration-provider.js';
import { createRepositories } from '../../src/db/repositories.js';
import {
  decodeVectors,
  embeddingChecksum,
  embeddingChecksumInTurns,
  encodeVectors,
} from '../../src/db/vector-codec.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const temporary: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mm-db-'));
  temporary.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('migrations', () => {
  it('registers every file in the migrations folder', async () => {
    const files = (await readdir(path.join(here, '../../src/db/migrations'))).filter((f) => f.endsWith('.ts'));
    expect(Object.keys(migrations).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());
  });
});

describe('vector codec', () => {
  it('decodes what it encodes, from unaligned bytes too', () => {
    const vectors = [new Float32Array([1.5, -2.25, 3e-40]), new Float32Array([Math.PI, -0, 1e30])];
    const bytes = encodeVectors(vectors);
    expect(bytes.byteLength).toBe(24);
    // Little-endian: 1.5 is 0x3fc00000.
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x00, 0xc0, 0x3f]);
    const unaligned = new Uint8Array(bytes.byteLength + 1).subarray(1);
    unaligned.set(bytes);
    expect(decodeVectors(unaligned, 2)).toEqual(vectors);
    expect(decodeVectors(new Uint8Array(0), 0)).toEqual([]);
    expect(() => decodeVectors(bytes, 5)).toThrow(/do not split/);
  });

  it('checksums pairs regardless of their order', () => {
    const a = { mentorId: 2, contentHash: 'x' };
    const b = { mentorId: 10, contentHash: 'y' };
    expect(embeddingChecksum([a, b])).toBe(embeddingChecksum([b, a]));
    expect(embeddingChecksum([a, b])).not.toBe(embeddingChecksum([a, { ...b, contentHash: 'z' }]));
  });

  it('checksums sorted pairs in turns exactly as in one go, whatever the turn size', async () => {
    const pairs = Array.from({ length: 10 }, (_, i) => [i * 7 + 1, `hash-${i}`] as const);
    const expected = embeddingChecksum(pairs.map(([mentorId, contentHash]) => ({ mentorId, contentHash })));
    for (const perTurn of [1, 3, 10, 4096]) expect(await embeddingChecksumInTurns(pairs, perTurn)).toBe(expected);
    expect(await embeddingChecksumInTurns([])).toBe(embeddingChecksum([]));
    expect(await embeddingChecksumInTurns(pairs.slice(1))).not.toBe(expected);
  });
});

describe('PGlite', () => {
  it('keeps data across reopen without rerunning migrations', async () => {
    const dataDir = await tempDir();
    const first = await openDatabase({ databaseUrl: null, dataDir });
    const created = await createRepositories(first.db, first.textCipher).mentors.create({
      externalId: 'persisted',
      name: 'Grace',
      headline: 'Compiler engineer',
      bio: 'Bio',
      skills: ['COBOL'],
      languages: ['en'],
      timezone: 'America/New_York',
      location: null,
      yearsExperience: 40,
      capacityPerMonth: 1,
      active: true,
    });
    await expect(openDatabase({ databaseUrl: null, dataDir })).rejects.toThrow(/is open in process \d+ \(this one\)/);
    await first.close();

    const second = await openDatabase({ databaseUrl: null, dataDir });
    try {
      expect(second.kind).toBe('pglite');
      expect(await createRepositories(second.db, second.textCipher).mentors.getByExternalId('persisted')).toEqual(
        created,
      );
      const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(second.db);
      expect(applied.rows[0]!.n).toBe(Object.keys(migrations).length);
      const streamed: string[] = [];
      for await (const row of second.db.selectFrom('mentors').select('external_id').stream(1))
        streamed.push(row.external_id);
      expect(streamed).toEqual(['persisted']);
    } finally {
      await second.close();
    }
  });

  it('takes over a lock whose pid now belongs to an unrelated live process', async () => {
    const dataDir = await tempDir();
    // The pid of an engine that died, reused by a process that is not an engine.
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await writeFile(path.join(dataDir, 'pglite.lock'), String(stranger.pid));
      const handle = await openDatabase({ databaseUrl: null, dataDir });
      await handle.close();
      expect(stranger.exitCode).toBeNull();
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('loses no committed transaction and keeps no half of one after SIGKILL', async () => {
    const dataDir = await tempDir();
    const writer = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/crash-writer.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const committed = await new Promise<number>((resolve, reject) => {
      let last = -1;
      writer.stdout.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString().matchAll(/committed (\d+)/g)) last = Number(match[1]);
        if (last >= 3) {
          writer.kill('SIGKILL');
          resolve(last);
        }
      });
      writer.once('exit', (code) => reject(new Error(`writer exited early with ${code}: ${stderr}`)));
    });
    await new Promise((resolve) =>
      writer.exitCode !== null || writer.signalCode !== null ? resolve(null) : writer.once('exit', resolve),
    );

    const reopened = await openDatabase({ databaseUrl: null, dataDir });
    try {
      const counts = await sql<{ mentors: number; embeddings: number; orphans: number }>`
        select (select count(*) from mentors) as mentors,
               (select count(*) from mentor_embeddings) as embeddings,
               (select count(*) from mentors m where not exists (select 1 from mentor_embeddings e where e.mentor_id = m.id)) as orphans
      `.execute(reopened.db);
      const { mentors, embeddings, orphans } = counts.rows[0]!;
      expect(mentors % 50).toBe(0);
      expect(mentors).toBeGreaterThanOrEqual((committed + 1) * 50);
      expect(embeddings).toBe(mentors);
      expect(orphans).toBe(0);
    } finally {
      await reopened.close();
    }
  });
});

describe('PostgreSQL connection', () => {
  it('fails with the server error instead of hanging when the server is unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    await expect(
      openDatabase({ databaseUrl: `postgres://nobody@127.0.0.1:${port}/none`, dataDir: os.tmpdir() }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
