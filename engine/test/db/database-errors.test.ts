import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isRefusedData, isStorageFull } from '../../src/db/database-errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('database errors', () => {
  it('tells a server that is away from data it refused', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('connect ECONNREFUSED ::1', 'ECONNREFUSED')]))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error('query failed', { cause: withCode('x', '08006') }))).toBe(true);
    const duplicate = withCode('duplicate key value violates unique constraint', '23505');
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isRefusedData(duplicate)).toBe(true);
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'))).toBe(false);
  });

  it('tells a full disk', () => {
    expect(isStorageFull(withCode('could not extend file: No space left on device', '53100'))).toBe(true);
    expect(isStorageFull(withCode('ENOSPC: no space left on device, write', 'ENOSPC'))).toBe(true);
    expect(isStorageFull(withCode('connect ECONNREFUSED', 'ECONNREFUSED'))).toBe(false);
  });
});
