import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresServer {
  /** Connection URL of the cluster's `postgres` database (user `postgres`, trust auth, 127.0.0.1). */
  url: string;
  /** The cluster's data directory (table files, pg_wal), for tests that read what reached the disk. */
  dataDir: string;
  /** Creates a fresh empty database in the cluster and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
  /** Stops the server (as an operator would, `pg_ctl stop -m fast`) and keeps its data, for `resume`. */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port with the same data. */
  resume(): Promise<void>;
}

/** True when the environment asks to leave out tests against a real PostgreSQL server. */
export const skipPostgresServer = process.env.MM_SKIP_PG_SERVER === '1';

const serviceUser = 'postgres';

/**
 * Starts a throwaway PostgreSQL cluster in a temp folder, listening on 127.0.0.1 on a free port,
 * tuned for tests (no fsync). Binaries come from MM_PG_BIN or /usr/lib/postgresql/<15 or newest>/bin;
 * as root, they run as the `postgres` system user because initdb refuses root.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  if (skipPostgresServer) throw new Error('MM_SKIP_PG_SERVER=1: tests against a PostgreSQL server are switched off');
  const bin = findBinaries();
  const asRoot = process.getuid?.() === 0;
  const exec = (file: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', serviceUser, '--', path.join(bin, file), ...args]) : run(path.join(bin, file), args);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'mm-pg-'));
  const dataDir = path.join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', serviceUser]).toString());
    const gid = Number(execFileSync('id', ['-g', serviceUser]).toString());
    await chown(dir, uid, gid);
  }
  let started = false;
  const stopSync = () => {
    if (!started) return;
    try {
      const args = ['-D', dataDir, '-m', 'immediate', 'stop'];
      if (asRoot)
        execFileSync('runuser', ['-u', serviceUser, '--', path.join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(path.join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
    started = false;
  };
  // A test run that dies without calling stop() must not leave a server behind.
  process.once('exit', stopSync);

  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    let port = 0;
    let startArgs: string[] = [];
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=50',
      ].join(' ');
      startArgs = ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start'];
      try {
        await exec('pg_ctl', startArgs);
        started = true;
        break;
      } catch (error) {
        // Another process may have taken the port between probing and binding.
        if (attempt >= 3) throw error;
      }
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let databases = 0;
    return {
      url,
      dataDir,
      async createDatabase() {
        const name = `test_${process.pid}_${++databases}`;
        await exec('psql', [
          '-h',
          dir,
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          'postgres',
          '-v',
          'ON_ERROR_STOP=1',
          '-qc',
          `create database ${name}`,
        ]);
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      async pause() {
        await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
        started = false;
      },
      async resume() {
        await exec('pg_ctl', startArgs);
        started = true;
      },
      async stop() {
        process.removeListener('exit', stopSync);
        stopSync();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    process.removeListener('exit', stopSync);
    stopSync();
    await rm(dir, { recursive: true, force: true });
    const detail =
      error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr) : String(error);
    throw new Error(`Could not start a throwaway PostgreSQL server with ${bin}: ${detail}`, { cause: error });
  }
}

function findBinaries(): string {
  const candidates: string[] = [];
  if (process.env.MM_PG_BIN) candidates.push(process.env.MM_PG_BIN);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => (a === '15' ? -1 : b === '15' ? 1 : Number(b) - Number(a)));
    candidates.push(...versions.map((v) => path.join(root, v, 'bin')));
  }
  const found = candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries not found (looked in MM_PG_BIN and /usr/lib/postgresql/*/bin). ' +
        'Install them with `apt-get install -y postgresql-15`, or set MM_SKIP_PG_SERVER=1 to leave these tests out.',
    );
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('No port')),
      );
    });
  });
}
