import { execFile } from 'node:child_process';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/src/config.js';
import { runUserCommand } from '../../scripts/cli/user-command.js';
import { makeTempDir, removeDir, startTestApp } from '../support/app-harness.js';
import { loginCookie } from '../support/auth-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dataDir: string;
beforeEach(() => {
  dataDir = makeTempDir('mm-user-cmd-');
});
afterEach(() => removeDir(dataDir));

function io(stdin: string) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  return { io: { stdin: Readable.from([stdin]), stdout, stderr: new PassThrough() }, out: () => out };
}

const run = (args: string[], stdin = 'a password from stdin\n') => {
  const streams = io(stdin);
  return runUserCommand(args, loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), streams.io).then(() =>
    streams.out(),
  );
};

describe('pnpm mm user', () => {
  it('adds a user whose password comes from standard input; the audit log names the CLI', async () => {
    const out = await run([
      'add',
      '--email',
      'Root@Example.org',
      '--role',
      'admin',
      '--role',
      'coordinator,researcher',
    ]);
    expect(out).toMatch(/^created user \d+: Root@Example.org \(coordinator, researcher, admin\)\n$/);
    const harness = await startTestApp({ dataDir, signedIn: false });
    try {
      const cookie = await loginCookie(harness.app, 'root@example.org', 'a password from stdin');
      const audit = await harness.app.inject({ method: 'GET', url: '/api/audit?entity=user', headers: { cookie } });
      expect(audit.json().items[0]).toMatchObject({ action: 'user.created', actor: { kind: 'cli', userId: null } });
      expect(audit.json().items[0].actor.osUser).toBeTruthy();
    } finally {
      await harness.close();
    }
  });

  it('sets a new password from standard input', async () => {
    await run(['add', '--email', 'ana@example.org', '--role', 'mentee']);
    expect(await run(['password', '--email', 'ANA@example.org'], 'the second password\n')).toBe(
      'new password set for ana@example.org\n',
    );
    const harness = await startTestApp({ dataDir, signedIn: false });
    try {
      expect(await loginCookie(harness.app, 'ana@example.org', 'the second password')).toMatch(/^mm_session=/);
    } finally {
      await harness.close();
    }
  });

  it('never takes the password as an argument, and refuses short passwords, unknown roles and taken emails', async () => {
    await expect(run(['add', '--email', 'a@example.org', '--role', 'admin', '--password', 'x'])).rejects.toThrow(
      /password/,
    );
    await expect(run(['add', '--email', 'a@example.org', '--role', 'admin'], 'short\n')).rejects.toThrow(
      /at least 10 characters/,
    );
    await expect(run(['add', '--email', 'a@example.org', '--role', 'root'])).rejects.toThrow(/--role must be one of/);
    await expect(run(['add', '--email', 'not-an-email', '--role', 'admin'])).rejects.toThrow(/--email/);
    await run(['add', '--email', 'a@example.org', '--role', 'admin']);
    await expect(run(['add', '--email', 'A@example.org', '--role', 'admin'])).rejects.toMatchObject({
      code: 'USER_ALREADY_EXISTS',
    });
  });

  it('works as `pnpm mm user add` with the password piped in', async () => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli/cli.ts', 'user', 'add', '--email', 'piped@example.org', '--role', 'admin'],
      { cwd: root, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' } },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin!.end('piped password 123\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/created user \d+: piped@example.org \(admin\)/);
  }, 120_000);
});
