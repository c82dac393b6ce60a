import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { PeriodKeyStore } from './text-cipher.js';

const KEY_BYTES = 32;
const KEY_FILE = /^(\d{4}-\d{2}-\d{2})\.key$/;

/**
 * The keys of personal free text as files, `<period>.key`, in a directory outside the database: a key kept as a
 * row would leave its old versions in the table files and WAL exactly as the texts did. The engines of one
 * deployment share the directory (next to PGlite's data; a shared volume for engines on one PostgreSQL server,
 * TEXT_KEY_DIR). Calls are synchronous: a key is read or made once per day and process, then held in memory.
 */
export class KeyDirectory implements PeriodKeyStore {
  /** Keys read or made here; null: that period's key was destroyed. */
  private readonly cache = new Map<string, Buffer | null>();

  constructor(private readonly dir: string) {}

  keyFor(period: string): Buffer {
    const known = this.existingKey(period);
    if (known !== null) return known;
    createOnce(this.dir, this.file(period), randomBytes(KEY_BYTES));
    this.cache.delete(period);
    const key = this.existingKey(period);
    if (key === null) throw new Error(`the key file of ${period} in ${this.dir} vanished as it was made`);
    return key;
  }

  /**
   * This directory's identity, made with it: the database records it, so that an engine given another directory
   * is stopped before it reads every text as erased (db/database.ts).
   */
  id(): string {
    const file = path.join(this.dir, 'directory.id');
    createOnce(this.dir, file, Buffer.from(randomBytes(16).toString('hex')), true);
    return readFileSync(file, 'utf8').trim();
  }

  existingKey(period: string): Buffer | null {
    const cached = this.cache.get(period);
    if (cached !== undefined) return cached;
    let key: Buffer | null;
    try {
      key = readFileSync(this.file(period));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      key = null;
    }
    if (key !== null && key.length !== KEY_BYTES)
      throw new Error(`the key file of ${period} in ${this.dir} holds ${key.length} bytes, not ${KEY_BYTES}`);
    this.cache.set(period, key);
    return key;
  }

  destroyBefore(period: string): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let destroyed = 0;
    for (const name of names) {
      const day = KEY_FILE.exec(name)?.[1];
      if (day === undefined || day >= period) continue;
      // Zeros over the key before the name goes, so that the blocks it leaves hold no key (on a file system
      // that writes in place; docs/privacy.md says where this falls short).
      writeDurably(path.join(this.dir, name), Buffer.alloc(KEY_BYTES), 'r+');
      unlinkSync(path.join(this.dir, name));
      this.cache.get(day)?.fill(0);
      this.cache.set(day, null);
      destroyed++;
    }
    for (const day of this.cache.keys()) if (day < period) this.cache.set(day, null);
    if (destroyed > 0) syncDirectory(this.dir);
    return destroyed;
  }

  private file(period: string): string {
    return path.join(this.dir, `${period}.key`);
  }
}

/**
 * Writes `bytes` as `file` unless it exists: written aside, then linked into place, so that when two engines make
 * it at once, linking fails for the second and both use the first.
 */
function createOnce(dir: string, file: string, bytes: Buffer, unlessPresent = false): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (unlessPresent && existsSync(file)) return;
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  writeDurably(temp, bytes);
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  syncDirectory(dir);
}

function writeDurably(file: string, bytes: Buffer, flags = 'wx'): void {
  const fd = openSync(file, flags, 0o600);
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
