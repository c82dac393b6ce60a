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

export function unstorableText(value: unknown, path: string, out: UnstorableText[] = []): UnstorableText[] {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) out.push({ path, problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => unstorableText(item, `${path}[${i}]`, out));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const child = path === '' ? key : `${path}.${key}`;
      const problem = textProblem(key);
      if (problem) out.push({ path: `the property name ${JSON.stringify(key)} in ${path || 'the row'}`, problem });
      unstorableText(item, child, out);
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
