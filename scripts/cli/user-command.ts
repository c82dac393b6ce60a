import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { cliActor } from '../../engine/src/audit/audit-entry.js';
import { isRole, ROLES, type Role } from '../../engine/src/auth/roles.js';
import { UserService } from '../../engine/src/auth/user-service.js';
import type { AppConfig } from '../../engine/src/config.js';
import { openDatabase } from '../../engine/src/db/database.js';
import { createRepositories } from '../../engine/src/db/repositories.js';
import { isValidTimezone } from '../../engine/src/domain/mentor-validation.js';

export const userUsage = `  user add --email E --role R [--role R2] [--name N] [--time-zone Z] [--no-password]
                                            create a user (roles: ${ROLES.join(', ')}); the password
                                            is read from standard input, never from an argument
  user password --email E                   set a user's password, read from standard input`;

/** The shortest password accepted, as POST /api/users accepts. */
export const MIN_PASSWORD = 10;

export interface UserCommandIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

/**
 * `pnpm mm user ...`: users made on the configured database, as the command line (the audit log names the
 * operating-system user). Opens the database only: no model, no index.
 */
export async function runUserCommand(args: string[], config: Readonly<AppConfig>, io: UserCommandIo): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      role: { type: 'string', multiple: true },
      name: { type: 'string' },
      'no-password': { type: 'boolean' },
      'time-zone': { type: 'string' },
    },
    strict: true,
  });
  if (sub !== 'add' && sub !== 'password') throw new Error(`user needs add or password\n${userUsage}`);
  const email = values.email?.trim();
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email))
    throw new Error(`--email must be an email address, got ${email ?? 'nothing'}`);
  const handle = await openDatabase(config);
  try {
    const users = new UserService(createRepositories(handle.db, handle.textCipher));
    if (sub === 'add') {
      const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim());
      const unknown = roles.filter((r) => !isRole(r));
      if (roles.length === 0 || unknown.length > 0)
        throw new Error(
          `--role must be one of ${ROLES.join(', ')}${unknown.length ? `, got ${unknown.join(', ')}` : ''}`,
        );
      const timeZone = values['time-zone'];
      if (timeZone !== undefined && !isValidTimezone(timeZone))
        throw new Error(`--time-zone must be an IANA time zone such as Europe/Berlin, got ${timeZone}`);
      const password = values['no-password'] ? null : await readPassword(io);
      const user = await users.create(
        {
          email,
          name: values.name?.trim() || email.split('@')[0]!,
          roles: roles as Role[],
          password,
          ...(timeZone !== undefined && { timeZone }),
        },
        cliActor(),
      );
      io.stdout.write(`created user ${user.id}: ${user.email} (${user.roles.join(', ')})\n`);
      return;
    }
    const user = await users.getByEmail(email);
    if (!user) throw new Error(`no user has the email ${email}`);
    await users.update(user.id, { password: await readPassword(io) }, cliActor());
    io.stdout.write(`new password set for ${user.email}\n`);
  } finally {
    await handle.close();
  }
}

/**
 * The password from standard input: asked twice without echo on a terminal, else the first line of what is piped
 * in (`printf %s "$PASSWORD" | pnpm mm user add ...`), so that it never appears in the process list or history.
 */
async function readPassword(io: UserCommandIo): Promise<string> {
  let password: string;
  if (io.stdin.isTTY && io.stdin.setRawMode) {
    password = await askHidden(io, 'Password: ');
    if ((await askHidden(io, 'Again: ')) !== password) throw new Error('the two passwords differ');
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  if (password.length < MIN_PASSWORD)
    throw new Error(`the password must be at least ${MIN_PASSWORD} characters (read from standard input)`);
  return password;
}

function askHidden(io: UserCommandIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  io.stdin.setRawMode!(true);
  io.stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(typed));
        if (ch === '\u0003') return done(() => reject(new Error('interrupted')));
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    const done = (settle: () => void) => {
      io.stdin.off('data', onData);
      io.stdin.setRawMode!(false);
      io.stdin.pause();
      io.stderr.write('\n');
      settle();
    };
    io.stdin.on('data', onData);
  });
}
