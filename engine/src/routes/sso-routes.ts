import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { setSessionCookie } from './auth-routes.js';
import { errorResponses } from './schemas.js';

/** The browser's half of a sign-in under way at the provider; sent back only to the callback. */
const SSO_LOGIN_COOKIE = 'mm_sso';
const SSO_COOKIE_PATH = '/api/auth/sso';

function loginCookieOptions(request: FastifyRequest) {
  // Lax: the provider's redirect back is a top-level GET from its site, which Lax lets the cookie ride along.
  return { httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: SSO_COOKIE_PATH } as const;
}

const Redirect = (description: string) => Type.Null({ description });

/**
 * Single sign-on with OpenID Connect (auth/oidc-service.ts; docs/single-sign-on.md). The browser goes to
 * /api/auth/sso/start, on to the provider, and back to /api/auth/sso/callback, which sets the same session cookie
 * as POST /api/auth/login and sends it on to the dashboard.
 */
const ssoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sso = () => app.engine().sso;

  app.get(
    '/auth/sso',
    {
      schema: {
        tags: ['auth'],
        summary: 'Whether single sign-on is configured, for the sign-in page\'s "Sign in with <name>" button',
        response: {
          200: Type.Object({
            configured: Type.Boolean(),
            name: Type.Optional(Type.String({ description: 'The identity provider, as the button names it' })),
            startUrl: Type.Optional(
              Type.String({ description: 'Where the button goes; add ?returnTo=<path> to land on that page' }),
            ),
          }),
          ...errorResponses(),
        },
      },
    },
    async () => {
      const name = sso().providerName();
      return name === null ? { configured: false } : { configured: true, name, startUrl: '/api/auth/sso/start' };
    },
  );

  app.get(
    '/auth/sso/start',
    {
      schema: {
        tags: ['auth'],
        summary: 'Start signing in with the identity provider: redirects the browser there',
        description:
          'Sets a short-lived HTTP-only cookie that ties the sign-in to this browser (10 minutes). Without ' +
          'OIDC_ISSUER_URL (SSO_NOT_CONFIGURED), or when its discovery document cannot be read ' +
          '(SSO_PROVIDER_UNAVAILABLE), redirects to /signin?error=<code>: this is a page the browser loads.',
        querystring: Type.Object(
          {
            returnTo: Type.Optional(
              Type.String({
                // A path on this engine, never another site: "//evil.example" and "/\evil.example" are other sites.
                pattern: '^/(?![/\\\\])',
                maxLength: 2000,
                description: 'The path to land on once signed in (default /)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          302: Redirect('To the identity provider'),
          303: Redirect('To the sign-in page, with ?error=<SSO_ code>'),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const returnTo = localPath(request.query.returnTo ?? '/');
      return orBackToSignIn(request, reply, async () => {
        const started = await sso().start(originOf(request), returnTo);
        reply.setCookie(SSO_LOGIN_COOKIE, started.loginToken, {
          ...loginCookieOptions(request),
          maxAge: started.maxAgeSeconds,
        });
        return reply.redirect(started.url, 302);
      });
    },
  );

  app.get(
    '/auth/sso/callback',
    {
      schema: {
        tags: ['auth'],
        summary: "The identity provider's answer: signs the browser in and redirects it to the dashboard",
        description:
          'Sets the session cookie and redirects to the path the sign-in started with. A sign-in that fails ' +
          'redirects to /signin?error=<code>, whose page says why: SSO_STATE_INVALID when this browser started ' +
          'no such sign-in (or it expired, or was finished already); SSO_REFUSED when the provider declined or ' +
          'its answer failed the checks; SSO_NO_ROLE, SSO_USER_DISABLED; SSO_EMAIL_NOT_VERIFIED when a user here ' +
          'has the email and the provider has not verified it; SSO_NOT_CONFIGURED, SSO_PROVIDER_UNAVAILABLE.',
        // The provider may add parameters of its own (iss, session_state): all are handed to the checks.
        querystring: Type.Object({
          code: Type.Optional(Type.String()),
          state: Type.Optional(Type.String()),
          error: Type.Optional(Type.String()),
          error_description: Type.Optional(Type.String()),
        }),
        response: {
          303: Redirect('To the dashboard, signed in; or to the sign-in page, with ?error=<SSO_ code>'),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const loginToken = request.cookies[SSO_LOGIN_COOKIE];
      // Whatever the outcome, this sign-in is over.
      clearLoginCookie(request, reply);
      const answer = new URL(request.url, HERE).searchParams;
      return orBackToSignIn(request, reply, async () => {
        const signedIn = await sso().finish(answer, loginToken, request.id);
        setSessionCookie(request, reply, signedIn.token, signedIn.maxAgeSeconds);
        return reply.redirect(signedIn.returnTo, 303);
      });
    },
  );
};

/** Where a failed single sign-on sends the browser: the sign-in page, which says what each code means. */
function signInErrorPath(code: string): string {
  return `/signin?error=${encodeURIComponent(code)}`;
}

/**
 * Both legs are pages the browser loads (the sign-in button, the provider's redirect back), not calls from the
 * dashboard's code: a refusal as JSON would be all the user sees. An SSO_* refusal goes back to the sign-in
 * page instead; its detail (the provider's reason, the claim's values) goes to the log.
 */
async function orBackToSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  leg: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await leg();
  } catch (err) {
    if (!(err instanceof AppError && err.code.startsWith('SSO_'))) throw err;
    // The detail may name the user's email (SSO_EMAIL_NOT_VERIFIED): the log keeps no personal data.
    const detail = err.message.replace(/[^\s@"'()]+@[^\s@"'()]+/g, '[email]');
    request.log.warn({ code: err.code, detail }, 'single sign-on refused');
    return reply.redirect(signInErrorPath(err.code), 303);
  }
}

function clearLoginCookie(request: FastifyRequest, reply: FastifyReply): void {
  if (request.cookies[SSO_LOGIN_COOKIE] !== undefined) reply.clearCookie(SSO_LOGIN_COOKIE, loginCookieOptions(request));
}

const HERE = 'http://engine.invalid';

/**
 * The path to redirect to, as a browser would read it: URL parsing drops tabs and newlines and reads "\\" as "/",
 * so "/\t/evil.example" is another site although it starts with one slash. Percent-encoded, so that the Location
 * header holds only ASCII. Throws VALIDATION_FAILED for anything that leaves this engine.
 */
function localPath(returnTo: string): string {
  const url = new URL(returnTo, HERE);
  if (url.origin !== HERE)
    throw new AppError('VALIDATION_FAILED', { detail: 'querystring/returnTo must be a path on this engine' });
  return url.pathname + url.search + url.hash;
}

/** This engine as the browser reached it, for the callback URL when OIDC_REDIRECT_URL does not fix it. */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export default ssoRoutes;
