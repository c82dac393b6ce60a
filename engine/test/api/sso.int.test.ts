import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/audit/audit-entry.js';
import type { AppError } from '../../src/errors.js';
import { startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { createTestUser } from '../../../test/support/auth-helpers.js';
import { listenTestProvider, type TestProvider } from '../../../test/support/oidc-test-provider.js';

// app.inject's requests reach the engine as Host: localhost:80, so this is the callback the engine derives.
const CALLBACK = 'http://localhost/api/auth/sso/callback';
// What an engine behind a proxy is told to use with OIDC_REDIRECT_URL.
const FIXED_CALLBACK = 'https://mentoring.example.org/api/auth/sso/callback';

const ACCOUNTS = {
  ada: { email: 'ada@example.org', email_verified: true, name: 'Ada Lovelace', roles: ['staff', 'mentor'] },
  grace: { email: 'grace@example.org', email_verified: true, name: 'Grace Hopper', zoneinfo: 'America/New_York' },
  linus: { email: 'linus@example.org', email_verified: false, name: 'Linus', roles: ['mentee'] },
  dora: { email: 'dora@example.org', email_verified: true, name: 'Dora', roles: ['mentor'] },
  hedy: { email: 'hedy@example.org', email_verified: true, name: 'Hedy Lamarr', roles: ['mentor'] },
  nobody: { email: 'nobody@example.org', email_verified: true, name: 'Nobody', roles: ['visitor'] },
};

/** The provider's cookies, as the browser would keep them between its pages. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.slice(0, line.indexOf(';') >>> 0);
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * A browser at the provider: follows its redirects and submits its sign-in form (as `login`) and its consent form,
 * or presses its Cancel link, until it sends the browser back to the engine. Answers that callback URL.
 */
async function throughProvider(authorizeUrl: string, login: string | 'cancel', to = CALLBACK): Promise<URL> {
  const callbackUrl = to;
  const jar = new CookieJar();
  let url = authorizeUrl;
  let init: RequestInit = {};
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header() } });
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url);
      if (next.href.startsWith(callbackUrl)) return next;
      [url, init] = [next.href, {}];
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider answered ${res.status}: ${html.slice(0, 300)}`);
    if (login === 'cancel') {
      [url, init] = [new URL(/href="([^"]*\/abort)"/.exec(html)![1]!, url).href, {}];
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const fields = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      fields.set(name!, value!);
    }
    if (fields.get('prompt') === 'login') {
      fields.set('login', login);
      fields.set('password', 'whatever the provider checks');
    }
    [url, init] = [
      new URL(action, url).href,
      { method: 'POST', body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ];
  }
  throw new Error('the provider never sent the browser back');
}

interface Started {
  /** The mm_sso cookie, as `name=value`. */
  cookie: string;
  authorizeUrl: URL;
}

async function startSignIn(app: FastifyInstance, returnTo?: string): Promise<Started> {
  const res = await app.inject({
    method: 'GET',
    url: '/api/auth/sso/start',
    query: returnTo === undefined ? {} : { returnTo },
  });
  expect(res.statusCode, res.body).toBe(302);
  const cookie = res.cookies.find((c) => c.name === 'mm_sso')!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/auth/sso' });
  return { cookie: `mm_sso=${cookie.value}`, authorizeUrl: new URL(res.headers.location as string) };
}

function callback(app: FastifyInstance, answer: URL, cookie: string | null) {
  return app.inject({
    method: 'GET',
    url: answer.pathname + answer.search,
    headers: cookie === null ? {} : { cookie },
  });
}

/** The whole sign-in: start, the provider's pages as `login`, and the callback with this browser's cookie. */
async function signIn(app: FastifyInstance, login: string, returnTo?: string) {
  const started = await startSignIn(app, returnTo);
  return callback(app, await throughProvider(started.authorizeUrl.href, login), started.cookie);
}

function sessionOf(res: { cookies: Array<{ name: string; value: string }> }): string {
  const session = res.cookies.find((c) => c.name === 'mm_session');
  if (!session) throw new Error('no session cookie');
  return `mm_session=${session.value}`;
}

/** A refused sign-in: the browser goes back to the sign-in page, which names the code, with no session. */
function expectBackToSignIn(res: LightMyRequestResponse, code: string) {
  expect(res.statusCode, res.body).toBe(303);
  expect(res.headers.location).toBe(`/signin?error=${code}`);
  expect(res.cookies.find((c) => c.name === 'mm_session')).toBeUndefined();
}

/** The reason the service gives for refusing an answer: the redirect leaves it to the log. */
async function refusalOf(app: FastifyInstance, login: string, callbackUrl?: string): Promise<AppError> {
  const started = await startSignIn(app);
  const answer = await throughProvider(started.authorizeUrl.href, login, callbackUrl);
  const loginToken = started.cookie.slice('mm_sso='.length);
  return app
    .engine()
    .sso.finish(answer.searchParams, loginToken, 'test')
    .then(
      () => expect.fail(`${login} was signed in`),
      (err: AppError) => err,
    );
}

async function me(app: FastifyInstance, cookie: string) {
  const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { id: number; email: string; name: string; roles: string[] };
}

let provider: TestProvider;

beforeAll(async () => {
  provider = await listenTestProvider(ACCOUNTS);
  provider.start([CALLBACK, FIXED_CALLBACK]);
});

afterAll(() => provider?.close());

describe('single sign-on through a real OpenID provider', () => {
  let harness: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await startTestApp({
      signedIn: false,
      env: {
        OIDC_ISSUER_URL: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_CLIENT_SECRET: provider.clientSecret,
        OIDC_NAME: 'Example University',
        OIDC_ROLE_MAP: JSON.stringify({ staff: ['coordinator', 'researcher'], mentor: 'mentor', mentee: 'mentee' }),
      },
    });
    app = harness.app;
  });

  afterAll(() => harness?.close());

  it('tells the sign-in page which provider to offer', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/auth/sso' });
    expect(res.json()).toEqual({ configured: true, name: 'Example University', startUrl: '/api/auth/sso/start' });
  });

  it('sends the browser to the provider with a code challenge, state and nonce', async () => {
    const { authorizeUrl } = await startSignIn(app);
    expect(authorizeUrl.origin).toBe(provider.issuer);
    const q = authorizeUrl.searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      client_id: provider.clientId,
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{20,}$/);
  });

  it('signs a new user in with the roles mapped from the claim, and lands where the sign-in started', async () => {
    const res = await signIn(app, 'ada', '/mentors?page=2');
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/mentors?page=2');
    const session = res.cookies.find((c) => c.name === 'mm_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // The sign-in's own cookie is cleared.
    expect(res.cookies.find((c) => c.name === 'mm_sso')).toMatchObject({ value: '' });

    const user = await me(app, sessionOf(res));
    expect(user).toMatchObject({ email: 'ada@example.org', name: 'Ada Lovelace' });
    expect(user.roles).toEqual(['mentor', 'coordinator', 'researcher']);
    // The session opens coordinator routes, as a password's does.
    const mentors = await app.inject({ method: 'GET', url: '/api/mentors', headers: { cookie: sessionOf(res) } });
    expect(mentors.statusCode).toBe(200);
  });

  it('finds the same user at the next sign-in, and records the user made and linked in the audit log', async () => {
    const first = await me(app, sessionOf(await signIn(app, 'dora')));
    const again = await me(app, sessionOf(await signIn(app, 'dora')));
    expect(again.id).toBe(first.id);
    const entries = await app.engine().audit.list({ entity: 'user', actor: String(first.id), limit: 100 });
    expect(entries.map((e) => e.action).sort()).toEqual(['sso-identity.linked', 'user.created']);
    expect(entries.find((e) => e.action === 'user.created')!.changes).toMatchObject({
      email: { before: null, after: 'dora@example.org' },
      roles: { before: null, after: ['mentor'] },
    });
  });

  it("gives the default role (mentee) when the claim is absent, and the provider's time zone", async () => {
    const res = await signIn(app, 'grace');
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/');
    const user = await me(app, sessionOf(res));
    expect(user.roles).toEqual(['mentee']);
    expect((await app.engine().users.get(user.id))!.timeZone).toBe('America/New_York');
  });

  it('links a local user by a verified email, whatever its case, and sets their roles from the claim', async () => {
    const local = await createTestUser(app, ['mentee', 'researcher'], 'Hedy@Example.org');
    const res = await signIn(app, 'hedy');
    expect(res.statusCode, res.body).toBe(303);
    const user = await me(app, sessionOf(res));
    expect(user.id).toBe(local.user.id);
    expect(user.roles).toEqual(['mentor']);
    // Their password still signs them in: the link adds a way in, it takes none away.
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'hedy@example.org', password: local.password },
    });
    expect(login.statusCode).toBe(200);
  });

  it('sends a bad state, a missing cookie and a replayed answer back to sign in with SSO_STATE_INVALID', async () => {
    const started = await startSignIn(app);
    const answer = await throughProvider(started.authorizeUrl.href, 'ada');

    const forged = new URL(answer);
    forged.searchParams.set('state', 'not-the-state-this-browser-was-given');
    const badState = await callback(app, forged, started.cookie);
    expectBackToSignIn(badState, 'SSO_STATE_INVALID');

    // The sign-in is spent by the failed try: the right answer cannot be replayed after it.
    const replayed = await callback(app, answer, started.cookie);
    expectBackToSignIn(replayed, 'SSO_STATE_INVALID');

    // An answer sent to a browser that started no sign-in (login CSRF: an attacker's code in a victim's browser).
    const other = await startSignIn(app);
    const noCookie = await callback(app, await throughProvider(other.authorizeUrl.href, 'ada'), null);
    expectBackToSignIn(noCookie, 'SSO_STATE_INVALID');
  });

  it('sends the browser back to sign in with SSO_REFUSED when the user cancels at the provider', async () => {
    const started = await startSignIn(app);
    const res = await callback(app, await throughProvider(started.authorizeUrl.href, 'cancel'), started.cookie);
    expectBackToSignIn(res, 'SSO_REFUSED');
    expect(await refusalOf(app, 'cancel')).toMatchObject({ code: 'SSO_REFUSED', message: /access_denied/ });
  });

  it('sends a disabled user back to sign in with SSO_USER_DISABLED, and opens no session', async () => {
    const user = await me(app, sessionOf(await signIn(app, 'dora')));
    await app.engine().users.update(user.id, { disabled: true }, cliActor());
    expectBackToSignIn(await signIn(app, 'dora'), 'SSO_USER_DISABLED');
  });

  it('refuses to link an unverified email to the local user who has it (SSO_EMAIL_NOT_VERIFIED)', async () => {
    await createTestUser(app, ['admin'], 'linus@example.org');
    expectBackToSignIn(await signIn(app, 'linus'), 'SSO_EMAIL_NOT_VERIFIED');
  });

  it('refuses a start that would land on another site', async () => {
    for (const returnTo of [
      '//evil.example/',
      'https://evil.example/',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n\\evil.example',
    ]) {
      const res = await app.inject({ method: 'GET', url: '/api/auth/sso/start', query: { returnTo } });
      expect(res.statusCode, JSON.stringify(returnTo)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.cookies).toEqual([]);
    }
  });

  it('lands on a path with any characters, sent percent-encoded', async () => {
    const res = await signIn(app, 'ada', '/mentors?q=café au lait#top');
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/mentors?q=caf%C3%A9%20au%20lait#top');
  });
});

describe('single sign-on with no default role and a fixed callback URL', () => {
  let harness: TestApp;

  beforeAll(async () => {
    harness = await startTestApp({
      signedIn: false,
      env: {
        OIDC_ISSUER_URL: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_CLIENT_SECRET: provider.clientSecret,
        OIDC_DEFAULT_ROLES: 'none',
        OIDC_REDIRECT_URL: FIXED_CALLBACK,
      },
    });
  });

  afterAll(() => harness?.close());

  it('sends the provider the configured callback, and names the provider by its host', async () => {
    const { authorizeUrl } = await startSignIn(harness.app);
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(FIXED_CALLBACK);
    const sso = await harness.app.inject({ method: 'GET', url: '/api/auth/sso' });
    expect(sso.json()).toMatchObject({ configured: true, name: '127.0.0.1' });
  });

  it('refuses a user whose claim gives no role here (SSO_NO_ROLE), naming the claim and its values', async () => {
    const started = await startSignIn(harness.app);
    const answer = await throughProvider(started.authorizeUrl.href, 'nobody', FIXED_CALLBACK);
    const res = await callback(harness.app, answer, started.cookie);
    expectBackToSignIn(res, 'SSO_NO_ROLE');
    expect((await refusalOf(harness.app, 'nobody', FIXED_CALLBACK)).message).toContain('"roles": "visitor"');
    expect((await harness.app.engine().users.list({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('signs in a user whose claim maps, by the default map of role names', async () => {
    const started = await startSignIn(harness.app);
    const answer = await throughProvider(started.authorizeUrl.href, 'dora', FIXED_CALLBACK);
    const res = await callback(harness.app, answer, started.cookie);
    expect(res.statusCode, res.body).toBe(303);
    expect((await me(harness.app, sessionOf(res))).roles).toEqual(['mentor']);
  });
});

describe('single sign-on not configured, or its provider away', () => {
  let plain: TestApp;
  let away: TestApp;

  beforeAll(async () => {
    plain = await startTestApp({ signedIn: false });
    // A loopback port nothing listens on: the provider is down.
    const closed = await listenTestProvider({});
    const issuer = closed.issuer;
    await closed.close();
    away = await startTestApp({ signedIn: false, env: { OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: 'mentormatch' } });
  });

  afterAll(async () => {
    await plain?.close();
    await away?.close();
  });

  it('says so to the sign-in page, and sends a start or a callback back to it with SSO_NOT_CONFIGURED', async () => {
    expect((await plain.app.inject({ method: 'GET', url: '/api/auth/sso' })).json()).toEqual({ configured: false });
    for (const url of ['/api/auth/sso/start', '/api/auth/sso/callback?code=x&state=y']) {
      expectBackToSignIn(await plain.app.inject({ method: 'GET', url }), 'SSO_NOT_CONFIGURED');
    }
  });

  it('sends a start back to sign in with SSO_PROVIDER_UNAVAILABLE when the provider is away, and sets no cookie', async () => {
    const res = await away.app.inject({ method: 'GET', url: '/api/auth/sso/start' });
    expectBackToSignIn(res, 'SSO_PROVIDER_UNAVAILABLE');
    expect(res.cookies).toEqual([]);
  });
});
