import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { periodOf } from '../../src/programme/programme-service.js';

const today = new Date('2026-03-15T10:00:00Z');

const refusal = (query: { from?: string; to?: string }) => {
  try {
    periodOf(query, today);
  } catch (err) {
    return err instanceof AppError ? [err.status, err.code, err.message] : err;
  }
  return null;
};

describe("the programme view's period", () => {
  it('defaults to the last three calendar months up to today', () => {
    expect(periodOf({}, today)).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2026-03-16T00:00:00Z'),
    });
  });

  it('refuses years the database cannot store with a 400, not a 500', () => {
    // 0000-01-01 is year 0 (none in PostgreSQL); the day after 9999-12-31 is in year 10000.
    for (const query of [
      { from: '0000-01-01', to: '0000-12-31' },
      { from: '9999-06-01', to: '9999-12-31' },
      { to: '1999-12-31' },
    ]) {
      expect(refusal(query)).toEqual([
        400,
        'VALIDATION_FAILED',
        expect.stringMatching(/must be a day from 2000-01-01 to 9998-12-31/),
      ]);
    }
    expect(refusal({ from: '2000-01-01', to: '2000-12-31' })).toBeNull();
    expect(refusal({ from: '9998-01-01', to: '9998-12-31' })).toBeNull();
  });
});
