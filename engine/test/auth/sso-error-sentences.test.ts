import { describe, expect, it } from 'vitest';
import { SSO_ERROR_SENTENCES } from '../../../dashboard/src/lib/sso-errors.js';
import { errorRegistry } from '../../src/errors.js';

describe("the sign-in page's sentences for single sign-on's refusals", () => {
  it('cover exactly the SSO_* codes the engine can send it back with', () => {
    const codes = Object.keys(errorRegistry).filter((code) => code.startsWith('SSO_'));
    expect(codes.length).toBeGreaterThan(5);
    expect(Object.keys(SSO_ERROR_SENTENCES).sort()).toEqual(codes.sort());
  });
});
