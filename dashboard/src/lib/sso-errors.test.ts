import { describe, expect, it } from 'vitest';
import { SSO_ERROR_SENTENCES, ssoErrorSentence } from './sso-errors.js';

describe('ssoErrorSentence', () => {
  it('says what happened and what to do for a known code', () => {
    expect(ssoErrorSentence('SSO_USER_DISABLED')).toBe('Your account here is disabled. Ask an admin to enable it.');
    expect(ssoErrorSentence('SSO_REFUSED')).toMatch(/did not sign you in/);
  });

  it('names a code it does not know, shortened, and says nothing without one', () => {
    expect(ssoErrorSentence('SSO_SOMETHING_NEW')).toBe(
      'Single sign-on did not work (SSO_SOMETHING_NEW). Try again, or sign in with your email and password.',
    );
    expect(ssoErrorSentence('X'.repeat(500))).toHaveLength(
      'Single sign-on did not work (). Try again, or sign in with your email and password.'.length + 60,
    );
    expect(ssoErrorSentence(null)).toBeNull();
    expect(ssoErrorSentence('')).toBeNull();
  });

  it('has one different sentence for each code', () => {
    const sentences = Object.values(SSO_ERROR_SENTENCES);
    expect(new Set(sentences).size).toBe(sentences.length);
  });
});
