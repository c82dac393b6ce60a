import { api, ApiError, errorMessage, unwrap, type ResponseBody } from './client.js';

export type CurrentUser = ResponseBody<'/api/auth/me', 'get'>;

/**
 * Who is signed in, as the engine last said. `known` is false until the first answer, so that the layout does not
 * refuse a page in the moment before it knows who is looking; `error` says why it could not ask.
 */
export const session = $state<{ user: CurrentUser | null; known: boolean; error: string | null }>({
  user: null,
  known: false,
  error: null,
});

// The session lives in an HTTP-only cookie the page cannot read: a 401 from any route is how the page learns that it
// ended (signed out elsewhere, expired, revoked). A wrong password is a 401 too, but no sign-out.
api.use({
  onResponse({ request, response }) {
    if (response.status === 401 && new URL(request.url).pathname !== '/api/auth/login') {
      session.user = null;
      session.known = true;
    }
    return response;
  },
});

/** Asks the engine who the session cookie belongs to; no session is an answer, not an error. */
export async function loadSession(): Promise<void> {
  try {
    session.user = await unwrap(api.GET('/api/auth/me'));
    session.error = null;
  } catch (err) {
    session.user = null;
    session.error = err instanceof ApiError && err.status === 401 ? null : errorMessage(err);
  } finally {
    session.known = true;
  }
}

/** Throws the engine's ApiError (INVALID_CREDENTIALS, TOO_MANY_ATTEMPTS, ...) for the sign-in form to show. */
export async function signIn(email: string, password: string): Promise<CurrentUser> {
  const user = await unwrap(api.POST('/api/auth/login', { body: { email: email.trim(), password } }));
  session.user = user;
  session.known = true;
  return user;
}

export async function signOut(): Promise<void> {
  await unwrap(api.POST('/api/auth/logout'));
  session.user = null;
  session.known = true;
}
