import { isIPv6 } from 'node:net';

export interface RateLimit {
  /** Attempts allowed in any window... */
  max: number;
  /** ...of this many milliseconds. */
  windowMs: number;
}

export interface LoginLimits {
  /** Per email, whoever tries it: stops guessing one account's password from many addresses. */
  account: RateLimit;
  /** Per address, whatever email it tries: stops one address from trying many accounts. */
  address: RateLimit;
}

/**
 * Ten guesses per account and 100 per address every 15 minutes: a person who mistypes is never stopped, and a
 * guesser gets 960 tries a day per account. An account's limit stops only attempts on that account, so other
 * users sign in as usual while one is attacked (scripts/bench/login-rate-limit.ts measures both).
 */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  account: { max: 10, windowMs: 15 * 60_000 },
  address: { max: 100, windowMs: 15 * 60_000 },
};

export type Attempt =
  | { ok: true; release: () => void }
  | { ok: false; scope: 'account' | 'address'; retryAfterMs: number };

/**
 * Counts sign-in attempts per account and per address in sliding windows, in memory. An attempt is counted
 * when it starts, before the password is checked, so that a thousand concurrent guesses cannot all pass the
 * check before the first has failed; a correct password gives the account's attempts back.
 *
 * Each engine counts its own attempts (several engines sharing a database multiply the limits by their number),
 * and a restart forgets them. At most `maxKeys` keys are kept, the least recently used leaving first.
 */
export class LoginRateLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts an attempt for both keys, or answers which one is spent and when it frees up. */
  take(email: string, address: string): Attempt {
    const now = this.now();
    const accountKey = `account ${email.trim().toLowerCase()}`;
    const addressKey = `address ${addressGroup(address)}`;
    for (const [key, scope] of [
      [accountKey, 'account'],
      [addressKey, 'address'],
    ] as const) {
      const limit = this.limits[scope];
      const recent = this.recent(key, now, limit.windowMs);
      if (recent.length >= limit.max) return { ok: false, scope, retryAfterMs: recent[0]! + limit.windowMs - now };
    }
    this.push(accountKey, now);
    this.push(addressKey, now);
    return {
      ok: true,
      // The password was right: the account's failures no longer count, and this attempt not for the address.
      release: () => {
        this.attempts.delete(accountKey);
        const times = this.attempts.get(addressKey);
        const at = times?.lastIndexOf(now) ?? -1;
        if (at >= 0) times!.splice(at, 1);
      },
    };
  }

  private recent(key: string, now: number, windowMs: number): number[] {
    const times = this.attempts.get(key);
    if (!times) return [];
    while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
    if (times.length === 0) this.attempts.delete(key);
    return times;
  }

  private push(key: string, at: number): void {
    const times = this.attempts.get(key) ?? [];
    // Re-inserted, so that the map's order is least recently used first.
    this.attempts.delete(key);
    times.push(at);
    this.attempts.set(key, times);
    while (this.attempts.size > this.maxKeys) this.attempts.delete(this.attempts.keys().next().value!);
  }
}

/**
 * The unit an address is limited by: an IPv4 address, or an IPv6 /64 (one home or host gets a whole /64, and
 * would otherwise have 2⁶⁴ fresh addresses to try from).
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
