import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** An account at the provider: its claims beyond `sub`, which is the name typed at its sign-in page. */
export type ProviderAccount = Record<string, unknown>;

export interface TestProvider {
  /** http://127.0.0.1:<port>: known before the provider runs, so the engine can be configured first. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * Starts answering, with the engine's client registered for these callback URLs (an engine on port 0 learns
   * its own only once it listens).
   */
  start(redirectUris: readonly string[]): void;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider, the certified one) on loopback, as an organisation's would be: discovery,
 * signed ID tokens, PKCE required, UserInfo, and its own sign-in and consent pages (its development interactions:
 * any password is accepted for a known account, which is all these tests need of it). Its claims follow the
 * standard split: email in the `email` scope, name and the `roles` claim in `profile`; ID tokens carry only the
 * subject when an access token is issued, so the engine must read the rest from UserInfo, as with many providers.
 */
export async function listenTestProvider(accounts: Readonly<Record<string, ProviderAccount>>): Promise<TestProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'mentormatch';
  const clientSecret = 'a-test-only-client-secret-of-some-length';
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return {
    issuer,
    clientId,
    clientSecret,
    start(redirectUris) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [...redirectUris],
            response_types: ['code'],
            grant_types: ['authorization_code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'zoneinfo', 'roles'] },
        async findAccount(_ctx, sub) {
          const claims = accounts[sub];
          if (claims === undefined) return undefined;
          return { accountId: sub, claims: async () => ({ ...claims, sub }) };
        },
        features: { devInteractions: { enabled: true } },
        pkce: { required: () => true },
        cookies: { keys: ['a-test-only-cookie-signing-key'] },
        jwks: { keys: [{ ...signingKey, kid: 'test', use: 'sig', alg: 'RS256' }] },
        // Set, so that the provider does not print a notice for each default it falls back on.
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
      });
      server.on('request', provider.callback());
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
