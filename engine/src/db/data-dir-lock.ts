import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const locksHeldHere = new Set<string>();

/** What a lock file records about its holder; `startTime` is null where the system does not tell it. */
export interface LockHolder {
  pid: number;
  /** The holder's start time in clock ticks since boot (/proc/<pid>/stat field 22): a reused pid has another. */
  startTime: string | null;
}

/**
 * PGlite does not notice a second process opening the same folder, and two writers corrupt it (the
 * CLI importing while the engine runs, say). A lock file turns that into a clear error; a file left
 * by a process that died is taken over, also when its pid now belongs to another process: the lock
 * records the holder's start time, which a reused pid does not share.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, 'pglite.lock');
  const self: LockHolder = { pid: process.pid, startTime: processStartTime(process.pid) };
  for (;;) {
    try {
      await writeFile(lockPath, JSON.stringify(self), { flag: 'wx' });
      locksHeldHere.add(lockPath);
      return async () => {
        locksHeldHere.delete(lockPath);
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = parseLock(await readFile(lockPath, 'utf8').catch(() => ''));
    // Our own pid in a file we did not write is a previous life of this pid (a restarted container's pid 1).
    const live = holder?.pid === process.pid ? locksHeldHere.has(lockPath) : holder !== null && holdsLock(holder);
    if (live) {
      throw new Error(
        `The embedded database in ${dataDir} is open in process ${holder!.pid}${holder!.pid === process.pid ? ' (this one)' : ''}; ` +
          'stop that process first, or use a PostgreSQL server through DATABASE_URL',
      );
    }
    await rm(lockPath, { force: true });
  }
}

/** A lock file's holder: JSON, or the bare pid that engines before the start time was recorded wrote. */
export function parseLock(text: string): LockHolder | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), startTime: null };
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder>;
    if (!Number.isSafeInteger(value.pid) || (value.pid as number) <= 0) return null;
    return { pid: value.pid!, startTime: typeof value.startTime === 'string' ? value.startTime : null };
  } catch {
    return null;
  }
}

/**
 * Whether the process the lock names still holds it. Where /proc tells, a holder with a start time must have
 * that start time, and one without (a bare-pid lock) must be a Node.js process like every engine and CLI;
 * elsewhere (macOS) any live process with that pid counts, as before.
 */
export function holdsLock(holder: LockHolder): boolean {
  if (!isRunning(holder.pid)) return false;
  const startTime = processStartTime(holder.pid);
  if (startTime === null) return true;
  if (holder.startTime !== null) return holder.startTime === startTime;
  const command = processCommand(holder.pid);
  return command === null || /(^|\/)node(js)?(\d+)?$/.test(command);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat; null without /proc. The command name (field 2) may hold spaces and parentheses. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 is fields[19].
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The executable a process runs (its argv[0]); null without /proc. */
function processCommand(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? null;
  } catch {
    return null;
  }
}
