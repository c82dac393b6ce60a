/**
 * Text PostgreSQL cannot store: the NUL character (U+0000) in text and jsonb, and a lone UTF-16 surrogate,
 * which jsonb refuses and text silently turns into U+FFFD. Either fails, or changes, when it is written, not
 * when it is read, so input is checked up front, where a clear 400 can still name the field.
 */
export interface UnstorableText {
  /** Where the string is, e.g. `body.skills[2]`; a property name is reported as such. */
  path: string;
  problem: string;
}

/**
 * The strings in `value` PostgreSQL cannot store, in document order, up to `limit` of them. Walked with a stack
 * rather than recursion: JSON nested 10,000 deep overflowed the call stack.
 */
export function unstorableText(value: unknown, path: string, limit = 20): UnstorableText[] {
  const out: UnstorableText[] = [];
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length > 0 && out.length < limit) {
    const [item, at] = pending.pop()!;
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) out.push({ path: at, problem });
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], `${at}[${i}]`]);
    } else if (isPlainObject(item)) {
      const entries = Object.entries(item);
      const children: [unknown, string][] = [];
      for (const [key, child] of entries) {
        const problem = textProblem(key);
        if (problem && out.length < limit)
          out.push({ path: `the property name ${JSON.stringify(key)} in ${at || 'the row'}`, problem });
        children.push([child, at === '' ? key : `${at}.${key}`]);
      }
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
    }
  }
  return out;
}

/** "body.bio must not contain the NUL character (U+0000)". */
export function describeUnstorable({ path, problem }: UnstorableText): string {
  return `${path} ${problem}`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode: it has a lone UTF-16 surrogate';
  return null;
}

/**
 * Parsed JSON, or a parsed query string (whose prototype has a null prototype). Streams and buffers (import
 * bodies) are not: their rows are checked when they are parsed.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}
