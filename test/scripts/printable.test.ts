import { describe, expect, it } from 'vitest';
import { printable } from '../../scripts/cli/progress.js';

describe('printable (what the CLI prints of an import file)', () => {
  it('shows control characters, escape sequences among them, as \\u escapes and keeps other text', () => {
    expect(printable('row 3 (\u001b]0;pwned\u0007x): ROW_INVALID')).toBe(
      'row 3 (\\u001b]0;pwned\\u0007x): ROW_INVALID',
    );
    expect(printable('a\rb\nc\u009bd')).toBe('a\\u000db\\u000ac\\u009bd');
    expect(printable('Zoë — 日本語 🙂')).toBe('Zoë — 日本語 🙂');
  });
});
