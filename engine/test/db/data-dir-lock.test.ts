import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, parseLock, processStartTime } from '../../src/db/data-dir-lock.js';

const temporary: string[] = [];
const children: ChildProcess[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mm-lock-'));
  temporary.push(dir);
  return dir;
}

/** A live process, started and waited for until /proc shows it. */
async function live(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid!;
}

const nodeProcess = () => live(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const hasProc = processStartTime(process.pid) !== null;

describe('data folder lock', () => {
  it('records the holder’s pid and start time, and removes the file on release', async () => {
    const dir = await tempDir();
    const release = await lockDataDir(dir);
    const holder = parseLock(await readFile(path.join(dir, 'pglite.lock'), 'utf8'));
    expect(holder).toEqual({ pid: process.pid, startTime: processStartTime(process.pid) });
    await expect(lockDataDir(dir)).rejects.toThrow(/is open in process \d+ \(this one\)/);
    await release();
    await (await lockDataDir(dir))();
  });

  it('takes over the lock of a process that died', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    await writeFile(path.join(dir, 'pglite.lock'), JSON.stringify({ pid: child.pid, startTime: '1' }));
    await (await lockDataDir(dir))();
  });

  it.runIf(hasProc)('takes over a lock whose pid now runs a process that is not an engine', async () => {
    const dir = await tempDir();
    const pid = await live('sleep', ['60']);
    // A bare pid, as engines wrote before the start time was recorded.
    await writeFile(path.join(dir, 'pglite.lock'), String(pid));
    await (await lockDataDir(dir))();
    // The same pid with another start time: a reused pid, whatever it runs.
    const node = await nodeProcess();
    await writeFile(path.join(dir, 'pglite.lock'), JSON.stringify({ pid: node, startTime: '1' }));
    await (await lockDataDir(dir))();
  });

  it('refuses while the process that wrote the lock runs', async () => {
    const dir = await tempDir();
    const pid = await nodeProcess();
    await writeFile(path.join(dir, 'pglite.lock'), JSON.stringify({ pid, startTime: processStartTime(pid) }));
    await expect(lockDataDir(dir)).rejects.toThrow(`is open in process ${pid};`);
    await writeFile(path.join(dir, 'pglite.lock'), String(pid));
    await expect(lockDataDir(dir)).rejects.toThrow(`is open in process ${pid};`);
  });
});
