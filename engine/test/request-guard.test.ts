import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import { makeRequestGuard } from '../src/request-guard.js';

function request(method: string, headers: Record<string, string | undefined>, protocol = 'http'): FastifyRequest {
  return { method, headers, protocol } as unknown as FastifyRequest;
}

async function refusal(guard: ReturnType<typeof makeRequestGuard>, req: FastifyRequest): Promise<string | null> {
  try {
    await guard(req);
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('request guard: Host on a loopback engine', () => {
  const guard = makeRequestGuard('127.0.0.1');

  it('refuses a request without a Host, or with an empty one, like a foreign Host', async () => {
    expect(await refusal(guard, request('GET', {}))).toBe('HOST_NOT_ALLOWED');
    expect(await refusal(guard, request('GET', { host: '' }))).toBe('HOST_NOT_ALLOWED');
    expect(await refusal(guard, request('GET', { host: ':3000' }))).toBe('HOST_NOT_ALLOWED');
    expect(await refusal(guard, request('GET', { host: 'evil.example:3000' }))).toBe('HOST_NOT_ALLOWED');
  });

  it('answers localhost names', async () => {
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:3000', 'app.localhost']) {
      expect(await refusal(guard, request('GET', { host })), host).toBeNull();
    }
  });

  it('an engine listening beyond loopback does not check the Host', async () => {
    const open = makeRequestGuard('0.0.0.0');
    expect(await refusal(open, request('GET', {}))).toBeNull();
    expect(await refusal(open, request('GET', { host: 'mentoring.example.org' }))).toBeNull();
  });
});

describe('request guard: Origin of a change', () => {
  const guard = makeRequestGuard('0.0.0.0');
  const host = 'mentoring.example.org';

  it('refuses an Origin whose scheme differs from the request’s, though its host is the same', async () => {
    expect(await refusal(guard, request('POST', { host, origin: `http://${host}` }, 'https'))).toBe(
      'CROSS_SITE_REQUEST',
    );
    expect(await refusal(guard, request('POST', { host, origin: `https://${host}` }, 'http'))).toBe(
      'CROSS_SITE_REQUEST',
    );
  });

  it('takes the same scheme and host, and the scheme a reverse proxy forwards', async () => {
    expect(await refusal(guard, request('POST', { host, origin: `https://${host}` }, 'https'))).toBeNull();
    expect(await refusal(guard, request('POST', { host, origin: `http://${host}` }, 'http'))).toBeNull();
    const proxied = { host, origin: `https://${host}`, 'x-forwarded-proto': 'https' };
    expect(await refusal(guard, request('POST', proxied, 'http'))).toBeNull();
  });

  it('refuses an Origin that is not a URL, and an opaque "null" Origin', async () => {
    expect(await refusal(guard, request('POST', { host, origin: 'null' }))).toBe('CROSS_SITE_REQUEST');
    expect(await refusal(guard, request('POST', { host, origin: host }))).toBe('CROSS_SITE_REQUEST');
  });

  it('leaves reads and clients without an Origin alone', async () => {
    expect(await refusal(guard, request('GET', { host, origin: 'https://evil.example' }))).toBeNull();
    expect(await refusal(guard, request('POST', { host }))).toBeNull();
  });
});

describe('request guard: default ports', () => {
  it('an Origin without the default port the Host writes out (or the other way round) is the same origin', async () => {
    const guard = makeRequestGuard('127.0.0.1');
    expect(await refusal(guard, request('POST', { host: 'localhost:80', origin: 'http://localhost' }))).toBeNull();
    expect(await refusal(guard, request('POST', { host: 'localhost', origin: 'http://localhost:80' }))).toBeNull();
    expect(await refusal(guard, request('POST', { host: 'localhost:3000', origin: 'http://localhost' }))).toBe(
      'CROSS_SITE_REQUEST',
    );
  });
});
