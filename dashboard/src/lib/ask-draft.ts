const KEY = 'mentormatch.askDraft';

/** What a visitor typed on the Ask page. */
export interface AskDraft {
  text: string;
  languages: string;
  timezone: string;
}

/**
 * Keeps the question while its asker goes to sign in (to request a session, or because the engine takes questions
 * from signed-in mentees only), so that the Ask page can ask it again on their return. This tab only: session
 * storage, which the browser drops with the tab.
 */
export function keepAskDraft(draft: AskDraft): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Storage refused (a private window's quota): the asker types the question again.
  }
}

/** The kept question, once: taking it removes it. */
export function takeAskDraft(): AskDraft | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (raw === null) return null;
    const draft: unknown = JSON.parse(raw);
    if (typeof draft !== 'object' || draft === null) return null;
    const { text, languages, timezone } = draft as Record<string, unknown>;
    if (typeof text !== 'string' || typeof languages !== 'string' || typeof timezone !== 'string') return null;
    return { text, languages, timezone };
  } catch {
    return null;
  }
}
