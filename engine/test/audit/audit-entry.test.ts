import { describe, expect, it } from 'vitest';
import { fieldChanges, SECRET } from '../../src/audit/audit-entry.js';

describe('fieldChanges', () => {
  it('names only the fields that differ, comparing arrays by value', () => {
    expect(
      fieldChanges(
        { name: 'Ana', roles: ['mentee'], department: null, timeZone: 'UTC' },
        { name: 'Ana', roles: ['mentee', 'mentor'], department: 'Sales', timeZone: 'UTC' },
      ),
    ).toEqual({
      roles: { before: ['mentee'], after: ['mentee', 'mentor'] },
      department: { before: null, after: 'Sales' },
    });
  });

  it('records a creation from nothing and a deletion to nothing', () => {
    expect(fieldChanges(null, { name: 'Ana' })).toEqual({ name: { before: null, after: 'Ana' } });
    expect(fieldChanges({ name: 'Ana' }, null)).toEqual({ name: { before: 'Ana', after: null } });
  });

  it('never records the value of a secret', () => {
    const changes = fieldChanges({ password: 'old-hash' }, { password: 'new-hash' }, ['password']);
    expect(changes).toEqual({ password: { before: SECRET, after: SECRET } });
    expect(JSON.stringify(changes)).not.toMatch(/hash/);
  });
});
