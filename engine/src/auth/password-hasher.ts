import { type Algorithm, hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): 45 ms a hash on this machine,
// on libuv's thread pool, so the event loop answers other requests meanwhile.
// The package's Algorithm is a const enum, which this project's isolated modules cannot read: 2 is Argon2id.
const options = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** False for a wrong password and for a stored hash that cannot be read. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | null = null;

/**
 * Spends the time of a verification for an unknown email (or a user without a password), so that the answer
 * takes as long as for a known one and does not tell which emails have accounts.
 */
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('decoy: no account has this password');
  await verifyPassword(await decoy, password);
  return false;
}
