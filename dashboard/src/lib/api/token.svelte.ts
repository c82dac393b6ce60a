const KEY = 'mentormatch.apiToken';

/** Set when the engine answered 401: it has an API_TOKEN, and coordinator pages need it. */
export const tokenPrompt = $state({ needed: false });

/** The token given in this tab; kept for the session only, never in the page's address or long-term storage. */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
  tokenPrompt.needed = false;
}
