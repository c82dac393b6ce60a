import { describe, expect, it } from 'vitest';
import { logSerializers, safeError, withoutQueryValues } from '../src/log-serializers.js';

describe('withoutQueryValues', () => {
  it('keeps the path and the parameter names, never the values', () => {
    expect(withoutQueryValues('/api/mentors?q=Jane%20Doe&limit=5')).toBe('/api/mentors?q=~&limit=~');
    expect(withoutQueryValues('/api/auth/sso/callback?code=abc&state=xyz')).toBe(
      '/api/auth/sso/callback?code=~&state=~',
    );
    expect(withoutQueryValues('/api/mentors?')).toBe('/api/mentors?');
    expect(withoutQueryValues('/api/health')).toBe('/api/health');
  });
});

describe('safeError', () => {
  it('drops what database drivers attach: statement parameters, the detail quoting values', () => {
    const err = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
      severity: 'ERROR',
      constraint: 'users_email_key',
      table: 'users',
      detail: 'Key (email)=(jane@example.org) already exists.',
      query: 'insert into users (email) values ($1)',
      params: ['jane@example.org'],
    });
    const logged = JSON.stringify(safeError(err));
    expect(logged).not.toContain('jane@example.org');
    expect(logged).toContain('users_email_key');
    expect(logged).toContain('23505');
  });

  it('cuts the quoted value from a data exception, and serialises causes the same way', () => {
    const cause = Object.assign(new Error('invalid input syntax for type integer: "my secret question"'), {
      code: '22P02',
      severity: 'ERROR',
    });
    const logged = JSON.stringify(safeError(new Error('query failed', { cause })));
    expect(logged).not.toContain('my secret question');
    expect(logged).toContain('invalid input syntax for type integer');
  });
});

describe('logSerializers', () => {
  const request = {
    method: 'GET',
    url: '/api/mentors?q=Jane',
    host: 'localhost:3000',
    ip: '192.0.2.7',
    socket: { remotePort: 5000 },
  } as never;

  it('below debug: no query values, no client address', () => {
    expect(logSerializers('info').req(request)).toEqual({
      method: 'GET',
      url: '/api/mentors?q=~',
      host: 'localhost:3000',
    });
  });

  it('at debug: the full URL and the address, for an operator who asked', () => {
    expect(logSerializers('debug').req(request)).toMatchObject({
      url: '/api/mentors?q=Jane',
      remoteAddress: '192.0.2.7',
    });
  });
});
