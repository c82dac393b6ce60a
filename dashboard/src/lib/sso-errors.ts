/**
 * What the sign-in page says when single sign-on sends the browser back with `?error=<code>`
 * (engine/src/routes/sso-routes.ts): one sentence for each SSO_* code, saying what to do next. The engine's
 * own messages carry details (the provider's reason, the claim's values) that stay in its log.
 */
export const SSO_ERROR_SENTENCES: Readonly<Record<string, string>> = {
  SSO_STATE_INVALID:
    'This sign-in could not be finished: it was started in another browser, took longer than 10 minutes, or was already used. Start again with the button below.',
  SSO_REFUSED:
    'Your identity provider did not sign you in (perhaps you cancelled there). Try again, or sign in with a password.',
  SSO_NO_ROLE:
    'Your identity provider gives you no role in MentorMatch. Ask an admin to give you one there, then try again.',
  SSO_USER_DISABLED: 'Your account here is disabled. Ask an admin to enable it.',
  SSO_EMAIL_NOT_VERIFIED:
    'An account here already has your email address, and your identity provider has not verified it, so the two cannot be linked. Ask an admin.',
  SSO_NOT_CONFIGURED: 'Single sign-on is not set up on this engine. Sign in with your email and password.',
  SSO_PROVIDER_UNAVAILABLE:
    'The identity provider could not be reached. Try again in a moment, or sign in with your email and password.',
};

/** The sentence for a code from the URL; null without one. A code it does not know is named, not hidden. */
export function ssoErrorSentence(code: string | null): string | null {
  if (code === null || code === '') return null;
  return (
    SSO_ERROR_SENTENCES[code] ??
    `Single sign-on did not work (${code.slice(0, 60)}). Try again, or sign in with your email and password.`
  );
}
