import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { OIDC_ISSUER_URL: 'https://login.example.org/realms/staff', OIDC_CLIENT_ID: 'mentormatch' };

describe('single sign-on settings', () => {
  it('are off without an issuer', () => {
    expect(loadConfig({}).oidc).toBeNull();
  });

  it('have documented defaults', () => {
    expect(loadConfig(base).oidc).toEqual({
      issuerUrl: 'https://login.example.org/realms/staff',
      clientId: 'mentormatch',
      clientSecret: null,
      name: 'login.example.org',
      scopes: 'openid email profile',
      rolesClaim: 'roles',
      roleMap: {
        mentee: ['mentee'],
        mentor: ['mentor'],
        coordinator: ['coordinator'],
        researcher: ['researcher'],
        admin: ['admin'],
      },
      defaultRoles: ['mentee'],
      redirectUrl: null,
    });
  });

  it('read every variable', () => {
    const oidc = loadConfig({
      ...base,
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_NAME: 'Example University',
      OIDC_SCOPES: 'openid email profile groups',
      OIDC_ROLES_CLAIM: 'groups',
      OIDC_ROLE_MAP: '{"staff": ["coordinator", "researcher"]}',
      OIDC_DEFAULT_ROLES: 'mentee, mentor',
      OIDC_REDIRECT_URL: 'https://mentoring.example.org/api/auth/sso/callback',
    }).oidc;
    expect(oidc).toMatchObject({
      clientSecret: 's3cret',
      name: 'Example University',
      scopes: 'openid email profile groups',
      rolesClaim: 'groups',
      roleMap: { staff: ['coordinator', 'researcher'] },
      defaultRoles: ['mentee', 'mentor'],
      redirectUrl: 'https://mentoring.example.org/api/auth/sso/callback',
    });
    expect(loadConfig({ ...base, OIDC_DEFAULT_ROLES: 'none' }).oidc!.defaultRoles).toEqual([]);
  });

  it('accept plain http only for a provider on loopback', () => {
    expect(loadConfig({ ...base, OIDC_ISSUER_URL: 'http://127.0.0.1:8080' }).oidc!.issuerUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(loadConfig({ ...base, OIDC_ISSUER_URL: 'http://localhost:8080/x' }).oidc).not.toBeNull();
    expect(() => loadConfig({ ...base, OIDC_ISSUER_URL: 'http://login.example.org' })).toThrow(
      /OIDC_ISSUER_URL must be an https URL \(plain http only on loopback\)/,
    );
  });

  it('refuse what cannot work, naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ OIDC_CLIENT_ID: 'x' }, /OIDC_CLIENT_ID is set but OIDC_ISSUER_URL is not/],
      [{ OIDC_ISSUER_URL: 'https://login.example.org' }, /OIDC_CLIENT_ID must be set/],
      [{ ...base, OIDC_ISSUER_URL: 'login.example.org' }, /OIDC_ISSUER_URL must be an absolute http\(s\) URL/],
      [{ ...base, OIDC_ROLE_MAP: 'staff=coordinator' }, /OIDC_ROLE_MAP is not valid JSON/],
      [{ ...base, OIDC_ROLE_MAP: '{"staff": "boss"}' }, /OIDC_ROLE_MAP maps "staff" to "boss"/],
      [{ ...base, OIDC_DEFAULT_ROLES: 'guest' }, /OIDC_DEFAULT_ROLES must be "none" or roles/],
      [{ ...base, OIDC_SCOPES: 'email profile' }, /OIDC_SCOPES must include openid/],
      [{ ...base, OIDC_REDIRECT_URL: 'ftp://x/cb' }, /OIDC_REDIRECT_URL must be an absolute http\(s\) URL/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    }
  });
});
