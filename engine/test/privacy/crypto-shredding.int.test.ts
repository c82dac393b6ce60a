import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { skipPostgresServer, startPostgresServer, type PostgresServer } from '../../../test/support/postgres-server.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { createRepositories } from '../../src/db/repositories.js';
import { KeyDirectory } from '../../src/privacy/key-directory.js';
import { AesGcmTextCipher, periodOf } from '../../src/privacy/text-cipher.js';
import { QuestionRetention } from '../../src/services/question-retention.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const quiet = { info: () => {}, warn: () => {} };

/** Every file under `dir`, with its bytes: what a copy of the data directory would hold. */
async function filesUnder(dir: string): Promise<Array<{ file: string; bytes: Buffer }>> {
  const out: Array<{ file: string; bytes: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, bytes: await readFile(file) });
  }
  return out;
}

interface Setup {
  handle: DatabaseHandle;
  /** Where the database's files are: PGlite's folder, or the server's data directory with pg_wal. */
  dataFiles: string;
  keyDir: string;
  /** Makes what the database holds reach its files. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const setups: Array<{ name: string; skip: boolean; start(): Promise<Setup> }> = [
  {
    name: 'PGlite',
    skip: false,
    async start() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'mm-shred-'));
      const handle = await openDatabase({ databaseUrl: null, dataDir: dir });
      let open = true;
      return {
        handle,
        dataFiles: path.join(dir, 'pglite'),
        keyDir: path.join(dir, 'text-keys'),
        async flush() {
          await sql`checkpoint`.execute(handle.db);
          await handle.close();
          open = false;
        },
        async stop() {
          if (open) await handle.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL server',
    skip: skipPostgresServer,
    async start() {
      const server: PostgresServer = await startPostgresServer();
      const dir = await mkdtemp(path.join(os.tmpdir(), 'mm-shred-'));
      const handle = await openDatabase({ databaseUrl: await server.createDatabase(), dataDir: dir });
      return {
        handle,
        dataFiles: server.dataDir,
        keyDir: path.join(dir, 'text-keys'),
        async flush() {
          await sql`checkpoint`.execute(handle.db);
        },
        async stop() {
          await handle.close();
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

for (const setup of setups) {
  describe.skipIf(setup.skip)(`erased texts on disk (${setup.name})`, () => {
    let s: Setup | null = null;
    afterAll(() => s?.stop());

    it('leaves no erased question or note readable in the data directory, WAL included, even after VACUUM', async () => {
      s = await setup.start();
      const repos = createRepositories(s.handle.db, s.handle.textCipher);
      const now = new Date();
      const old = new Date(now.getTime() - 100 * DAY_MS);
      const oldQuestion = `my manager shouts at me ${randomUUID()}`;
      const oldNote = `please keep this between us ${randomUUID()}`;
      const newQuestion = `how do I ask for a raise ${randomUUID()}`;

      const { id: mentorRowId } = await sql<{ id: number }>`
        insert into mentors (external_id, name, headline, bio, timezone, years_experience, capacity_per_month)
        values ('m-1', 'M', 'H', 'B', 'UTC', 1, 1) returning id`
        .execute(s.handle.db)
        .then((r) => r.rows[0]!);
      const user = await repos.users.create({
        email: 'mentee@example.org',
        name: 'Mentee',
        timeZone: 'UTC',
        passwordHash: null,
        roles: ['mentee'],
      });
      const [oldId, newId] = await repos.requests.reserveRequestIds(2);
      await repos.requests.recordMenteeRequests([
        {
          id: oldId!,
          text: oldQuestion,
          filters: {},
          configVersion: null,
          createdAt: old,
          userId: user.id,
          matches: [],
        },
        {
          id: newId!,
          text: newQuestion,
          filters: {},
          configVersion: null,
          createdAt: now,
          userId: user.id,
          matches: [],
        },
      ]);
      await repos.sessionRequests.insert({
        requestId: oldId!,
        mentorRowId: Number(mentorRowId),
        userId: user.id,
        note: oldNote,
        lengthMinutes: null,
        slotStart: null,
        menteeTimeZone: null,
        createdAt: old,
        expiresAt: new Date(old.getTime() + 7 * DAY_MS),
      });
      // Readable through the repositories while kept.
      expect((await repos.requests.byUser(user.id)).sessionRequests[0]?.note).toBe(oldNote);

      expect(await new QuestionRetention(repos.requests, 90, quiet).eraseExpired(now)).toBe(2);
      await sql`vacuum`.execute(s.handle.db);
      const kept = await repos.requests.recentRequests(10);
      expect(kept.map((r) => r.text)).toEqual([newQuestion]);
      expect(existsSync(path.join(s.keyDir, `${periodOf(old)}.key`))).toBe(false);
      expect(existsSync(path.join(s.keyDir, `${periodOf(now)}.key`))).toBe(true);
      await s.flush();

      const files = await filesUnder(s.dataFiles);
      expect(files.some((f) => f.file.includes(`${path.sep}pg_wal${path.sep}`))).toBe(true);
      // Never in plain on disk, not even the text still kept.
      for (const plain of [oldQuestion, oldNote, newQuestion])
        expect(files.filter((f) => f.bytes.includes(plain)).map((f) => f.file)).toEqual([]);
      // The old versions are still there, sealed: what the key's destruction has to make unreadable.
      const sealedOld = new Set<string>();
      const pattern = new RegExp(`mmx1:${periodOf(old)}:[A-Za-z0-9+/]+=*`, 'g');
      for (const f of files) for (const m of f.bytes.toString('latin1').matchAll(pattern)) sealedOld.add(m[0]);
      expect(sealedOld.size).toBeGreaterThan(0);
      const survivor = new AesGcmTextCipher(new KeyDirectory(s.keyDir));
      for (const sealed of sealedOld) expect(survivor.open(sealed)).toBeNull();
    });
  });
}

describe('the key directory of a database', () => {
  it('stops an engine given another key directory than the one its texts were sealed with', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mm-keydir-'));
    try {
      const keys = path.join(dir, 'keys');
      const first = await openDatabase({ databaseUrl: null, dataDir: dir, textKeyDir: keys });
      const sealed = first.textCipher.seal('kept for the first engine', new Date());
      await first.close();
      await expect(
        openDatabase({ databaseUrl: null, dataDir: dir, textKeyDir: path.join(dir, 'other-keys') }),
      ).rejects.toThrow(/is not the one this database's texts are sealed with/);
      const again = await openDatabase({ databaseUrl: null, dataDir: dir, textKeyDir: keys });
      expect(again.textCipher.open(sealed)).toBe('kept for the first engine');
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
