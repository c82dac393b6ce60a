import { describe, expect, it } from 'vitest';
import { actorLabel, valueText } from './audit-format.js';

const user = { kind: 'user' as const, userId: 7, email: 'ana@example.org', role: 'admin', osUser: null };

describe('actorLabel', () => {
  it('names a user by email and the role the route let them act in', () => {
    expect(actorLabel(user)).toBe('ana@example.org as admin');
    expect(actorLabel({ ...user, role: null })).toBe('ana@example.org');
    expect(actorLabel({ ...user, email: null, role: null })).toBe('user 7');
  });

  it('names the command line with its OS user, and the deprecated engine token as such', () => {
    expect(actorLabel({ kind: 'cli', userId: null, email: null, role: null, osUser: 'ops' })).toBe(
      'command line (ops)',
    );
    expect(actorLabel({ kind: 'engine-token', userId: null, email: null, role: null, osUser: null })).toBe(
      'API_TOKEN (deprecated)',
    );
  });
});

describe('valueText', () => {
  it('writes nothing as a dash, lists joined, objects as JSON', () => {
    expect(valueText(null)).toBe('—');
    expect(valueText(undefined)).toBe('—');
    expect(valueText(['mentee', 'mentor'])).toBe('mentee, mentor');
    expect(valueText({ semantic: 0.5 })).toBe('{"semantic":0.5}');
    expect(valueText([{ a: 1 }])).toBe('[{"a":1}]');
    expect(valueText(false)).toBe('false');
    expect(valueText(0)).toBe('0');
  });

  it('cuts a long value to one line of 80 characters', () => {
    const text = valueText('x'.repeat(200));
    expect(text).toHaveLength(80);
    expect(text.endsWith('…')).toBe(true);
  });
});
