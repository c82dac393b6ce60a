import { describe, expect, it } from 'vitest';
import { addressGroup, LoginRateLimiter } from '../../src/auth/login-rate-limiter.js';

const limits = { account: { max: 3, windowMs: 60_000 }, address: { max: 5, windowMs: 60_000 } };

function limiter(maxKeys?: number) {
  let now = 1_000_000;
  const l = new LoginRateLimiter(limits, () => now, maxKeys);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('LoginRateLimiter', () => {
  it("stops an account's attempts at its limit, whatever the address, and not other accounts'", () => {
    const { l } = limiter();
    for (let i = 0; i < 3; i++) expect(l.take('ana@example.org', `10.0.0.${i}`).ok).toBe(true);
    const refused = l.take('ANA@example.org ', '10.0.0.9');
    expect(refused).toMatchObject({ ok: false, scope: 'account', retryAfterMs: 60_000 });
    expect(l.take('bo@example.org', '10.0.0.9').ok).toBe(true);
  });

  it('stops an address at its limit, whatever the account', () => {
    const { l } = limiter();
    for (let i = 0; i < 5; i++) expect(l.take(`user${i}@example.org`, '10.0.0.1').ok).toBe(true);
    expect(l.take('other@example.org', '10.0.0.1')).toMatchObject({ ok: false, scope: 'address' });
    expect(l.take('other@example.org', '10.0.0.2').ok).toBe(true);
  });

  it('frees attempts as they leave the window, oldest first', () => {
    const { l, advance } = limiter();
    l.take('ana@example.org', '10.0.0.1');
    advance(30_000);
    l.take('ana@example.org', '10.0.0.1');
    l.take('ana@example.org', '10.0.0.1');
    expect(l.take('ana@example.org', '10.0.0.1')).toMatchObject({ ok: false, retryAfterMs: 30_000 });
    advance(30_000);
    expect(l.take('ana@example.org', '10.0.0.1').ok).toBe(true);
    expect(l.take('ana@example.org', '10.0.0.1').ok).toBe(false);
  });

  it("a correct password forgets the account's failures and its own attempt at the address, not earlier ones", () => {
    const { l } = limiter();
    l.take('ana@example.org', '10.0.0.1');
    l.take('ana@example.org', '10.0.0.1');
    const right = l.take('ana@example.org', '10.0.0.1');
    if (!right.ok) throw new Error('refused');
    right.release();
    for (let i = 0; i < 3; i++) expect(l.take('ana@example.org', '10.0.0.1').ok, `attempt ${i}`).toBe(true);
    // The address has 2 failures before and 3 after the release: its limit of 5 is reached.
    expect(l.take('bo@example.org', '10.0.0.1')).toMatchObject({ ok: false, scope: 'address' });
  });

  it('counts an attempt when it starts, so concurrent guesses cannot all pass before the first fails', () => {
    const { l } = limiter();
    const started = Array.from({ length: 100 }, () => l.take('ana@example.org', '10.0.0.1'));
    expect(started.filter((a) => a.ok)).toHaveLength(3);
  });

  it('keeps at most maxKeys keys, the least recently used leaving first', () => {
    const { l } = limiter(4);
    for (let i = 0; i < 3; i++) l.take('ana@example.org', '10.0.0.1');
    // Two new keys per attempt push ana's key out.
    l.take('x@example.org', '10.0.0.2');
    l.take('y@example.org', '10.0.0.3');
    expect(l.take('ana@example.org', '10.0.0.4').ok).toBe(true);
  });
});

describe('addressGroup', () => {
  it('limits IPv4 by address and IPv6 by its /64', () => {
    expect(addressGroup('192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
  });
});
